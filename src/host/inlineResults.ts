/**
 * Inline results (base64: gpt-image, Pixapi sync) exist nowhere else once read, so their bytes go to global storage
 * before the task is recorded as succeeded; Save Again and a resumed window write from there, until saved.
 */
import { randomBytes } from 'crypto';
import { promises as fsp } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { InlineResult, ProviderAdapter, SubmitResult } from '../core/adapters/adapter';
import type { Log } from './log';

/** A stored task is untrusted, so nothing else is ever read or deleted. */
const KEPT_NAME = /^[0-9a-f]{32}\.bin$/;

export class InlineResultStore {
  readonly folder: vscode.Uri;

  constructor(globalStorage: vscode.Uri, private readonly log: Log) {
    this.folder = vscode.Uri.joinPath(globalStorage, 'inline-results');
  }

  /** Temporary name, flushed, renamed. */
  async keep(bytes: Uint8Array): Promise<string> {
    const name = `${randomBytes(16).toString('hex')}.bin`;
    const target = vscode.Uri.joinPath(this.folder, name);
    const temp = vscode.Uri.joinPath(this.folder, `.${name}.tmp`);
    await vscode.workspace.fs.createDirectory(this.folder);
    if (this.folder.scheme === 'file') {
      const handle = await fsp.open(temp.fsPath, 'wx');
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fsp.rename(temp.fsPath, target.fsPath);
    } else {
      await vscode.workspace.fs.writeFile(temp, bytes);
      await vscode.workspace.fs.rename(temp, target, { overwrite: false });
    }
    return name;
  }

  /** Undefined when the name is not ours or the file is gone. */
  async read(name: string): Promise<Uint8Array | undefined> {
    if (!KEPT_NAME.test(name)) return undefined;
    try {
      return await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.folder, name));
    } catch {
      return undefined;
    }
  }

  async delete(name: string): Promise<void> {
    if (!KEPT_NAME.test(name)) return;
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(this.folder, name)).then(undefined, () => undefined);
  }

  /** For the startup clean-up. */
  async names(): Promise<string[]> {
    try {
      return (await vscode.workspace.fs.readDirectory(this.folder))
        .map(([name]) => name)
        .filter((name) => KEPT_NAME.test(name) || /^\..*\.tmp$/.test(name));
    } catch {
      return [];
    }
  }

  /** Its task was removed, or a crash came before it was recorded. */
  async removeOrphans(referenced: ReadonlySet<string>, idle: (mtimeMs: number) => boolean): Promise<{ files: number; bytes: number }> {
    let files = 0;
    let bytes = 0;
    for (const name of await this.names()) {
      if (referenced.has(name)) continue;
      const uri = vscode.Uri.joinPath(this.folder, name);
      try {
        const stat = await vscode.workspace.fs.stat(uri);
        // Just kept by another window whose task is not stored yet: left for a later start.
        if (!idle(stat.mtime)) continue;
        await vscode.workspace.fs.delete(uri);
        files += 1;
        bytes += stat.size;
      } catch {
        // gone already
      }
    }
    return { files, bytes };
  }

  /** Kept before the answer reaches the engine; one that cannot be kept is still saved from memory (logged). */
  keeping(adapter: ProviderAdapter): ProviderAdapter {
    const submit = async (...args: Parameters<ProviderAdapter['submit']>): Promise<SubmitResult> => {
      const result = await adapter.submit(...args);
      if (result.kind !== 'completed' || !result.inline?.length || !result.status.results) return result;
      const results = [...result.status.results];
      for (const { index, bytes } of result.inline as readonly InlineResult[]) {
        try {
          if (results[index]) results[index] = { ...results[index], inlineFile: await this.keep(bytes) };
        } catch (error) {
          this.log.warn(
            `Could not keep an inline result in ${path.basename(this.folder.fsPath)}: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      }
      return { ...result, status: { ...result.status, results } };
    };
    return Object.assign(Object.create(adapter) as ProviderAdapter, { submit });
  }
}
