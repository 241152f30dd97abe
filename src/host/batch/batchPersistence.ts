/** Batches on disk beside the tasks: one JSON file per batch in `batches/`, replaced by rename. */
import { randomBytes } from 'crypto';
import { promises as fsp } from 'fs';
import * as vscode from 'vscode';
import { type Batch, parseStoredBatch } from '../../core/batch/batch';
import type { BatchPersistence } from '../../core/batch/batchStore';
import type { Log } from '../log';

export class FileBatchPersistence implements BatchPersistence {
  readonly folder: vscode.Uri;
  private ensured: Promise<void> | undefined;

  constructor(storage: vscode.Uri, private readonly log: Log) {
    this.folder = vscode.Uri.joinPath(storage, 'batches');
  }

  private fileOf(id: string): vscode.Uri {
    return vscode.Uri.joinPath(this.folder, `${encodeURIComponent(id)}.json`);
  }

  async load(): Promise<Batch[]> {
    let names: string[];
    try {
      names = (await vscode.workspace.fs.readDirectory(this.folder))
        .filter(([name, type]) => type === vscode.FileType.File && name.endsWith('.json') && !name.startsWith('.'))
        .map(([name]) => name);
    } catch {
      return [];
    }
    const batches: Batch[] = [];
    for (const name of names) {
      try {
        const batch = parseStoredBatch(
          Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.folder, name))).toString('utf8'),
        );
        if (batch) batches.push(batch);
        else this.log.warn(`Ignoring an unreadable batch file: ${name}`);
      } catch {
        // removed meanwhile by another window
      }
    }
    return batches;
  }

  async save(batch: Batch): Promise<void> {
    this.ensured ??= Promise.resolve(vscode.workspace.fs.createDirectory(this.folder));
    await this.ensured;
    const target = this.fileOf(batch.id);
    const temp = vscode.Uri.joinPath(this.folder, `.${encodeURIComponent(batch.id)}.${randomBytes(4).toString('hex')}.tmp`);
    if (this.folder.scheme === 'file') {
      // Node's rename replaces the file in one step (see FileTaskPersistence.save).
      await fsp.writeFile(temp.fsPath, JSON.stringify(batch));
      await fsp.rename(temp.fsPath, target.fsPath);
      return;
    }
    await vscode.workspace.fs.writeFile(temp, Buffer.from(JSON.stringify(batch)));
    await vscode.workspace.fs.rename(temp, target, { overwrite: true });
  }

  async remove(id: string): Promise<void> {
    await vscode.workspace.fs.delete(this.fileOf(id)).then(undefined, () => undefined);
  }
}
