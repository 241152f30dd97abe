/**
 * The ledger shared by every window: one JSON file per local day, replaced whole, every change under one lock
 * (lock.ts), so the limit check and the reservation are one step — two windows near a limit never both pass it.
 */
import type { ProviderId } from '../providers';
import type { FileLock } from './lock';
import {
  type DayRecord,
  emptyDay,
  holds,
  KEPT_DAYS,
  lastDays,
  type LedgerEntry,
  localDay,
  modelKey,
  monthOf,
  parseDay,
  type Refusal,
  type SpendingLimits,
  checkLimits,
  totalsOf,
  type Totals,
  type CostBasis,
} from './model';
import { round } from './estimate';

/** `write` replaces the file in one step. */
export interface LedgerFiles {
  read(day: string): Promise<string | undefined>;
  write(day: string, text: string): Promise<void>;
  days(): Promise<string[]>;
  remove(day: string): Promise<void>;
}

export interface ReserveItem {
  readonly provider: ProviderId;
  readonly model: string;
  /** Undefined when the price is unknown. */
  readonly usd?: number;
  readonly minUSD?: number;
  readonly label?: string;
}

export type ReserveOutcome = { readonly ok: true; readonly ids: readonly string[] } | { readonly ok: false; readonly refusal: Refusal };

export type Settlement =
  | { readonly kind: 'cost'; readonly usd: number | undefined; readonly basis: CostBasis }
  | { readonly kind: 'release' };

export interface LedgerClock {
  now(): number;
}

export class SpendingLedger {
  /** So settling finds an entry without searching. */
  private readonly dayOf = new Map<string, string>();

  constructor(
    private readonly files: LedgerFiles,
    private readonly lock: FileLock,
    private readonly clock: LedgerClock,
    private readonly newId: () => string,
  ) {}

  async readDay(day: string): Promise<DayRecord> {
    const record = parseDay(await this.files.read(day), day);
    for (const entry of record.entries) {
      this.dayOf.set(entry.id, day);
      if (entry.taskId) this.dayOf.set(`task:${entry.taskId}`, day);
    }
    return record;
  }

  private async writeDay(record: DayRecord): Promise<void> {
    await this.files.write(record.day, JSON.stringify(record));
  }

  async totals(): Promise<{ today: Totals; month: Totals; day: string }> {
    const now = this.clock.now();
    const day = localDay(now);
    const month = await this.monthEntries(day);
    return { day, today: totalsOf(month.filter((e) => e.day === day), now), month: totalsOf(month, now) };
  }

  private async monthEntries(day: string): Promise<LedgerEntry[]> {
    const prefix = monthOf(day);
    const days = (await this.files.days()).filter((d) => monthOf(d) === prefix && d <= day);
    const records = await Promise.all(days.map((d) => this.readDay(d)));
    return records.flatMap((r) => r.entries);
  }

  /** One step under the lock, all or nothing, against spent + queued in every window. */
  reserve(items: readonly ReserveItem[], limits: SpendingLimits): Promise<ReserveOutcome> {
    return this.lock.run(async () => {
      const now = this.clock.now();
      const day = localDay(now);
      const month = await this.monthEntries(day);
      const requestUSD = round(items.reduce((sum, item) => sum + (item.usd ?? 0), 0));
      const refusal = checkLimits(
        totalsOf(
          month.filter((e) => e.day === day),
          now,
        ),
        totalsOf(month, now),
        requestUSD,
        limits,
        items.length,
      );
      if (refusal) return { ok: false, refusal };
      const record = await this.readDay(day);
      const added: LedgerEntry[] = items.map((item) => ({
        id: this.newId(),
        provider: item.provider,
        model: item.model,
        day,
        at: now,
        state: 'reserved',
        usd: item.usd,
        minUSD: item.minUSD,
        basis: item.usd === undefined ? 'unknown' : 'estimated',
        label: item.label,
      }));
      await this.writeDay({ ...record, entries: [...record.entries, ...added] });
      for (const entry of added) this.dayOf.set(entry.id, day);
      return { ok: true, ids: added.map((e) => e.id) };
    });
  }

  bind(id: string, taskId: string): Promise<void> {
    return this.change(id, undefined, (entry) => (entry.state === 'reserved' ? { ...entry, taskId } : entry), taskId);
  }

  /** Idempotent: a settled entry stays as it is. */
  settle(taskId: string, settlement: Settlement, near?: number): Promise<void> {
    return this.change(`task:${taskId}`, near, (entry) => {
      if (entry.state !== 'reserved') return entry;
      if (settlement.kind === 'release') return { ...entry, state: 'released', settledAt: this.clock.now() };
      // A reported cost replaces the estimate; without one the estimate stays, marked as one (or unknown).
      return {
        ...entry,
        state: 'settled',
        usd: settlement.usd,
        basis: settlement.usd === undefined ? 'unknown' : settlement.basis,
        settledAt: this.clock.now(),
      };
    });
  }

  release(id: string): Promise<void> {
    return this.change(id, undefined, (entry) =>
      entry.state === 'reserved' ? { ...entry, state: 'released', settledAt: this.clock.now() } : entry,
    );
  }

  async entryOf(taskId: string, near?: number): Promise<LedgerEntry | undefined> {
    return (await this.find(`task:${taskId}`, near))?.entry;
  }

  /** So settling it would change something. */
  async isOpen(taskId: string, near?: number): Promise<boolean> {
    const found = await this.find(`task:${taskId}`, near);
    return found?.entry.state === 'reserved';
  }

  private change(key: string, near: number | undefined, update: (entry: LedgerEntry) => LedgerEntry, bindTask?: string): Promise<void> {
    return this.lock.run(async () => {
      const found = await this.find(key, near);
      if (!found) return;
      const next = update(found.entry);
      if (next === found.entry) return;
      await this.writeDay({ ...found.record, entries: found.record.entries.map((e) => (e === found.entry ? next : e)) });
      if (bindTask) this.dayOf.set(`task:${bindTask}`, found.record.day);
    });
  }

  /** The day it is known to be in, the days around `near`, then every day. */
  private async find(key: string, near?: number): Promise<{ record: DayRecord; entry: LedgerEntry } | undefined> {
    const match = (e: LedgerEntry) => (key.startsWith('task:') ? e.taskId === key.slice(5) : e.id === key);
    const tried = new Set<string>();
    const candidates = [
      this.dayOf.get(key),
      ...(near === undefined ? [] : [localDay(near), localDay(near - 86_400_000), localDay(near + 86_400_000)]),
    ];
    for (const day of candidates) {
      if (!day || tried.has(day)) continue;
      tried.add(day);
      const record = await this.readDay(day);
      const entry = record.entries.find(match);
      if (entry) return { record, entry };
    }
    for (const day of (await this.files.days()).sort().reverse()) {
      if (tried.has(day)) continue;
      const record = await this.readDay(day);
      const entry = record.entries.find(match);
      if (entry) return { record, entry };
    }
    return undefined;
  }

  async allowedToday(provider: ProviderId, model: string): Promise<boolean> {
    return (await this.readDay(localDay(this.clock.now()))).allowedUnknown.includes(modelKey(provider, model));
  }

  allowToday(provider: ProviderId, model: string): Promise<void> {
    return this.lock.run(async () => {
      const record = await this.readDay(localDay(this.clock.now()));
      const key = modelKey(provider, model);
      if (!record.allowedUnknown.includes(key)) await this.writeDay({ ...record, allowedUnknown: [...record.allowedUnknown, key] });
    });
  }

  /** Oldest first. */
  async history(count: number): Promise<DayRecord[]> {
    const have = new Set(await this.files.days());
    return Promise.all(
      lastDays(this.clock.now(), count).map((day) => (have.has(day) ? this.readDay(day) : Promise.resolve(emptyDay(day)))),
    );
  }

  /** For settling what a closed window left. */
  async openEntries(sinceDays = 31): Promise<LedgerEntry[]> {
    const now = this.clock.now();
    return (await this.history(sinceDays)).flatMap((r) => r.entries).filter((e) => e.taskId !== undefined && holds(e, now));
  }

  prune(): Promise<void> {
    return this.lock.run(async () => {
      const oldest = lastDays(this.clock.now(), KEPT_DAYS)[0];
      for (const day of await this.files.days()) if (day < oldest) await this.files.remove(day);
    });
  }
}
