/**
 * The task index on disk (see core/taskIndex.ts): `tasks-index.json` beside the task folder, read once at startup
 * for the Tasks view's first rows, and rewritten (temporary name, then rename) a moment after the tasks change.
 * Every window on the workspace writes it from its own store, which holds the other windows' tasks too; whichever
 * rename comes last wins, and the next window to load the task files checks it against them and rewrites it.
 */
import { randomBytes } from 'crypto';
import { promises as fsp } from 'fs';
import * as path from 'path';
import type { TaskStore } from '../core/store';
import { buildIndex, parseIndex, serializeIndex, type TaskIndex } from '../core/taskIndex';
import type { Log } from './log';

/** Changes within this long are written as one. */
const COALESCE_MS = 250;
/** Finished tasks kept in the index: the view lists 100 at the top level, batches take several tasks a row. */
export const INDEX_FINISHED = 200;

export interface IndexRead {
  readonly index: TaskIndex | undefined;
  /** The file's text as read, to tell whether the loaded tasks would write the same. */
  readonly text: string | undefined;
}

export class TaskIndexFile {
  readonly file: string;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private lastWritten: string | undefined;
  private disposed = false;
  private build: (() => string) | undefined;

  /** `storage` and `tasksFolder` are local paths; the temporary file goes in the task folder, whose leftovers are cleaned up. */
  constructor(storage: string, private readonly tasksFolder: string, private readonly log: Log) {
    this.file = path.join(storage, 'tasks-index.json');
  }

  /** Never fails: an index that is missing or unreadable is no index. */
  async read(): Promise<IndexRead> {
    let text: string;
    try {
      text = await fsp.readFile(this.file, 'utf8');
    } catch {
      return { index: undefined, text: undefined };
    }
    const index = parseIndex(text);
    if (!index) this.log.info('The task index could not be read; it is rebuilt from the task files.');
    return { index, text };
  }

  /**
   * Once the task files are read: rewrites the index if they differ from it (missing, corrupt, or written before
   * another window's change), then keeps it up to date with every change to the store.
   */
  keep(store: TaskStore, archiveAfterDays: () => number, read: IndexRead): { dispose(): void; readonly checked: Promise<void> } {
    this.build = () => serializeIndex(buildIndex(store.values(), Date.now(), archiveAfterDays(), INDEX_FINISHED));
    this.lastWritten = read.text;
    this.startWrite();
    const checked = this.writing;
    const subscription = store.onDidChange(() => this.schedule(COALESCE_MS));
    return {
      checked,
      dispose: () => {
        this.disposed = true;
        subscription.dispose();
        clearTimeout(this.timer);
      },
    };
  }

  /** Writes a pending change now; resolves once every write asked for is done (for tests). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.startWrite();
    }
    await this.writing;
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.disposed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.startWrite();
    }, delayMs);
  }

  private startWrite(): void {
    const build = this.build;
    if (build) this.writing = this.writing.then(() => this.write(build()));
  }

  private async write(text: string): Promise<void> {
    if (text === this.lastWritten) return;
    const temp = path.join(this.tasksFolder, `.tasks-index.${randomBytes(4).toString('hex')}.tmp`);
    try {
      await fsp.mkdir(this.tasksFolder, { recursive: true });
      await fsp.writeFile(temp, text);
      await fsp.rename(temp, this.file);
      this.lastWritten = text;
    } catch (error) {
      await fsp.rm(temp, { force: true });
      this.log.warn(`Writing the task index failed (the Tasks view then waits for the task files at startup): ${String(error)}`);
    }
  }
}
