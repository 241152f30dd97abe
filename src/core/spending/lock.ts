/**
 * One lock file for every window on this machine, so the ledger's check and reservation are one step. Created
 * exclusively; a dead or far-overdue holder's lock is taken over through a marker named after it, as claims are.
 */
import { createHash } from 'crypto';
import type { ClaimFiles, Liveness } from '../claims';

export interface LockHolder {
  readonly pid: number;
  /** Two windows may share a process (tests), so the pid alone does not say who holds it. */
  readonly instance: string;
}

interface LockRecord extends LockHolder {
  readonly at: number;
}

/** A ledger step takes milliseconds; a lock held this long belongs to a hung or dead holder. */
const STALE_AFTER_MS = 30_000;
/** Then something is badly wrong with the storage folder. */
const GIVE_UP_AFTER_MS = 20_000;

function parse(text: string | undefined): LockRecord | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Partial<LockRecord>;
    if (typeof value.pid === 'number' && typeof value.instance === 'string' && typeof value.at === 'number')
      return { pid: value.pid, instance: value.instance, at: value.at };
  } catch {
    // half-written by a crashed holder: stale
  }
  return { pid: 0, instance: '', at: 0 };
}

export class FileLock {
  /** Only other instances contend for the file. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly files: ClaimFiles,
    private readonly name: string,
    private readonly me: LockHolder,
    private readonly liveness: Liveness,
    private readonly now: () => number = Date.now,
    private readonly pause: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  run<T>(step: () => Promise<T>): Promise<T> {
    const result = this.tail.then(() => this.holding(step));
    this.tail = result.catch(() => undefined);
    return result;
  }

  private async holding<T>(step: () => Promise<T>): Promise<T> {
    const mine = await this.acquire();
    try {
      return await step();
    } finally {
      // Only our own lock is removed: one taken over from us after a stall belongs to its new holder.
      if ((await this.files.read(this.name).catch(() => undefined)) === mine) await this.files.remove(this.name);
    }
  }

  private isStale(record: LockRecord): boolean {
    if (record.at < this.liveness.bootedAt || this.now() - record.at > STALE_AFTER_MS) return true;
    return !this.liveness.isAlive(record.pid);
  }

  /** The text of the lock file this instance created. */
  private async acquire(): Promise<string> {
    const started = this.now();
    for (let attempt = 0; ; attempt++) {
      const text = JSON.stringify({ ...this.me, at: this.now() });
      if (await this.files.create(this.name, text)) return text;
      const seen = await this.files.read(this.name);
      if (seen !== undefined) {
        const record = parse(seen);
        if (record && this.isStale(record)) {
          const marker = `${this.name}.takeover-${createHash('sha256').update(seen).digest('hex').slice(0, 16)}`;
          if (await this.files.create(marker, text)) {
            try {
              if ((await this.files.read(this.name)) === seen) await this.files.remove(this.name);
            } finally {
              await this.files.remove(marker);
            }
            continue;
          }
          // Another instance is taking it over; if that one died doing so, its marker goes too.
          const holder = parse(await this.files.read(marker));
          if (holder && this.isStale(holder)) await this.files.remove(marker);
        }
      }
      if (this.now() - started > GIVE_UP_AFTER_MS)
        throw new Error('The spending ledger stayed locked by another window for 20 s; nothing was sent.');
      // Short, jittered waits: a holder keeps the lock for a few milliseconds.
      await this.pause(Math.min(50, 2 + attempt * 2) + Math.random() * 5);
    }
  }
}
