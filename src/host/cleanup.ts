/**
 * Leftovers of interrupted writes, removed at startup: `.part` downloads (one can be 2 GB), `.tmp` task files, kept
 * inline results no task refers to. A `.part` another window may still write (its task awaits a save, recent mtime) stays.
 */
import { promises as fsp } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { TaskStore } from '../core/store';
import { awaitsSave } from '../core/task';
import type { InlineResultStore } from './inlineResults';
import type { Log } from './log';
import { outputFolderUri } from './resultFolder';

/** A leftover untouched this long is written by nothing (downloads give up after two idle minutes). */
const IDLE_MS = 10 * 60_000;

/** As results.ts names a download in progress. */
const PART = /^\.result-(.+)-\d+\.[A-Za-z0-9_-]+\.part$/;
/** As persistence.ts names a task file being written. */
const TMP = /^\..+\.[0-9a-f]+\.tmp$/;

export interface Cleaned { readonly files: number; readonly bytes: number }

async function removeIf(folder: string, matches: (name: string, mtimeMs: number) => boolean): Promise<Cleaned> {
  let files = 0;
  let bytes = 0;
  let names: string[];
  try {
    names = await fsp.readdir(folder);
  } catch {
    return { files, bytes };
  }
  for (const name of names) {
    if (!name.startsWith('.')) continue;
    const file = path.join(folder, name);
    try {
      const stat = await fsp.lstat(file);
      if (!stat.isFile() || !matches(name, stat.mtimeMs)) continue;
      await fsp.rm(file);
      files += 1;
      bytes += stat.size;
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
  return { files, bytes };
}

export async function removeLeftovers(
  deps: { store: TaskStore; tasksFolder: vscode.Uri; inlineResults: InlineResultStore; log: Log },
  now = Date.now(),
): Promise<Cleaned> {
  const tasks = deps.store.list();
  const downloading = new Set(tasks.filter((t) => t.state === 'succeeded' && (t.results ?? []).some(awaitsSave)).map((t) => t.id));
  const idle = (mtimeMs: number) => now - mtimeMs > IDLE_MS;
  const folders = new Set<string>();
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    if (folder.uri.scheme !== 'file') continue;
    try {
      folders.add(outputFolderUri(folder.uri).fsPath);
    } catch {
      // an output folder setting that is refused: nothing is written there
    }
  }
  for (const task of tasks) {
    const workspaceFolder = vscode.Uri.parse(task.request.workspaceFolder);
    if (workspaceFolder.scheme !== 'file') continue;
    try {
      folders.add(outputFolderUri(workspaceFolder, task.request.outputFolder).fsPath);
    } catch {
      // a stored output folder that is refused: nothing was written there
    }
  }
  const results: Cleaned[] = [];
  for (const folder of folders) {
    results.push(
      await removeIf(folder, (name, mtimeMs) => {
        const match = PART.exec(name);
        return !!match && (!downloading.has(match[1]) || idle(mtimeMs));
      }),
    );
  }
  if (deps.tasksFolder.scheme === 'file')
    results.push(await removeIf(deps.tasksFolder.fsPath, (name, mtimeMs) => TMP.test(name) && idle(mtimeMs)));
  const referenced = new Set(tasks.flatMap((t) => (t.results ?? []).map((r) => r.inlineFile).filter((name): name is string => !!name)));
  results.push(await deps.inlineResults.removeOrphans(referenced, (mtimeMs) => idle(mtimeMs)));
  const total = results.reduce((sum, r) => ({ files: sum.files + r.files, bytes: sum.bytes + r.bytes }), { files: 0, bytes: 0 });
  if (total.files)
    deps.log.info(
      `Removed ${total.files} leftover temporary file(s) of interrupted writes; ${(total.bytes / 1048576).toFixed(1)} MB freed.`,
    );
  return total;
}
