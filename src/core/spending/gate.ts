/** Every way of starting work goes through here before anything is stored (a batch admits its set at once). */
import type { Task, TaskRequest } from '../task';

export interface SpendingGate {
  /** All or nothing, one reservation per request, in the ledger every window shares; throws on a limit or a decline. */
  admit(requests: readonly TaskRequest[], origin: Task['origin']): Promise<readonly string[]>;
  /** Its cost settles the reservation when it ends. */
  bind(reservation: string, taskId: string): Promise<void>;
  /** The submit failed before the task was stored. */
  release(reservation: string): Promise<void>;
}
