/** Saves results on success: streamed to a hidden temp file, typed by its bytes, placed without overwriting, with a sidecar. */
import { randomBytes } from 'crypto';
import * as vscode from 'vscode';
import type { InlineResult } from '../core/adapters/adapter';
import type { Dispatcher } from 'undici';
import { discard, openDownload, type OpenDownload, UnsafeUrlError } from '../core/download';
import { watchDownload } from '../core/downloadDeadline';
import { promises as fsp } from 'fs';
import { resultFileName, sidecarName, tempName } from '../core/files/naming';
import { placeExclusively, writeExclusively } from '../core/files/placeFile';
import { linkOutside } from '../core/files/realPath';
import { DownloadRefused, type ResultInspector, resultInspector, streamToNewFile } from '../core/files/saveDownload';
import { addPngTextChunks, canTakeTextChunks, PNG_TEXT_MAX_BYTES } from '../core/files/pngText';
import { buildSidecar, inputUrlsExpireAt, isKeyedMediaRoute, serializeSidecar } from '../core/files/sidecar';
import { sniffMediaType, type SniffedMedia } from '../core/files/sniff';
import { HttpError, NetworkError } from '../core/http';
import type { TaskStore } from '../core/store';
import type { ResultItem, Task } from '../core/task';
import type { InlineResultStore } from './inlineResults';
import type { Log } from './log';
import { sidecarTrust } from './sidecarTrust';
import { elapsedMs } from '../core/elapsed';
import { features } from './lazy';
import { outputFolderUri, SaveError } from './resultFolder';
import { settings } from './settings';

// Kept here too for the callers that import them with the writer.
export { outputFolderUri, SaveError };

export interface ResultWriterDeps {
  readonly store: TaskStore;
  readonly log: Log;
  /** For results served from the API itself (PixAI's media route). */
  apiAuth(task: Task): Promise<{ origin: string; key: string } | undefined>;
  /** Only when the task's provider API is local (the emulator, `npm start`). */
  allowLoopback(task: Task): boolean;
  dispatcher?(): Dispatcher | undefined;
  /** Until they are in the workspace. */
  readonly inlineResults?: InlineResultStore;
  /** Tests only (chaos suite): may throw to fail a result's write, as a full disk would. */
  writeFault?(task: Task, index: number): void;
  sidecarFault?(task: Task, index: number): void;
  /** Tests only: runs once a result is in place, before the store hears (a test stops the window here). */
  placedFault?(task: Task, index: number): Promise<void> | void;
}

/** The connection ended before the whole result arrived: worth fetching again. */
class IncompleteDownloadError extends SaveError {}

/** Per result when a download breaks off (reset, truncated, 5xx, 429); a GET is safe to repeat. */
const DOWNLOAD_ATTEMPTS = 4;

/** A broken or refused connection, not an answer that will not change. */
export function isTransientSaveError(error: unknown): boolean {
  if (error instanceof IncompleteDownloadError || error instanceof NetworkError) return true;
  if (error instanceof HttpError) return error.status === 429 || error.status >= 500;
  if (error instanceof SaveError || error instanceof UnsafeUrlError || error instanceof vscode.FileSystemError) return false;
  // A socket closed mid-body surfaces from the stream as undici's own error (UND_ERR_SOCKET, ECONNRESET…).
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && (code.startsWith('UND_ERR') || code === 'ECONNRESET' || code === 'EPIPE' || code === 'ETIMEDOUT');
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** Identifies the file a save placed (see ResultItem.placing). */
async function identity(uri: vscode.Uri): Promise<{ size: number; mtime: number } | undefined> {
  try {
    if (uri.scheme === 'file') {
      const stat = await fsp.stat(uri.fsPath);
      return { size: stat.size, mtime: stat.mtimeMs };
    }
    const stat = await vscode.workspace.fs.stat(uri);
    return { size: stat.size, mtime: stat.mtime };
  } catch {
    return undefined;
  }
}

/** A path that is, or lies under, a symbolic link leading out of the workspace folder. */
async function checkRealPath(workspaceFolder: vscode.Uri, target: vscode.Uri): Promise<void> {
  if (workspaceFolder.scheme !== 'file' || target.scheme !== 'file') return; // virtual file systems have no links
  const outside = await linkOutside(workspaceFolder.fsPath, target.fsPath);
  if (!outside) return;
  throw new SaveError(
    vscode.l10n.t(
      '"{0}" is a link to {1}, outside the workspace folder; results are not written there. Replace the link with a folder or choose another output folder.',
      outside.link,
      outside.realTarget,
    ),
  );
}

export class ResultWriter {
  /** For the sidecar, by task id#index. */
  private readonly targetRecords = new Map<string, Record<string, unknown> | undefined>();

  constructor(private readonly deps: ResultWriterDeps) {}

  /**
   * From `inline`, else the kept inline file, else the URL. The sidecar is written after the result, separately: one
   * that cannot be written never unsaves the result.
   */
  async save(task: Task, inline: readonly InlineResult[] = []): Promise<void> {
    const count = (task.results ?? []).length;
    for (let index = 0; index < count; index++) {
      const item = this.deps.store.get(task.id)?.results?.[index] ?? (task.results ?? [])[index];
      if (!item) continue;
      if (item.file) {
        if (item.sidecarError !== undefined) await this.writeSidecar(task, item, index, count, vscode.Uri.parse(item.file));
        continue;
      }
      try {
        const placed = await this.alreadyPlaced(task, item, index);
        let bytes = inline.find((i) => i.index === index)?.bytes;
        if (!placed && !bytes && item.inlineFile) bytes = await this.deps.inlineResults?.read(item.inlineFile);
        if (!placed && !bytes && !item.url) {
          if (item.inline || item.inlineFile)
            throw new SaveError(
              vscode.l10n.t('The result came inline in the answer and its bytes were not kept, so it cannot be saved; generate it again.'),
            );
          continue; // an item the provider sent with neither: its error is recorded already
        }
        const file = placed ?? (await this.saveWithRetries(task, item, index, count, bytes));
        await this.updateItem(task.id, index, {
          file: file.toString(),
          savedAt: Date.now(),
          saveError: undefined,
          placing: undefined,
          inlineFile: undefined,
        });
        if (item.inlineFile) await this.deps.inlineResults?.delete(item.inlineFile);
        this.deps.log.info(
          `Saved ${vscode.workspace.asRelativePath(file)} (task ${task.id})${placed ? ', found in place after an interrupted save' : ''}`,
        );
        await this.writeSidecar(task, item, index, count, file);
      } catch (error) {
        const message = describeSaveError(error);
        this.deps.log.warn(`Task ${task.id}, result ${index + 1}: ${message}`);
        await this.updateItem(task.id, index, { saveError: message, placing: undefined });
      }
    }
  }

  /** If it is there unchanged. */
  private async alreadyPlaced(task: Task, item: ResultItem, index: number): Promise<vscode.Uri | undefined> {
    const placing = item.placing;
    if (!placing || typeof placing.file !== 'string') return undefined;
    const file = vscode.Uri.parse(placing.file);
    const folder = outputFolderUri(vscode.Uri.parse(task.request.workspaceFolder), task.request.outputFolder);
    const found = await identity(file);
    // Only a file in the task's own output folder (stored tasks are untrusted) that is exactly the one placed.
    const ours =
      found && found.size === placing.size && found.mtime === placing.mtime && file.toString().startsWith(`${folder.toString()}/`);
    if (!ours) {
      await this.updateItem(task.id, index, { placing: undefined });
      return undefined;
    }
    return file;
  }

  private async saveWithRetries(task: Task, item: ResultItem, index: number, count: number, inline?: Uint8Array): Promise<vscode.Uri> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.saveOne(task, item, index, count, inline);
      } catch (error) {
        if (inline || attempt >= DOWNLOAD_ATTEMPTS || !isTransientSaveError(error)) throw error;
        this.deps.log.info(
          `Task ${task.id}, result ${index + 1}: download attempt ${attempt} failed (${describeSaveError(error)}); trying again.`,
        );
        await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** (attempt - 1)));
      }
    }
  }

  private async updateItem(id: string, index: number, changes: Partial<ResultItem>): Promise<void> {
    await this.deps.store.update(id, (t) => {
      const results = [...(t.results ?? [])];
      results[index] = { ...results[index], ...changes };
      return { ...t, results, revision: t.revision + 1 };
    });
  }

  private async saveOne(task: Task, item: ResultItem, index: number, count: number, inline?: Uint8Array): Promise<vscode.Uri> {
    const workspaceFolder = vscode.Uri.parse(task.request.workspaceFolder);
    const folder = outputFolderUri(workspaceFolder, task.request.outputFolder);
    await checkRealPath(workspaceFolder, folder);
    await vscode.workspace.fs.createDirectory(folder);
    await checkRealPath(workspaceFolder, folder); // created meanwhile as a link: still refused
    const temp = vscode.Uri.joinPath(folder, tempName(`result-${task.id}-${index}`, randomBytes(6).toString('hex')));
    try {
      const media = inline ? await this.writeInline(temp, inline) : await this.download(task, item.url as string, temp);
      if (media.mime === 'image/png') await this.tagPng(temp, task);
      this.deps.writeFault?.(task, index);
      const name = resultFileName({
        prompt: task.request.prompt,
        createdAt: task.createdAt,
        index: index + 1,
        count,
        extension: media.extension,
      });
      const file = await this.place(task.id, index, temp, folder, name);
      await this.deps.placedFault?.(task, index);
      // The exact target files a request asked for (targetPath, width/height, preset), made from this saved image.
      // Only a request with a target loads that code (writeTargets answers undefined for any other).
      const targets =
        task.request.target && index === 0 ? await features().targets.writeTargets(this.deps, task, index, file, media.mime) : undefined;
      this.targetRecords.set(`${task.id}#${index}`, targets);
      return file;
    } finally {
      await vscode.workspace.fs.delete(temp).then(undefined, () => undefined);
    }
  }

  /** Each name is recorded on the item before it is taken, then claimed exclusively (a hard link, see placeFile.ts). */
  private async place(id: string, index: number, temp: vscode.Uri, folder: vscode.Uri, desired: string): Promise<vscode.Uri> {
    const dot = desired.lastIndexOf('.');
    const stem = desired.slice(0, dot);
    const extension = desired.slice(dot);
    const own = await identity(temp);
    if (!own) throw new SaveError(vscode.l10n.t('The downloaded file disappeared before it was saved.'));
    for (let n = 0; n < 200; n++) {
      const name = n === 0 ? desired : `${stem}-${n}${extension}`;
      const target = vscode.Uri.joinPath(folder, name);
      // Names already in use are skipped without a store write; the exclusive claim below is what decides.
      if ((await exists(target)) || (await exists(vscode.Uri.joinPath(folder, sidecarName(name))))) continue;
      await this.updateItem(id, index, { placing: { file: target.toString(), ...own } });
      if (temp.scheme === 'file') {
        if ((await placeExclusively(temp.fsPath, target.fsPath)) === 'placed') return target;
        continue;
      }
      try {
        await vscode.workspace.fs.rename(temp, target, { overwrite: false });
        return target;
      } catch (error) {
        if (error instanceof vscode.FileSystemError && error.code === 'FileExists') continue; // another window took it
        throw error;
      }
    }
    throw new SaveError(vscode.l10n.t('No free file name for "{0}" in {1}.', desired, vscode.workspace.asRelativePath(folder)));
  }

  /** Unless it is there already; a failure is recorded, not thrown. */
  private async writeSidecar(task: Task, item: ResultItem, index: number, count: number, file: vscode.Uri): Promise<void> {
    const sidecar = buildSidecar({
      prompt: task.request.prompt,
      provider: task.request.provider,
      model: task.request.model,
      operation: task.request.operation,
      parameters: task.request.params,
      extra: task.request.extra,
      taskId: task.id,
      remoteTaskId: task.remoteId,
      cost: task.cost,
      createdAt: task.createdAt,
      submittedAt: task.submittedAt,
      completedAt: task.endedAt,
      elapsedMs: task.endedAt === undefined ? undefined : Math.round(elapsedMs(task, task.endedAt)),
      // PixAI's keyed media route is no public URL: recorded, it would be offered to other providers as one.
      sourceUrl: item.url && !isKeyedMediaRoute(task.request.provider, item.url) ? item.url : undefined,
      sourceUrlExpiresAt: item.url && !isKeyedMediaRoute(task.request.provider, item.url) ? item.expiresAt : undefined,
      index: index + 1,
      count,
      references: task.request.images?.map((i) => vscode.workspace.asRelativePath(vscode.Uri.parse(i), false)),
      imageUrls: task.request.imageUrls,
      inputUrlsExpireAt: inputUrlsExpireAt(task.request, this.deps.store.list()),
      sync: task.request.sync,
      outputFolder: task.request.outputFolder,
      batch: task.request.batch,
      target: this.targetRecords.get(`${task.id}#${index}`),
    });
    const target = vscode.Uri.joinPath(file, '..', sidecarName(file.path.split('/').pop() as string));
    const text = serializeSidecar(sidecar);
    const bytes = Buffer.from(text);
    try {
      this.deps.sidecarFault?.(task, index);
      let written = true;
      if (target.scheme === 'file') {
        written = await writeExclusively(target.fsPath, bytes); // false: one is there already (a repaired save)
      } else if (!(await exists(target))) {
        await vscode.workspace.fs.writeFile(target, bytes);
      } else {
        written = false;
      }
      // Remembered (keyed hash) so Regenerate knows this machine wrote it; see host/sidecarTrust.ts.
      if (written) await sidecarTrust()?.recordWritten(text);
      if (item.sidecarError !== undefined || this.deps.store.get(task.id)?.results?.[index]?.sidecarError !== undefined)
        await this.updateItem(task.id, index, { sidecarError: undefined });
    } catch (error) {
      const message = describeSaveError(error);
      this.deps.log.warn(
        `Task ${task.id}, result ${index + 1}: saved, but its sidecar ${vscode.workspace.asRelativePath(target)} could not be written: ${message}`,
      );
      await this.updateItem(task.id, index, { sidecarError: message });
    }
  }

  private async writeInline(temp: vscode.Uri, bytes: Uint8Array): Promise<SniffedMedia> {
    const media = sniffMediaType(bytes.subarray(0, 64));
    if (!media) throw new SaveError(vscode.l10n.t('The provider sent inline data that is not an image or a video.'));
    await vscode.workspace.fs.writeFile(temp, bytes);
    return media;
  }

  private async download(task: Task, url: string, temp: vscode.Uri): Promise<SniffedMedia> {
    const maxBytes = settings.maxDownloadBytes();
    const auth = await this.deps.apiAuth(task);
    // An overall deadline scaled to the size (see downloadDeadline.ts): a drip-fed body is stopped, then retried.
    const stopper = new AbortController();
    const response = await openDownload(url, {
      auth,
      allowLoopback: this.deps.allowLoopback(task),
      dispatcher: this.deps.dispatcher?.(),
      timeoutMs: 120_000,
      log: (line) => this.deps.log.trace(`Task ${task.id}: ${line}`),
      signal: stopper.signal,
    });
    let inspector: ResultInspector | undefined;
    const watch = watchDownload({
      contentLength: response.contentLength,
      received: () => inspector?.received ?? 0,
      late: (error) => stopper.abort(error),
    });
    try {
      return await this.receive(response, temp, maxBytes, (started) => {
        inspector = started;
      });
    } finally {
      watch.stop();
    }
  }

  private async receive(
    response: OpenDownload,
    temp: vscode.Uri,
    maxBytes: number,
    started: (inspector: ResultInspector) => void,
  ): Promise<SniffedMedia> {
    if (response.contentLength !== undefined && response.contentLength > maxBytes) {
      discard(response.body);
      throw new SaveError(
        vscode.l10n.t(
          'The result is {0} MB, over the {1} MB limit (setting "mediaStudio.maxDownloadSizeMB").',
          (response.contentLength / 1048576).toFixed(0),
          (maxBytes / 1048576).toFixed(0),
        ),
      );
    }
    const inspector = resultInspector(maxBytes, response.contentLength, response.contentType);
    started(inspector);
    if (temp.scheme === 'file') {
      await streamToNewFile(response.body, temp.fsPath, (chunk) => inspector.inspect(chunk));
    } else {
      // workspace.fs has no streaming writes; virtual folders get the bytes in one piece (bounded above).
      const chunks: Buffer[] = [];
      for await (const chunk of response.body) {
        inspector.inspect(chunk);
        chunks.push(chunk);
      }
      await vscode.workspace.fs.writeFile(temp, Buffer.concat(chunks));
    }
    if (response.contentLength !== undefined && inspector.received !== response.contentLength) {
      throw new IncompleteDownloadError(
        vscode.l10n.t('The download ended after {0} of {1} bytes.', inspector.received, response.contentLength),
      );
    }
    const media = inspector.media();
    if (!media) throw new SaveError(vscode.l10n.t('The result URL did not return an image or a video.'));
    return media;
  }

  /** So the file explains itself anywhere it goes. */
  private async tagPng(temp: vscode.Uri, task: Task): Promise<void> {
    const stat = await vscode.workspace.fs.stat(temp);
    if (stat.size > PNG_TEXT_MAX_BYTES) return;
    const png = await vscode.workspace.fs.readFile(temp);
    if (!canTakeTextChunks(png)) {
      // Odd but maybe viewable (a chunk before IHDR, a damaged chunk list): saved as it came, untagged.
      this.deps.log.info(`Task ${task.id}: the PNG cannot take text chunks; saved as it came.`);
      return;
    }
    const tagged = addPngTextChunks(png, {
      Description: task.request.prompt,
      Software: 'Media Studio',
      Source: `${task.request.provider}/${task.request.model}`,
    });
    await vscode.workspace.fs.writeFile(temp, tagged);
  }
}

export function describeSaveError(error: unknown): string {
  if (error instanceof SaveError || error instanceof DownloadRefused) return error.message;
  if (error instanceof HttpError) {
    return error.status === 403 || error.status === 404 || error.status === 410
      ? vscode.l10n.t('The result URL answered {0}; it has probably expired.', error.status)
      : vscode.l10n.t('The result URL answered {0}.', error.status);
  }
  const code = (error as { code?: unknown } | undefined)?.code;
  if (
    error instanceof vscode.FileSystemError ||
    (typeof code === 'string' && ['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT'].includes(code))
  ) {
    // Streamed downloads write with Node's fs, whose errors are not FileSystemErrors.
    return vscode.l10n.t(
      'Could not write the result: {0}. Check that the output folder is writable and has space, then use "Save Again".',
      (error as Error).message,
    );
  }
  return error instanceof Error ? error.message : String(error);
}
