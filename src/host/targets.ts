/**
 * Exact targets in the workspace: the checks before anything is sent, the size asked of the provider, and the writer
 * results.ts calls once the image is saved. It converts locally (WebAssembly codecs, loaded on first use) and never
 * replaces a file: one that appeared meanwhile keeps its name and the new image gets a numbered sibling.
 */
import { randomBytes } from 'crypto';
import * as path from 'path';
import * as vscode from 'vscode';
import type { DecodeMime, ImageCodecs, RgbaImage } from '../codecs/imageCodecs';
import type { ModelInfo } from '../core/catalog';
import { tempName } from '../core/files/naming';
import { addPngTextChunks } from '../core/files/pngText';
import type { TaskStore } from '../core/store';
import { compose, describePlan, flatten, planFit } from '../core/targets/geometry';
import { buildIco } from '../core/targets/ico';
import { closestProviderSize } from '../core/targets/providerSize';
import {
  checkStoredPlan,
  ICO_SIZES,
  parseColour,
  parseTarget,
  requestedSize,
  type TargetArgs,
  type TargetOutput,
  type TargetPlan,
  TargetProblem,
} from '../core/targets/target';
import type { ParamValue, Task } from '../core/task';
import { UserError } from './commands';
import type { Log } from './log';

/** targetPath may also be a Uri of a workspace file. */
export interface TargetFields {
  readonly targetPath?: unknown;
  readonly width?: unknown;
  readonly height?: unknown;
  readonly fit?: unknown;
  readonly background?: unknown;
  readonly format?: unknown;
  readonly preset?: unknown;
}

async function stat(uri: vscode.Uri): Promise<vscode.FileStat | undefined> {
  try {
    return await vscode.workspace.fs.stat(uri);
  } catch {
    return undefined;
  }
}

/** A Uri, or a string with a non-http scheme. */
function relativeTargetPath(value: unknown, workspaceFolder: vscode.Uri): string | undefined {
  if (value === undefined) return undefined;
  let uri: vscode.Uri | undefined;
  if (value instanceof vscode.Uri) uri = value;
  else if (value && typeof value === 'object' && 'scheme' in value && 'path' in value) uri = vscode.Uri.from(value as vscode.Uri);
  else if (typeof value === 'string' && /^[a-z][a-z0-9+.-]+:\/\//i.test(value) && !/^https?:/i.test(value)) uri = vscode.Uri.parse(value);
  if (!uri) {
    if (typeof value !== 'string')
      throw new UserError(vscode.l10n.t('"targetPath" must be a path relative to the workspace folder (or the URI of a file in it).'));
    return value;
  }
  const shown = typeof value === 'string' ? value : uri.toString(true);
  const inside = uri.scheme === workspaceFolder.scheme && uri.authority === workspaceFolder.authority && !uri.path.split('/').includes('..')
    ? path.posix.relative(workspaceFolder.path, uri.path) : undefined;
  if (!inside || inside.startsWith('..') || path.posix.isAbsolute(inside)) {
    throw new UserError(
      vscode.l10n.t(
        '"{0}" is not in the workspace folder. Results are written only inside it: give a path relative to the workspace folder, such as "images/hero.webp".',
        shown,
      ),
    );
  }
  return inside;
}

/** Nothing is sent if this throws. An existing folder is refused; an existing file is kept (numbered sibling). */
export async function checkedTarget(fields: TargetFields, workspaceFolder: vscode.Uri): Promise<TargetPlan | undefined> {
  let plan: TargetPlan | undefined;
  try {
    plan = parseTarget({ ...(fields as TargetArgs), targetPath: relativeTargetPath(fields.targetPath, workspaceFolder) });
  } catch (error) {
    if (error instanceof TargetProblem) throw new UserError(error.message);
    throw error;
  }
  if (!plan) return undefined;
  for (const output of plan.outputs) {
    const found = await stat(vscode.Uri.joinPath(workspaceFolder, output.path));
    if (found && found.type & vscode.FileType.Directory) {
      throw new UserError(
        vscode.l10n.t(
          '"{0}" is a folder. Give the image file\'s path, such as "{0}/image.{1}".',
          output.path,
          output.format === 'jpeg' ? 'jpg' : output.format,
        ),
      );
    }
    const folder = await stat(vscode.Uri.joinPath(workspaceFolder, path.posix.dirname(output.path)));
    if (folder && !(folder.type & vscode.FileType.Directory)) {
      throw new UserError(
        vscode.l10n.t('"{0}" cannot be written: "{1}" is a file, not a folder.', output.path, path.posix.dirname(output.path)),
      );
    }
  }
  return plan;
}

/** See closestProviderSize; the caller lets the user's own win. */
export function targetSizeParams(plan: TargetPlan | undefined, model: ModelInfo | undefined): Record<string, ParamValue> {
  const size = plan && requestedSize(plan);
  return size ? closestProviderSize(model, size.width, size.height) : {};
}

let codecs: ImageCodecs | undefined;

/** Loaded on first use, from dist/imageCodecs.js with its wasm in dist/wasm (see esbuild.js). */
function imageCodecs(): ImageCodecs {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the WebAssembly codecs load on first use
  codecs ??= (require('../codecs/imageCodecs') as typeof import('../codecs/imageCodecs')).createImageCodecs(path.join(__dirname, 'wasm'));
  return codecs;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  return (await stat(uri)) !== undefined;
}

/** When the name is taken (now or by a racing writer): `name-1.ext`, `name-2.ext`… */
async function writeExclusive(target: vscode.Uri, bytes: Uint8Array): Promise<vscode.Uri> {
  const folder = vscode.Uri.joinPath(target, '..');
  const name = path.posix.basename(target.path);
  await vscode.workspace.fs.createDirectory(folder);
  const temp = vscode.Uri.joinPath(folder, tempName(name, randomBytes(6).toString('hex')));
  await vscode.workspace.fs.writeFile(temp, bytes);
  try {
    const dot = name.lastIndexOf('.');
    for (let n = 0; n < 200; n++) {
      const candidate = n === 0 ? target : vscode.Uri.joinPath(folder, `${name.slice(0, dot)}-${n}${name.slice(dot)}`);
      if (await exists(candidate)) continue;
      try {
        await vscode.workspace.fs.rename(temp, candidate, { overwrite: false });
        return candidate;
      } catch (error) {
        if (error instanceof vscode.FileSystemError && error.code === 'FileExists') continue;
        throw error;
      }
    }
    throw new Error(vscode.l10n.t('No free file name for "{0}".', vscode.workspace.asRelativePath(target)));
  } finally {
    await vscode.workspace.fs.delete(temp).then(undefined, () => undefined);
  }
}

const DECODABLE: readonly string[] = ['image/png', 'image/jpeg', 'image/webp'];

interface Converted { readonly bytes: Uint8Array; readonly width: number; readonly height: number; readonly steps: string[] }

async function convert(codecs: ImageCodecs, source: RgbaImage, output: TargetOutput, plan: TargetPlan, task: Task): Promise<Converted> {
  const fit = planFit(source.width, source.height, output, plan.fit);
  const resized = await codecs.resize(source, fit.resizeWidth, fit.resizeHeight);
  const background = plan.background ? parseColour(plan.background) : undefined;
  const composed = compose(resized, fit, background);
  const steps = describePlan(source.width, source.height, fit);
  let bytes: Uint8Array;
  switch (output.format) {
    case 'ico': {
      const entries = [];
      for (const size of ICO_SIZES) entries.push({ size, png: await codecs.encode(await codecs.resize(composed, size, size), 'png') });
      bytes = buildIco(entries);
      steps.push(`wrote an ICO with ${ICO_SIZES.map((s) => `${s}x${s}`).join(', ')} PNG images`);
      break;
    }
    case 'jpeg':
      bytes = await codecs.encode(flatten(composed, background), 'jpeg');
      steps.push('encoded as JPEG');
      break;
    case 'png':
      // The file explains itself anywhere it goes, as saved results do.
      bytes = addPngTextChunks(await codecs.encode(composed, 'png'), {
        Description: task.request.prompt,
        Software: 'Media Studio',
        Source: `${task.request.provider}/${task.request.model}`,
      });
      steps.push('encoded as PNG');
      break;
    case 'webp':
      bytes = await codecs.encode(composed, 'webp');
      steps.push('encoded as WebP');
      break;
  }
  return { bytes, width: fit.width, height: fit.height, steps };
}

export interface TargetWriterDeps {
  readonly store: TaskStore;
  readonly log: Log;
}

/**
 * Only a task's first result has targets. Returns what the sidecar keeps about them. Never throws: a target that cannot
 * be written is reported, and the saved result stays as it is.
 */
export async function writeTargets(
  deps: TargetWriterDeps,
  task: Task,
  index: number,
  original: vscode.Uri,
  mime: string,
): Promise<Record<string, unknown> | undefined> {
  if (!task.request.target || index !== 0) return undefined;
  const plan = checkStoredPlan(task.request.target);
  const workspaceFolder = vscode.Uri.parse(task.request.workspaceFolder);
  const record = async (changes: { targets?: string[]; targetError?: string }) =>
    deps.store.update(task.id, (t) => {
      const results = [...(t.results ?? [])];
      results[index] = { ...results[index], ...changes };
      return { ...t, results, revision: t.revision + 1 };
    });
  try {
    if (!plan)
      throw new Error(vscode.l10n.t('The stored target of this task is not valid, so only the result in the output folder was saved.'));
    if (!DECODABLE.includes(mime))
      throw new Error(vscode.l10n.t('The provider sent {0}, which cannot be converted to an image file.', mime));
    const started = Date.now();
    const codecs = imageCodecs();
    const source = await codecs.decode(await vscode.workspace.fs.readFile(original), mime as DecodeMime);
    const outputs: Record<string, unknown>[] = [];
    const written: string[] = [];
    const renamed: { wanted: string; written: string }[] = [];
    for (const output of plan.outputs) {
      const converted = await convert(codecs, source, output, plan, task);
      const file = await writeExclusive(vscode.Uri.joinPath(workspaceFolder, output.path), converted.bytes);
      const relative = path.posix.relative(workspaceFolder.path, file.path);
      if (relative !== output.path) renamed.push({ wanted: output.path, written: relative });
      written.push(file.toString());
      outputs.push({
        file: relative,
        ...(relative !== output.path ? { requested: output.path } : {}),
        format: output.format,
        width: converted.width,
        height: converted.height,
        bytes: converted.bytes.length,
        steps: converted.steps,
      });
    }
    await record({ targets: written, targetError: undefined });
    deps.log.info(
      `Task ${task.id}: wrote ${written.length} target file(s) in ${Date.now() - started} ms: ${outputs.map((o) => o.file).join(', ')}`,
    );
    if (renamed.length) {
      const first = renamed[0];
      void vscode.window.showWarningMessage(
        renamed.length === 1
          ? vscode.l10n.t('"{0}" already exists, so it was kept: the new image is "{1}".', first.wanted, first.written)
          : vscode.l10n.t(
              '{0} target files already existed, so they were kept: the new images have numbered names (such as "{1}").',
              renamed.length,
              first.written,
            ),
      );
    }
    return {
      original: { file: vscode.workspace.asRelativePath(original, false), width: source.width, height: source.height, type: mime },
      fit: plan.fit,
      ...(plan.background ? { background: plan.background } : {}),
      ...(plan.preset ? { preset: plan.preset } : {}),
      outputs,
    };
  } catch (error) {
    const message = vscode.l10n.t(
      'The image was saved in the output folder, but its target could not be written: {0}',
      error instanceof Error ? error.message : String(error),
    );
    deps.log.warn(`Task ${task.id}: ${message}`);
    await record({ targetError: message });
    void vscode.window.showErrorMessage(message);
    return undefined;
  }
}

/** For the hover and Regenerate. */
export function resultForTarget(store: TaskStore, file: string): { task: Task; index: number } | undefined {
  for (const task of store.list()) {
    const index = (task.results ?? []).findIndex((r) => r.file === file || r.targets?.includes(file));
    if (index >= 0) return { task, index };
  }
  return undefined;
}
