/**
 * Which window acts on a task. Two windows on one workspace share the task folder; a task that still needs work is
 * claimed by one window with an exclusively created file. A dead process's claim is taken over by the one window that
 * creates the takeover marker named after that claim.
 */
import { createHash } from 'crypto';
import { awaitsSave, isPolled, type Task } from './task';

export interface Claim {
  readonly pid: number;
  /** New at every activation, so a reloaded window is a new owner. */
  readonly window: string;
  readonly at: number;
}

/** Node `fs` in the host, a map in tests. */
export interface ClaimFiles {
  /** False when it exists. */
  create(name: string, text: string): Promise<boolean>;
  read(name: string): Promise<string | undefined>;
  remove(name: string): Promise<void>;
}

export interface Liveness {
  isAlive(pid: number): boolean;
  /** Claims from before it belong to processes that cannot be running. */
  readonly bootedAt: number;
}

export type ClaimVerdict = 'free' | 'mine' | 'live' | 'stale';

/** Undefined: there is no claim file. */
export function judgeClaim(claim: Claim | undefined, me: Claim, liveness: Liveness): ClaimVerdict {
  if (!claim) return 'free';
  if (claim.window === me.window) return 'mine';
  if (claim.pid === me.pid && claim.window !== me.window) return 'stale'; // an earlier activation of this same host
  if (claim.at < liveness.bootedAt) return 'stale'; // from before a reboot: the pid may now be someone else's
  return liveness.isAlive(claim.pid) ? 'live' : 'stale';
}

export function parseClaim(text: string | undefined): Claim | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Partial<Claim>;
    if (typeof value.pid === 'number' && typeof value.window === 'string' && typeof value.at === 'number')
      return { pid: value.pid, window: value.window, at: value.at };
  } catch {
    // a claim half-written by a crashed window: treated as stale below
  }
  return { pid: 0, window: '', at: 0 };
}

/** To send, check or download it. */
export function needsOwner(task: Task): boolean {
  if (task.state === 'queued' || task.state === 'submitting' || task.state === 'stale' || isPolled(task.state)) return true;
  return task.state === 'succeeded' && (task.results ?? []).some(awaitsSave);
}

const MAX_ATTEMPTS = 4;

export class TaskClaims {
  private readonly held = new Set<string>();

  constructor(private readonly files: ClaimFiles, readonly me: Claim, private readonly liveness: Liveness) {}

  owns(id: string): boolean {
    return this.held.has(id);
  }

  /** False when a live window holds it. */
  async claim(id: string): Promise<boolean> {
    if (this.held.has(id)) return true;
    const name = fileName(id);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (await this.files.create(name, JSON.stringify({ ...this.me, at: Date.now() }))) return this.took(id);
      const text = await this.files.read(name);
      if (text === undefined) continue; // released meanwhile: try to create it again
      const seen = parseClaim(text);
      const verdict = judgeClaim(seen, this.me, this.liveness);
      if (verdict === 'mine') return this.took(id);
      if (verdict === 'live') return false;
      // Stale. Whoever creates the takeover marker of this very claim replaces it; the others leave it.
      // (Renaming the claim itself would not do: a slow window could rename away the new owner's fresh claim.)
      const marker = `${name}.takeover-${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
      if (!(await this.files.create(marker, JSON.stringify({ ...this.me, at: Date.now() })))) {
        // Another window is taking it over. Only if that window died doing so is its marker cleared.
        const holder = parseClaim(await this.files.read(marker));
        if (holder && judgeClaim(holder, this.me, this.liveness) === 'stale') await this.files.remove(marker);
        else return false;
        continue;
      }
      try {
        // Still the claim we judged? Then nobody replaced it before we held the marker.
        if ((await this.files.read(name)) === text) await this.files.remove(name);
        if (await this.files.create(name, JSON.stringify({ ...this.me, at: Date.now() }))) return this.took(id);
      } finally {
        await this.files.remove(marker);
      }
    }
    return false;
  }

  /** Checked before paid work: a claim is never shared. */
  async confirm(id: string): Promise<boolean> {
    if (!this.held.has(id)) return false;
    const claim = parseClaim(await this.files.read(fileName(id)));
    if (claim?.window === this.me.window) return true;
    this.held.delete(id);
    return false;
  }

  async liveOwner(id: string): Promise<Claim | undefined> {
    if (this.held.has(id)) return undefined;
    const claim = parseClaim(await this.files.read(fileName(id)));
    return claim && judgeClaim(claim, this.me, this.liveness) === 'live' ? claim : undefined;
  }

  async release(id: string): Promise<void> {
    if (!this.held.delete(id)) return;
    const name = fileName(id);
    // Only our own claim is removed (a window that took over after a stall keeps its own).
    if (parseClaim(await this.files.read(name))?.window === this.me.window) await this.files.remove(name);
  }

  heldIds(): string[] {
    return [...this.held];
  }

  private took(id: string): boolean {
    this.held.add(id);
    return true;
  }
}

export function fileName(id: string): string {
  return encodeURIComponent(id);
}
