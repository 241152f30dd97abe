/**
 * The requests sent to a provider with a requests-a-minute budget, as a log the windows open on one workspace
 * may share (host/requestLog.ts keeps it in the shared task folder). Every request takes the next place of the
 * provider's log; a place is taken by one window only, so a window that decided to send on what it read finds
 * out when another window sent meanwhile, and reads again. Request times grow with their places.
 */
import type { ProviderId } from '../providers';

/** The provider's log as read: the newest request times, oldest first, and the place the next request takes. */
export interface RequestLogView {
  readonly times: readonly number[];
  readonly next: number;
}

export interface RequestLog {
  /** At least the newest `newest` request times (fewer when fewer were sent). */
  read(provider: ProviderId, newest: number): RequestLogView;
  /** Records a request at `at` in place `next`; false when another window has taken that place (read again). */
  record(provider: ProviderId, next: number, at: number): boolean;
}

/** One window's log, for an engine that shares its budget with no other window. */
export class MemoryRequestLog implements RequestLog {
  private readonly times = new Map<ProviderId, number[]>();
  private readonly nexts = new Map<ProviderId, number>();

  constructor(private readonly kept = 200) {}

  read(provider: ProviderId, newest: number): RequestLogView {
    return { times: (this.times.get(provider) ?? []).slice(-newest), next: this.nexts.get(provider) ?? 0 };
  }

  record(provider: ProviderId, next: number, at: number): boolean {
    if ((this.nexts.get(provider) ?? 0) !== next) return false;
    this.nexts.set(provider, next + 1);
    this.times.set(provider, [...(this.times.get(provider) ?? []), at].slice(-this.kept));
    return true;
  }
}

/** Headroom: our clock and the provider's see a request at slightly different moments, so a minute is taken as this. */
export const BUDGET_WINDOW_MS = 60_000 + 1000;

/** The spacing of requests while the budget is tight. */
export function pacedIntervalMs(limit: number): number {
  return Math.ceil(BUDGET_WINDOW_MS / limit);
}

/**
 * The budget's answer for the next request, from the provider's newest request times (every window's, oldest
 * first): undefined when it may go now, else the moment it may.
 */
export function budgetWaitFor(times: readonly number[], limit: number, now: number): number | undefined {
  const recent = times.filter((t) => now - t < BUDGET_WINDOW_MS);
  if (recent.length >= limit) return recent[recent.length - limit] + BUDGET_WINDOW_MS;
  // Past half the budget, requests are paced at the budget's own rate: a burst that spent the whole minute
  // would come back a minute later as the same burst, leaving the rest of every minute without a check.
  if (recent.length >= Math.ceil(limit / 2)) {
    const paced = recent[recent.length - 1] + pacedIntervalMs(limit);
    if (paced > now) return paced;
  }
  return undefined;
}

/** Whether half of the budget or more went out in the last minute (requests are being paced). */
export function budgetIsTight(times: readonly number[], limit: number, now: number): boolean {
  return times.filter((t) => now - t < BUDGET_WINDOW_MS).length >= Math.ceil(limit / 2);
}
