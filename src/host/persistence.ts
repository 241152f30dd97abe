/**
 * One small JSON file per task in a workspace folder of our own, replaced by rename: one small write per change, no
 * half files after a crash, and one list for two windows on one workspace.
 */
import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import { promises as fsp, readFileSync } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { writeFileDurably } from '../core/files/durableWrite';
import { parseStoredTask } from '../core/taskJson';
import type { TaskPersistence, TaskStore } from '../core/store';
import type { Task } from '../core/task';
import type { Log } from './log';

/** Files read between two yields to the event loop while loading. */
const LOAD_CHUNK = 64;

/**
 * The same for every window on the workspace. Not `storageUri`: VS Code locks it to one extension host and gives a
 * second window `<id>-1`, so each would see only its own tasks. Under global storage, per workspace.
 */
export function sharedTaskStorage(context: Pick<vscode.ExtensionContext, 'storageUri' | 'globalStorageUri'>): vscode.Uri {
  const workspace = vscode.workspace.workspaceFile ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!context.storageUri || !workspace) return context.storageUri ?? context.globalStorageUri;
  const key = createHash('sha256').update(workspace.toString()).digest('hex').slice(0, 24);
  return vscode.Uri.joinPath(context.globalStorageUri, 'workspaces', key);
}

export class FileTaskPersistence implements TaskPersistence {
  readonly folder: vscode.Uri;
  private ensured: Promise<void> | undefined;
  /** Renamed `*.corrupt` at load (the tests read it; the user is told once). */
  readonly setAside: string[] = [];

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
   * At every startup. On disk, read with Node's fs in short synchronous runs with yields: for a thousand files ~10×
   * faster than promise-based reads (each a libuv pool trip), far faster than workspace.fs; no run blocks over ~1 ms.
   */
  async load(): Promise<Task[]> {
    const local = this.folder.scheme === 'file';
    let names: string[];
    try {
      names = local
        ? (await fsp.readdir(this.folder.fsPath, { withFileTypes: true }))
            .filter((e) => e.isFile() && e.name.endsWith('.json'))
            .map((e) => e.name)
        : (await vscode.workspace.fs.readDirectory(this.folder))
            .filter(([name, type]) => type === vscode.FileType.File && name.endsWith('.json'))
            .map(([name]) => name);
    } catch {
      return [];
    }
    const tasks: Task[] = [];
    const unreadable: string[] = [];
    for (let i = 0; i < names.length; i += LOAD_CHUNK) {
      const chunk = names.slice(i, i + LOAD_CHUNK);
      if (local) {
        for (const name of chunk) {
          const task = this.readLocal(name);
          if (task) tasks.push(task);
          else if (task === null) unreadable.push(name);
        }
        await new Promise((resolve) => setImmediate(resolve));
      } else {
        const read = await Promise.all(chunk.map((name) => this.read(vscode.Uri.joinPath(this.folder, name))));
        read.forEach((task, at) => (task ? tasks.push(task) : task === null && unreadable.push(chunk[at])));
      }
    }
    if (unreadable.length) await this.setAsideFiles(unreadable);
    return tasks;
  }

  /** Out of the way of every later load (one bad file must not stop the others resuming), kept for the user. */
  private async setAsideFiles(names: readonly string[]): Promise<void> {
    const moved: string[] = [];
    for (const name of names) {
      const from = vscode.Uri.joinPath(this.folder, name);
      const to = vscode.Uri.joinPath(this.folder, `${name}.${Date.now()}.corrupt`);
      try {
        await vscode.workspace.fs.rename(from, to, { overwrite: false });
        moved.push(to.path.split('/').pop() as string);
      } catch (error) {
        this.log.warn(`Could not set aside the unreadable task file ${name}: ${String(error)}`);
      }
    }
    if (!moved.length) return;
    this.setAside.push(...moved);
    this.log.warn(`Set aside ${moved.length} unreadable task file(s) in ${this.folder.fsPath}: ${moved.join(', ')}`);
    void vscode.window.showWarningMessage(
      vscode.l10n.t(
        '{0} stored task file(s) could not be read and were set aside (renamed *.corrupt, see the Media Studio log); the other tasks go on.',
        moved.length,
      ),
    );
  }

  /** Null when the file is there but unreadable, undefined when it is gone. */
  private readLocal(name: string): Task | null | undefined {
    let text: string;
    try {
      text = readFileSync(path.join(this.folder.fsPath, name), 'utf8');
    } catch {
      return undefined; // removed meanwhile by another window
    }
    return this.parse(text, name);
  }

  async read(file: vscode.Uri): Promise<Task | null | undefined> {
    let text: string;
    try {
      text = Buffer.from(await vscode.workspace.fs.readFile(file)).toString('utf8');
    } catch {
      return undefined; // removed meanwhile by another window
    }
    return this.parse(text, file.path.split('/').pop() ?? '');
  }

  private parse(text: string, name: string): Task | null {
    const task = parseStoredTask(text);
    if (!task) this.log.warn(`Unreadable task file: ${name}`);
    return task ?? null;
  }

  async save(task: Task): Promise<void> {
    await this.ensureFolder();
    const target = this.fileOf(task.id);
    const temp = vscode.Uri.joinPath(this.folder, `.${encodeURIComponent(task.id)}.${randomBytes(4).toString('hex')}.tmp`);
    if (this.folder.scheme === 'file') {
      // Node's rename replaces in one step; VS Code's deletes first, so another window could find the task gone. Flushed
      // before the change is announced: a submit is "stored" only once its task id would survive a power cut.
      await writeFileDurably(temp.fsPath, target.fsPath, JSON.stringify(task), this.folder.fsPath);
      return;
    }
    await vscode.workspace.fs.writeFile(temp, Buffer.from(JSON.stringify(task)));
    await vscode.workspace.fs.rename(temp, target, { overwrite: true });
  }

  /**
   * From where earlier versions kept them (this window's workspace storage), keeping the newer copy. Only this
   * window's extension host uses that folder, so nothing else moves them meanwhile.
   */
  async moveTasksFrom(storage: vscode.Uri): Promise<void> {
    const old = vscode.Uri.joinPath(storage, 'tasks');
    if (old.scheme !== 'file' || this.folder.scheme !== 'file' || old.toString() === this.folder.toString()) return;
    let names: string[];
    try {
      names = (await fsp.readdir(old.fsPath)).filter((name) => name.endsWith('.json') && !name.startsWith('.'));
    } catch {
      return; // nothing kept there
    }
    if (names.length === 0) return;
    await this.ensureFolder();
    let moved = 0;
    for (const name of names) {
      const from = vscode.Uri.joinPath(old, name);
      const task = await this.read(from);
      if (!task) continue; // unreadable: left where it is
      const existing = await this.read(vscode.Uri.joinPath(this.folder, name));
      if (!existing || existing.revision < task.revision) await this.save(task);
      await fsp.rm(from.fsPath, { force: true });
      moved += 1;
    }
    this.log.info(`Moved ${moved} task(s) to the folder all windows on this workspace share.`);
  }

  async remove(id: string): Promise<void> {
    await vscode.workspace.fs.delete(this.fileOf(id)).then(undefined, () => undefined);
  }

  /**
   * Another window's newer copies are taken into `store` (our own come back with a known revision and are ignored),
   * its removals forgotten. Node's watcher: the folder is on this host's disk, outside the workspace.
   */
  watch(store: TaskStore, ownedHere: (id: string) => boolean = () => false): vscode.Disposable {
    if (this.folder.scheme !== 'file') return new vscode.Disposable(() => undefined);
    let watcher: fs.FSWatcher | undefined;
    let disposed = false;
    const pending = new Map<string, NodeJS.Timeout>();
    const changed = (name: string) => {
      const id = decodeURIComponent(name.slice(0, -'.json'.length));
      const file = vscode.Uri.joinPath(this.folder, name);
      void fsp
        .stat(file.fsPath)
        .then(
          () => this.read(file).then((task) => task && store.acceptExternal(task)),
          // A task this window works on is only ever removed by this window: a removal seen for it is not acted on.
          () =>
            ownedHere(id)
              ? this.log.warn(`Task ${id}: its file went away while this window tracks it; keeping it.`)
              : store.forgetExternal(id),
        )
        .then(undefined, (error: unknown) => this.log.warn(`Reading another window's change to task ${id} failed: ${String(error)}`));
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
