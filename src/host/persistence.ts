/**
 * Tasks on disk: one small JSON file per task in the extension's workspace storage, written to a temporary
 * name and renamed, so a change persists in one small write whatever the history size, a crash never
 * leaves half a file, and two windows on one workspace share one list.
 */
import { randomBytes } from 'crypto';
import { promises as fsp, readFileSync } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { parseStoredTask } from '../core/taskJson';
import type { TaskPersistence } from '../core/store';
import type { Task } from '../core/task';
import type { Log } from './log';

/** Files read between two yields to the event loop while loading. */
const LOAD_CHUNK = 64;

export class FileTaskPersistence implements TaskPersistence {
  readonly folder: vscode.Uri;
  private ensured: Promise<void> | undefined;

  constructor(storage: vscode.Uri, private readonly log: Log) {
    this.folder = vscode.Uri.joinPath(storage, 'tasks');
  }

  private ensureFolder(): Promise<void> {
    this.ensured ??= Promise.resolve(vscode.workspace.fs.createDirectory(this.folder));
    return this.ensured;
  }

  fileOf(id: string): vscode.Uri {
    return vscode.Uri.joinPath(this.folder, `${encodeURIComponent(id)}.json`);
  }

  /**
   * Reads every stored task. Storage on disk (the usual case) is read with Node's fs, in short synchronous
   * runs with a yield between them: for a thousand small files that is about ten times faster than
   * promise-based reads (each a trip through libuv's thread pool) and far faster than workspace.fs in the
   * extension host, and no run blocks the host for more than a millisecond or so. This runs at every startup.
   */
  async load(): Promise<Task[]> {
    const local = this.folder.scheme === 'file';
    let names: string[];
    try {
      names = local
        ? (await fsp.readdir(this.folder.fsPath, { withFileTypes: true })).filter((e) => e.isFile() && e.name.endsWith('.json')).map((e) => e.name)
        : (await vscode.workspace.fs.readDirectory(this.folder)).filter(([name, type]) => type === vscode.FileType.File && name.endsWith('.json')).map(([name]) => name);
    } catch {
      return [];
    }
    const tasks: Task[] = [];
    for (let i = 0; i < names.length; i += LOAD_CHUNK) {
      const chunk = names.slice(i, i + LOAD_CHUNK);
      if (local) {
        for (const name of chunk) {
          const task = this.readLocal(name);
          if (task) tasks.push(task);
        }
        await new Promise((resolve) => setImmediate(resolve));
      } else {
        for (const task of await Promise.all(chunk.map((name) => this.read(vscode.Uri.joinPath(this.folder, name))))) if (task) tasks.push(task);
      }
    }
    return tasks;
  }

  private readLocal(name: string): Task | undefined {
    let text: string;
    try {
      text = readFileSync(path.join(this.folder.fsPath, name), 'utf8');
    } catch {
      return undefined; // removed meanwhile by another window
    }
    return this.parse(text, name);
  }

  async read(file: vscode.Uri): Promise<Task | undefined> {
    let text: string;
    try {
      text = Buffer.from(await vscode.workspace.fs.readFile(file)).toString('utf8');
    } catch {
      return undefined; // removed meanwhile by another window
    }
    return this.parse(text, file.path.split('/').pop() ?? '');
  }

  private parse(text: string, name: string): Task | undefined {
    const task = parseStoredTask(text);
    if (!task) this.log.warn(`Ignoring an unreadable task file: ${name}`);
    return task;
  }

  async save(task: Task): Promise<void> {
    await this.ensureFolder();
    const target = this.fileOf(task.id);
    const temp = vscode.Uri.joinPath(this.folder, `.${encodeURIComponent(task.id)}.${randomBytes(4).toString('hex')}.tmp`);
    await vscode.workspace.fs.writeFile(temp, Buffer.from(JSON.stringify(task)));
    await vscode.workspace.fs.rename(temp, target, { overwrite: true });
  }

  async remove(id: string): Promise<void> {
    await vscode.workspace.fs.delete(this.fileOf(id)).then(undefined, () => undefined);
  }
}
