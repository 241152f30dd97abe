/**
 * Claims on disk: `<storage>/claims/<task id>`, created exclusively. Storage is on the host's own disk, so node `fs`
 * (atomic exclusive create and link; `vscode.workspace.fs` has neither).
 */
import { randomBytes, randomUUID } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { type Claim, type ClaimFiles, fileName, type Liveness, parseClaim, TaskClaims } from '../core/claims';
import type { TaskOwnership } from '../core/engine';
import type { TaskStore } from '../core/store';
import type { Log } from './log';
import type { FileTaskPersistence } from './persistence';

function code(error: unknown): unknown {
  return (error as { code?: unknown } | undefined)?.code;
}

export class NodeClaimFiles implements ClaimFiles {
  private ensured = false;

  constructor(readonly folder: string) {}

  private file(name: string): string {
    return path.join(this.folder, name);
  }

  async create(name: string, text: string): Promise<boolean> {
    if (!this.ensured) {
      await fs.promises.mkdir(this.folder, { recursive: true });
      this.ensured = true;
    }
    // Written whole under a private name, then linked into place: the link fails if the claim exists, and a
    // reader never sees a claim without its content.
    const temp = this.file(`.${name}.${randomBytes(4).toString('hex')}.tmp`);
    await fs.promises.writeFile(temp, text, { flag: 'wx' });
    try {
      await fs.promises.link(temp, this.file(name));
      return true;
    } catch (error) {
      if (code(error) === 'EEXIST') return false;
      throw error;
    } finally {
      await fs.promises.rm(temp, { force: true });
    }
  }

  async read(name: string): Promise<string | undefined> {
    try {
      return await fs.promises.readFile(this.file(name), 'utf8');
    } catch (error) {
      if (code(error) === 'ENOENT') return undefined;
      throw error;
    }
  }

  async remove(name: string): Promise<void> {
    await fs.promises.rm(this.file(name), { force: true });
  }

  /** For deactivation, when nothing asynchronous is waited for; only a claim of `window`. */
  removeNow(name: string, window: string): void {
    try {
      if (parseClaim(fs.readFileSync(this.file(name), 'utf8'))?.window === window) fs.rmSync(this.file(name), { force: true });
    } catch {
      // the next window takes it over as stale
    }
  }
}

export const processLiveness: Liveness = {
  isAlive(pid: number): boolean {
    if (!Number.isInteger(pid) || pid <= 0) return false;
    try {
      process.kill(pid, 0); // signal 0: only asks whether the process exists
      return true;
    } catch (error) {
      return code(error) === 'EPERM'; // exists, but belongs to another user
    }
  },
  bootedAt: Date.now() - os.uptime() * 1000,
};

/** A task just claimed is read again from disk, so a takeover continues from the newest copy the previous owner wrote. */
export class WindowOwnership implements TaskOwnership {
  readonly claims: TaskClaims;

  constructor(
    private readonly files: NodeClaimFiles,
    private readonly store: TaskStore,
    private readonly persistence: FileTaskPersistence,
    private readonly log: Log,
  ) {
    const me: Claim = { pid: process.pid, window: randomUUID(), at: Date.now() };
    this.claims = new TaskClaims(files, me, processLiveness);
  }

  static forStorage(storage: string, store: TaskStore, persistence: FileTaskPersistence, log: Log): WindowOwnership {
    return new WindowOwnership(new NodeClaimFiles(path.join(storage, 'claims')), store, persistence, log);
  }

  owns(id: string): boolean {
    return this.claims.owns(id);
  }

  async claim(id: string): Promise<boolean> {
    const had = this.claims.owns(id);
    let won: boolean;
    try {
      won = await this.claims.claim(id);
    } catch (error) {
      this.log.warn(`Could not claim task ${id}: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
    if (won && !had) {
      const stored = await this.persistence.read(this.persistence.fileOf(id));
      if (stored) this.store.acceptExternal(stored);
    }
    return won;
  }

  confirm(id: string): Promise<boolean> {
    return this.claims.confirm(id).catch(() => false);
  }

  release(id: string): Promise<void> {
    return this.claims.release(id);
  }

  async heldElsewhere(id: string): Promise<boolean> {
    return (await this.claims.liveOwner(id).catch(() => undefined)) !== undefined;
  }

  /** Every claim goes, so the other window takes the tasks over at its next look. */
  dispose(): void {
    for (const id of this.claims.heldIds()) this.files.removeNow(fileName(id), this.claims.me.window);
  }
}
