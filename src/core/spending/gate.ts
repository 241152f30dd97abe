/**
 * The one check every way of starting work goes through before anything is stored or sent (the engine calls it
 * from `submit`; a batch calls `admit` once for its whole set and hands each task its reservation).
 */
import type { Task, TaskRequest } from '../task';

export interface SpendingGate {
  /**
   * Admits the requests, all or nothing, and reserves their estimates in the ledger shared by every window:
   * one reservation id per request, in order. Throws when a limit would be passed (with the message to show),
   * or when the user declines a confirmation.
   */
  admit(requests: readonly TaskRequest[], origin: Task['origin']): Promise<readonly string[]>;
  /** The task created for a reservation: its cost settles the reservation when it ends. */
  bind(reservation: string, taskId: string): Promise<void>;
  /** A reservation whose task was never created (the submit failed before it was stored). */
  release(reservation: string): Promise<void>;
}
