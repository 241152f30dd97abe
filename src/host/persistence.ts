/**
 * Tasks on disk: one small JSON file per task in the extension's workspace storage, written to a temporary
 * name and renamed, so a change persists in one small write whatever the history size, a crash never
 * leaves half a file, and two windows on one workspace share one list.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { parseStoredTask } from '../core/taskJson';
import type { TaskPersistence, TaskStore } from '../core/store';
import type { Task } from '../core/task';
import type { Log } from './log';

const LOAD_CONCURRENCY = 64;

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

  async load(): Promise<Task[]> {
    let entries: [string, vscode.FileType][];
    try {
      entries = await vscode.workspace.fs.readDirectory(this.folder);
    } catch {
      return [];
    }
    const names = entries.filter(([name, type]) => type === vscode.FileType.File && name.endsWith('.json')).map(([name]) => name);
    const tasks: Task[] = [];
    for (let i = 0; i < names.length; i += LOAD_CONCURRENCY) {
      const batch = await Promise.all(names.slice(i, i + LOAD_CONCURRENCY).map((name) => this.read(vscode.Uri.joinPath(this.folder, name))));
      for (const task of batch) if (task) tasks.push(task);
    }
    return tasks;
  }

  async read(file: vscode.Uri): Promise<Task | undefined> {
    try {
      const task = parseStoredTask(Buffer.from(await vscode.workspace.fs.readFile(file)).toString('utf8'));
      if (!task) this.log.warn(`Ignoring an unreadable task file: ${file.path.split('/').pop()}`);
      return task;
    } catch {
      return undefined; // removed meanwhile by another window
    }
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

  /**
   * Another window on the same workspace writes the same folder: its newer copies are taken into `store`
   * (our own writes come back with a revision the store has, and are ignored), its removals forgotten.
   * Node's watcher, since the folder is on this host's disk and outside the workspace.
   */
  watch(store: TaskStore): vscode.Disposable {
    if (this.folder.scheme !== 'file') return new vscode.Disposable(() => undefined);
    let watcher: fs.FSWatcher | undefined;
    let disposed = false;
    const pending = new Map<string, NodeJS.Timeout>();
    const changed = (name: string) => {
      const id = decodeURIComponent(name.slice(0, -'.json'.length));
      const file = vscode.Uri.joinPath(this.folder, name);
      void vscode.workspace.fs.stat(file).then(
        () => this.read(file).then((task) => task && store.acceptExternal(task)),
        () => store.forgetExternal(id),
      ).then(undefined, (error: unknown) => this.log.warn(`Reading another window's change to task ${id} failed: ${String(error)}`));
    };
    void this.ensureFolder().then(() => {
      if (disposed) return;
      try {
        watcher = fs.watch(this.folder.fsPath, (_event, name) => {
          if (!name || !name.endsWith('.json') || name.startsWith('.')) return;
          // A rename into place can arrive as several events: read the file once they stop.
          clearTimeout(pending.get(name));
          pending.set(name, setTimeout(() => (pending.delete(name), changed(name)), 50));
        });
        watcher.on('error', (error) => this.log.warn(`Watching the task folder failed: ${error.message}`));
      } catch (error) {
        this.log.warn(`Cannot watch the task folder; other windows' changes show after a reload: ${String(error)}`);
      }
    }, () => undefined);
    return new vscode.Disposable(() => {
      disposed = true;
      watcher?.close();
      for (const timer of pending.values()) clearTimeout(timer);
    });
  }
}
