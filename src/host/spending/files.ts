/**
 * The ledger on disk, shared by every window: `spending/days/<day>.json`, replaced by rename, and `spending/ledger.lock`.
 * Node `fs`, as for claims: global storage is on the host's own disk, and `workspace.fs` has no exclusive create.
 */
import { randomBytes, randomUUID } from 'crypto';
import { promises as fsp } from 'fs';
import * as path from 'path';
import { SpendingLedger, type LedgerFiles } from '../../core/spending/ledger';
import { FileLock } from '../../core/spending/lock';
import { NodeClaimFiles, processLiveness } from '../claims';

const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\.json$/;

export class NodeLedgerFiles implements LedgerFiles {
  private ensured: Promise<unknown> | undefined;

  constructor(readonly folder: string) {}

  private file(day: string): string {
    return path.join(this.folder, `${day}.json`);
  }

  async read(day: string): Promise<string | undefined> {
    try {
      return await fsp.readFile(this.file(day), 'utf8');
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async write(day: string, text: string): Promise<void> {
    this.ensured ??= fsp.mkdir(this.folder, { recursive: true });
    await this.ensured;
    const temp = path.join(this.folder, `.${day}.${randomBytes(4).toString('hex')}.tmp`);
    await fsp.writeFile(temp, text);
    await fsp.rename(temp, this.file(day));
  }

  async days(): Promise<string[]> {
    try {
      return (await fsp.readdir(this.folder)).map((name) => DAY_FILE.exec(name)?.[1]).filter((d): d is string => d !== undefined);
    } catch {
      return [];
    }
  }

  async remove(day: string): Promise<void> {
    await fsp.rm(this.file(day), { force: true });
  }
}

/** Each call is another "window". */
export function ledgerAt(root: string, now: () => number = Date.now): SpendingLedger {
  const lock = new FileLock(new NodeClaimFiles(root), 'ledger.lock', { pid: process.pid, instance: randomUUID() }, processLiveness, now);
  return new SpendingLedger(new NodeLedgerFiles(path.join(root, 'days')), lock, { now }, randomUUID);
}
