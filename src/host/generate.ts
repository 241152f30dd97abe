/**
 * Generate Image, Edit Image and Generate Video: from an argument object without asking anything (the
 * automation contract), or step by step through quick inputs.
 */
import * as vscode from 'vscode';
import { ArgsProblem, EditArgs, ImageArgs, parseEditArgs, parseImageArgs, parseVideoArgs, VideoArgs } from '../core/commandArgs';
import type { ModelInfo } from '../core/catalog';
import { RequestProblem, TaskEngine } from '../core/engine';
import { isProviderId, PROVIDERS, ProviderId } from '../core/providers';
import type { TaskStore } from '../core/store';
import type { ParamValue, Task, TaskRequest } from '../core/task';
import { UserError } from './commands';
import { checkInputImage, IMAGE_EXTENSIONS } from './images';
import type { ApiKeys } from './keys';
import type { ModelCatalog } from './models';

export interface GenerateDeps {
  readonly engine: TaskEngine;
  readonly store: TaskStore;
  readonly keys: ApiKeys;
  readonly models: ModelCatalog;
}

/** Runs a submit and turns request problems into messages with the right button. */
export async function submitChecked(engine: TaskEngine, request: TaskRequest, origin: Task['origin'] = 'user'): Promise<Task> {
  try {
    return await engine.submit(request, origin);
  } catch (error) {
    if (error instanceof RequestProblem) {
      throw new UserError(error.message, error.needsKey ? [{ title: 'Set API Key', command: 'mediaStudio.setApiKey', args: [{ provider: error.needsKey }] }] : []);
    }
    throw error;
  }
}

function argsError(error: unknown): never {
  if (error instanceof ArgsProblem || error instanceof RequestProblem) throw new UserError(error.message);
  throw error;
}

function defaultProvider(): ProviderId {
  const value = vscode.workspace.getConfiguration('mediaStudio').get<string>('defaultProvider', 'pixapi');
  return isProviderId(value) ? value : 'pixapi';
}

/** The workspace folder whose output folder receives the results. */
export async function pickWorkspaceFolder(hint: { near?: vscode.Uri; name?: string; ask: boolean }): Promise<vscode.Uri> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) throw new UserError('Open a folder first: Media Studio saves results into the workspace.');
  if (hint.name) {
    const named = folders.find((f) => f.name === hint.name || f.uri.toString() === hint.name);
    if (!named) throw new UserError(`No workspace folder named "${hint.name}".`);
    return named.uri;
  }
  if (hint.near) {
    const owner = vscode.workspace.getWorkspaceFolder(hint.near);
    if (owner) return owner.uri;
  }
  if (folders.length === 1 || !hint.ask) return folders[0].uri;
  const picked = await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Save the results into which folder?', ignoreFocusOut: true });
  if (!picked) throw new vscode.CancellationError();
  return picked.uri;
}

/** Resolves "images" of an argument object: Uris, URI strings, or paths relative to a workspace folder. */
export function toWorkspaceUri(value: unknown): vscode.Uri {
  if (value instanceof vscode.Uri) return value;
  if (value && typeof value === 'object' && 'scheme' in value && 'path' in value) return vscode.Uri.from(value as vscode.Uri);
  if (typeof value !== 'string' || !value.trim()) throw new UserError('Each image must be a workspace file (a URI or a path relative to the workspace folder).');
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(value)) return vscode.Uri.parse(value);
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new UserError('Open a folder first: image paths are relative to the workspace folder.');
  if (value.split(/[\\/]/).includes('..')) throw new UserError(`"${value}" points outside the workspace folder.`);
  return vscode.Uri.joinPath(folder.uri, value);
}

function params(entries: Record<string, ParamValue | undefined>, extra?: Readonly<Record<string, ParamValue>>): Record<string, ParamValue> {
  const result: Record<string, ParamValue> = { ...extra };
  for (const [key, value] of Object.entries(entries)) if (value !== undefined && value !== '') result[key] = value;
  return result;
}

// ---- argument objects ----

export async function imageFromArgs(deps: GenerateDeps, raw: unknown): Promise<string[]> {
  let args: ImageArgs;
  try {
    args = parseImageArgs(raw);
  } catch (error) {
    argsError(error);
  }
  const provider = args.provider ?? defaultProvider();
  const workspaceFolder = await pickWorkspaceFolder({ name: args.workspaceFolder, ask: false });
  const request: TaskRequest = {
    provider,
    model: args.model ?? deps.models.defaultModel(provider, 'image'),
    operation: 'generate',
    kind: 'image',
    prompt: args.prompt,
    params: params({ size: args.size, n: args.n, quality: args.quality }, args.params),
    sync: args.sync ?? vscode.workspace.getConfiguration('mediaStudio').get<boolean>('pixapi.synchronous', false),
    workspaceFolder: workspaceFolder.toString(),
  };
  return [(await submitChecked(deps.engine, request)).id];
}

export async function editFromArgs(deps: GenerateDeps, raw: unknown): Promise<string[]> {
  let args: EditArgs;
  try {
    args = parseEditArgs(raw);
  } catch (error) {
    argsError(error);
  }
  const images = args.images.map(toWorkspaceUri);
  for (const image of images) {
    try {
      await checkInputImage(image);
    } catch (error) {
      argsError(error);
    }
  }
  const provider = args.provider ?? defaultProvider();
  const workspaceFolder = await pickWorkspaceFolder({ name: args.workspaceFolder, near: images[0], ask: false });
  const request: TaskRequest = {
    provider,
    model: args.model ?? deps.models.defaultModel(provider, 'image', true),
    operation: 'edit',
    kind: 'image',
    prompt: args.prompt,
    params: params({ size: args.size, n: args.n, quality: args.quality }, args.params),
    images: images.map((i) => i.toString()),
    sync: args.sync ?? vscode.workspace.getConfiguration('mediaStudio').get<boolean>('pixapi.synchronous', false),
    workspaceFolder: workspaceFolder.toString(),
  };
  return [(await submitChecked(deps.engine, request)).id];
}

export async function videoFromArgs(deps: GenerateDeps, raw: unknown): Promise<string[]> {
  let args: VideoArgs;
  try {
    args = parseVideoArgs(raw);
  } catch (error) {
    argsError(error);
  }
  const provider = args.provider ?? defaultProvider();
  const workspaceFolder = await pickWorkspaceFolder({ name: args.workspaceFolder, ask: false });
  const request: TaskRequest = {
    provider,
    model: args.model ?? deps.models.defaultModel(provider, 'video'),
    operation: 'video',
    kind: 'video',
    prompt: args.prompt,
    params: params({ duration: args.duration, size: args.size, input_image: args.inputImage }, args.params),
    workspaceFolder: workspaceFolder.toString(),
  };
  return [(await submitChecked(deps.engine, request)).id];
}

// ---- step by step ----

interface Step<T> { title: string; step: number; total: number; value?: T }

async function pickModel(deps: GenerateDeps, provider: ProviderId, kind: 'image' | 'video', edit: boolean, s: Step<string>): Promise<ModelInfo | undefined> {
  const models = (await deps.models.list(provider)).filter((m) => m.kind === kind && (!edit || m.editsWithFiles));
  const items = models.map((m) => ({ label: m.id, description: m.editsWithFiles ? 'edits' : m.imageUrls ? 'takes image URLs' : '', model: m }));
  const picked = await vscode.window.showQuickPick(items, { title: `${s.title} (${s.step}/${s.total})`, placeHolder: `${PROVIDERS[provider].label} model`, ignoreFocusOut: true });
  return picked?.model;
}

async function askPrompt(title: string, placeHolder: string): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title,
    prompt: 'Describe what you want. (The Media Studio panel has a multi-line editor.)',
    placeHolder,
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() ? undefined : 'The prompt is empty.'),
  });
}

async function pickValue(title: string, values: readonly string[], placeHolder: string, allowCustom: boolean): Promise<string | undefined> {
  const items: vscode.QuickPickItem[] = values.map((v) => ({ label: v }));
  if (allowCustom) items.push({ label: 'Other…', description: 'type a value' });
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder, ignoreFocusOut: true });
  if (picked?.label !== 'Other…') return picked?.label;
  return vscode.window.showInputBox({ title, prompt: placeHolder, ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : 'Type a value.') });
}

async function chooseProvider(deps: GenerateDeps, kind: 'image' | 'video'): Promise<ProviderId | undefined> {
  const withKeys: ProviderId[] = [];
  for (const id of deps.models.providersFor(kind)) if (await deps.keys.has(id)) withKeys.push(id);
  if (withKeys.length === 0) {
    throw new UserError('No API key is set yet. Set one to start generating.', [{ title: 'Set API Key', command: 'mediaStudio.setApiKey' }]);
  }
  const preferred = defaultProvider();
  if (withKeys.length === 1) return withKeys[0];
  const items = withKeys.map((id) => ({ label: PROVIDERS[id].label, description: id === preferred ? 'default' : '', id }));
  items.sort((a, b) => Number(b.id === preferred) - Number(a.id === preferred));
  return (await vscode.window.showQuickPick(items, { placeHolder: 'Which provider?', ignoreFocusOut: true }))?.id;
}

async function imageSteps(deps: GenerateDeps, title: string, edit: boolean): Promise<Omit<TaskRequest, 'workspaceFolder' | 'operation'> | undefined> {
  const provider = await chooseProvider(deps, 'image');
  if (!provider) return undefined;
  const model = await pickModel(deps, provider, 'image', edit, { title, step: 1, total: 4 });
  if (!model) return undefined;
  const prompt = await askPrompt(`${title} (2/4)`, edit ? 'Place the product on a warm studio background' : 'A cinematic product photo of a ceramic coffee cup');
  if (!prompt) return undefined;
  const size = model.sizes ? await pickValue(`${title} (3/4)`, model.sizes, 'Size', true) : undefined;
  if (model.sizes && size === undefined) return undefined;
  const count = await pickValue(`${title} (4/4)`, ['1', '2', '3', '4'], 'How many images?', false);
  if (!count) return undefined;
  const quality = model.qualities ? await pickValue(title, model.qualities, 'Quality', false) : undefined;
  if (model.qualities && quality === undefined) return undefined;
  return {
    provider,
    model: model.id,
    kind: 'image',
    prompt,
    params: params({ size, n: Number(count), quality }),
    sync: vscode.workspace.getConfiguration('mediaStudio').get<boolean>('pixapi.synchronous', false),
  };
}

export async function generateImageInteractive(deps: GenerateDeps): Promise<string[]> {
  const steps = await imageSteps(deps, 'Generate Image', false);
  if (!steps) return [];
  const workspaceFolder = await pickWorkspaceFolder({ ask: true });
  return [(await submitChecked(deps.engine, { ...steps, operation: 'generate', workspaceFolder: workspaceFolder.toString() })).id];
}

export async function editImageInteractive(deps: GenerateDeps, images: vscode.Uri[]): Promise<string[]> {
  if (images.length === 0) {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: true,
      openLabel: 'Edit',
      title: 'Pick the images to edit (several = several references)',
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      filters: { Images: [...IMAGE_EXTENSIONS] },
    });
    if (!picked?.length) return [];
    images = picked;
  }
  for (const image of images) {
    try {
      await checkInputImage(image);
    } catch (error) {
      argsError(error);
    }
  }
  const steps = await imageSteps(deps, `Edit ${images.length === 1 ? vscode.workspace.asRelativePath(images[0]) : `${images.length} images`}`, true);
  if (!steps) return [];
  const workspaceFolder = await pickWorkspaceFolder({ near: images[0], ask: true });
  return [(await submitChecked(deps.engine, { ...steps, operation: 'edit', images: images.map((i) => i.toString()), workspaceFolder: workspaceFolder.toString() })).id];
}

/** Image results whose URL is still usable as a video's input image. */
function recentImageUrls(store: TaskStore, now: number): { label: string; description: string; url: string }[] {
  return store.list()
    .filter((t) => t.state === 'succeeded' && t.request.kind === 'image')
    .flatMap((t) => (t.results ?? []).filter((r) => r.url && (r.expiresAt === undefined || r.expiresAt > now + 5 * 60_000)).map((r) => ({
      label: `$(file-media) ${t.request.prompt.slice(0, 50)}`,
      description: r.file ? vscode.workspace.asRelativePath(vscode.Uri.parse(r.file)) : t.request.model,
      url: r.url as string,
    })))
    .slice(0, 20);
}

export async function generateVideoInteractive(deps: GenerateDeps, inputImage?: string): Promise<string[]> {
  const title = 'Generate Video';
  const provider = await chooseProvider(deps, 'video');
  if (!provider) return [];
  const model = await pickModel(deps, provider, 'video', false, { title, step: 1, total: 4 });
  if (!model) return [];
  const prompt = await askPrompt(`${title} (2/4)`, 'A cinematic reveal of a smart speaker');
  if (!prompt) return [];
  const duration = model.durations ? await pickValue(`${title} (3/4)`, model.durations.map(String), 'Duration in seconds', true) : undefined;
  if (model.durations && duration === undefined) return [];
  if (duration !== undefined && !(Number(duration) > 0)) throw new UserError(`"${duration}" is not a number of seconds.`);
  const size = model.sizes ? await pickValue(`${title} (4/4)`, model.sizes, 'Size', true) : undefined;
  if (model.sizes && size === undefined) return [];
  if (inputImage === undefined && model.imageUrls) {
    const none = { label: 'No input image', description: 'text-to-video', url: '' };
    const typed = { label: 'Enter an image URL…', description: 'a public http(s) URL', url: '' };
    const picked = await vscode.window.showQuickPick([none, ...recentImageUrls(deps.store, Date.now()), typed], {
      title, placeHolder: 'Animate an image? The provider needs a URL it can fetch, not a file.', ignoreFocusOut: true,
    });
    if (!picked) return [];
    if (picked === typed) {
      inputImage = await vscode.window.showInputBox({
        title, prompt: 'Public URL of the input image', placeHolder: 'https://…', ignoreFocusOut: true,
        validateInput: (v) => (/^https?:\/\/\S+$/.test(v.trim()) ? undefined : 'Enter an http(s) URL.'),
      });
      if (!inputImage) return [];
    } else {
      inputImage = picked.url || undefined;
    }
  }
  const workspaceFolder = await pickWorkspaceFolder({ ask: true });
  const request: TaskRequest = {
    provider,
    model: model.id,
    operation: 'video',
    kind: 'video',
    prompt,
    params: params({ duration: duration === undefined ? undefined : Number(duration), size, input_image: inputImage?.trim() }),
    workspaceFolder: workspaceFolder.toString(),
  };
  return [(await submitChecked(deps.engine, request)).id];
}
