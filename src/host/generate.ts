/**
 * Generate Image, Edit Image and Generate Video: from an argument object without asking anything (the
 * automation contract), or step by step through quick inputs.
 */
import * as vscode from 'vscode';
import { ArgsProblem, parseEditArgs, parseImageArgs, parseVideoArgs } from '../core/commandArgs';
import { catalogModel, ModelInfo, PARAM_NAMES, typedModel } from '../core/catalog';
import { chooseFolder } from '../core/folderChoice';
import { RequestProblem, TaskEngine } from '../core/engine';
import { usableAsReference } from '../core/files/sidecar';
import { isProviderId, PROVIDERS, ProviderId } from '../core/providers';
import type { TaskStore } from '../core/store';
import type { ParamValue, Task, TaskRequest } from '../core/task';
import { UserError } from './commands';
import { checkInputImage, IMAGE_EXTENSIONS } from './images';
import type { ApiKeys } from './keys';
import type { ModelCatalog } from './models';
import type { PixaiModels } from './pixaiModels';
import { urlsForFiles } from './urlInputs';
import { checkedTarget, targetSizeParams } from './targets';

export interface GenerateDeps {
  readonly engine: TaskEngine;
  readonly store: TaskStore;
  readonly keys: ApiKeys;
  readonly models: ModelCatalog;
  readonly pixaiModels: PixaiModels;
}

/** Providers whose models take reference images only as URLs for this model. */
function takesUrls(provider: ProviderId, model: string): boolean {
  return catalogModel(provider, model)?.imageUrls ?? (provider === 'apixo' || provider === 'pixai');
}

/** Runs a submit and turns request problems into messages with the right button. */
export async function submitChecked(engine: TaskEngine, request: TaskRequest, origin: Task['origin'] = 'user'): Promise<Task> {
  try {
    return await engine.submit(request, origin);
  } catch (error) {
    if (error instanceof RequestProblem) {
      throw new UserError(error.message, error.needsKey ? [{ title: vscode.l10n.t('Set API Key'), command: 'mediaStudio.setApiKey', args: [{ provider: error.needsKey }] }] : []);
    }
    throw error;
  }
}

function argsError(error: unknown): never {
  if (error instanceof ArgsProblem || error instanceof RequestProblem) throw new UserError(error.message);
  throw error;
}

/** Parses an argument object, turning its problems into messages for the user. */
function parsed<T>(parse: (raw: unknown) => T, raw: unknown): T {
  try {
    return parse(raw);
  } catch (error) {
    argsError(error);
  }
}

function useSync(args: { sync?: boolean }): boolean {
  return args.sync ?? vscode.workspace.getConfiguration('mediaStudio').get<boolean>('pixapi.synchronous', false);
}

function defaultProvider(): ProviderId {
  const value = vscode.workspace.getConfiguration('mediaStudio').get<string>('defaultProvider', 'pixapi');
  return isProviderId(value) ? value : 'pixapi';
}

/** The workspace folder whose output folder receives the results. */
export async function pickWorkspaceFolder(hint: { near?: vscode.Uri; name?: string; ask: boolean }): Promise<vscode.Uri> {
  const folders = (vscode.workspace.workspaceFolders ?? []).map((folder) => ({ name: folder.name, uri: folder.uri.toString(), folder }));
  const owner = hint.near ? vscode.workspace.getWorkspaceFolder(hint.near) : undefined;
  const choice = chooseFolder(folders, { name: hint.name, nearOwner: owner && folders.find((f) => f.uri === owner.uri.toString()), ask: hint.ask });
  switch (choice.kind) {
    case 'noFolder': throw new UserError(vscode.l10n.t('Open a folder first: Media Studio saves results into the workspace.'));
    case 'unknownName': throw new UserError(vscode.l10n.t('No workspace folder named "{0}".', choice.name));
    case 'use': return choice.folder.folder.uri;
    case 'ask': {
      const picked = await vscode.window.showWorkspaceFolderPick({ placeHolder: vscode.l10n.t('Save the results into which folder?'), ignoreFocusOut: true });
      if (!picked) throw new vscode.CancellationError();
      return picked.uri;
    }
  }
}

function outsideWorkspace(shown: string): string {
  return vscode.l10n.t('"{0}" points outside the workspace folder. Only images inside the workspace can be edited: give a path relative to the workspace folder, such as "images/product.png".', shown);
}

/**
 * Resolves "images" of an argument object: Uris, URI strings, or paths relative to a workspace folder. Only
 * workspace files are taken (as in the panel): an argument object, or the chat agent, cannot upload a file the
 * user never put in the workspace.
 */
export function toWorkspaceUri(value: unknown): vscode.Uri {
  let uri: vscode.Uri;
  if (value instanceof vscode.Uri) uri = value;
  else if (value && typeof value === 'object' && 'scheme' in value && 'path' in value) uri = vscode.Uri.from(value as vscode.Uri);
  else if (typeof value !== 'string' || !value.trim()) throw new UserError(vscode.l10n.t('Each image must be a workspace file (a URI or a path relative to the workspace folder).'));
  else if (value.split(/[\\/]/).includes('..')) throw new UserError(outsideWorkspace(value));
  else if (/^[a-z][a-z0-9+.-]+:\/\//i.test(value)) uri = vscode.Uri.parse(value);
  else {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) throw new UserError(vscode.l10n.t('Open a folder first: image paths are relative to the workspace folder.'));
    uri = vscode.Uri.joinPath(folder.uri, value);
  }
  const shown = typeof value === 'string' ? value : uri.toString(true);
  // getWorkspaceFolder compares paths as text: "/ws/../home/x.png" would pass it.
  if (uri.path.split('/').includes('..')) throw new UserError(outsideWorkspace(shown));
  if (!vscode.workspace.getWorkspaceFolder(uri)) {
    throw new UserError(vscode.l10n.t('"{0}" is not in the workspace. Only images inside the workspace can be edited: copy the image into the workspace folder first, then give its path relative to the workspace folder.', shown));
  }
  return uri;
}

/**
 * The common argument names (size, n, quality, duration) under the provider's own field names; a provider that
 * has no such field gets a message rather than a field it would reject or misread.
 */
function providerParams(provider: ProviderId, common: { size?: string; n?: number; quality?: string; duration?: number }, extra?: Readonly<Record<string, ParamValue>>): Record<string, ParamValue> {
  const names = PARAM_NAMES[provider];
  const mapped: Record<string, ParamValue | undefined> = {};
  for (const [name, value] of Object.entries(common)) {
    if (value === undefined) continue;
    const field = name === 'n' ? (provider === 'pixapi' || provider === 'openai' ? 'n' : undefined) : names[name as 'size' | 'quality' | 'duration'];
    if (!field) {
      const hint = name === 'size' && names.aspectRatio ? vscode.l10n.t(' Use "params": { "{0}": "16:9" } instead.', names.aspectRatio) : '';
      throw new UserError(vscode.l10n.t('{0} does not take "{1}".{2}', PROVIDERS[provider].label, name, hint));
    }
    mapped[field] = value;
  }
  return params(mapped, extra);
}

function params(entries: Record<string, ParamValue | undefined>, extra?: Readonly<Record<string, ParamValue>>): Record<string, ParamValue> {
  const result: Record<string, ParamValue> = { ...extra };
  for (const [key, value] of Object.entries(entries)) if (value !== undefined && value !== '') result[key] = value;
  return result;
}

// ---- argument objects ----

export async function imageFromArgs(deps: GenerateDeps, raw: unknown, origin: Task['origin'] = 'user'): Promise<string[]> {
  const args = parsed(parseImageArgs, raw);
  const provider = args.provider ?? defaultProvider();
  const workspaceFolder = await pickWorkspaceFolder({ name: args.workspaceFolder, ask: false });
  const model = args.model ?? deps.models.defaultModel(provider, 'image');
  const target = await checkedTarget(args, workspaceFolder);
  const request: TaskRequest = {
    provider,
    model,
    kind: 'image',
    prompt: args.prompt,
    params: { ...targetSizeParams(target, provider, catalogModel(provider, model)), ...providerParams(provider, { size: args.size, n: args.n, quality: args.quality }, args.params) },
    imageUrls: args.imageUrls,
    operation: args.imageUrls?.length ? 'edit' : 'generate',
    sync: useSync(args),
    workspaceFolder: workspaceFolder.toString(),
    outputFolder: args.outputFolder,
    target,
  };
  return [(await submitChecked(deps.engine, request, origin)).id];
}

export async function editFromArgs(deps: GenerateDeps, raw: unknown, origin: Task['origin'] = 'user'): Promise<string[]> {
  const args = parsed(parseEditArgs, raw);
  const images = args.images.map(toWorkspaceUri);
  for (const image of images) {
    try {
      await checkInputImage(image);
    } catch (error) {
      argsError(error);
    }
  }
  const provider = args.provider ?? defaultProvider();
  const model = args.model ?? deps.models.defaultModel(provider, 'image', true);
  const workspaceFolder = await pickWorkspaceFolder({ name: args.workspaceFolder, near: images[0], ask: false });
  const target = await checkedTarget(args, workspaceFolder);
  const asUrls = takesUrls(provider, model) ? await urlsForFiles(images, PROVIDERS[provider].label, false) : undefined;
  const request: TaskRequest = {
    provider,
    model,
    operation: 'edit',
    kind: 'image',
    prompt: args.prompt,
    params: { ...targetSizeParams(target, provider, catalogModel(provider, model)), ...providerParams(provider, { size: args.size, n: args.n, quality: args.quality }, args.params) },
    target,
    images: asUrls ? undefined : images.map((i) => i.toString()),
    imageUrls: asUrls ? [...asUrls, ...(args.imageUrls ?? [])] : args.imageUrls,
    sync: useSync(args),
    workspaceFolder: workspaceFolder.toString(),
    outputFolder: args.outputFolder,
  };
  return [(await submitChecked(deps.engine, request, origin)).id];
}

export async function videoFromArgs(deps: GenerateDeps, raw: unknown, origin: Task['origin'] = 'user'): Promise<string[]> {
  const args = parsed(parseVideoArgs, raw);
  const provider = args.provider ?? defaultProvider();
  const workspaceFolder = await pickWorkspaceFolder({ name: args.workspaceFolder, ask: false });
  const request: TaskRequest = {
    provider,
    model: args.model ?? deps.models.defaultModel(provider, 'video'),
    operation: 'video',
    kind: 'video',
    prompt: args.prompt,
    params: provider === 'pixapi'
      ? params({ duration: args.duration, size: args.size, input_image: args.inputImage }, args.params)
      : providerParams(provider, { duration: args.duration, size: args.size }, args.params),
    imageUrls: provider !== 'pixapi' && args.inputImage ? [args.inputImage] : undefined,
    workspaceFolder: workspaceFolder.toString(),
    outputFolder: args.outputFolder,
  };
  return [(await submitChecked(deps.engine, request, origin)).id];
}

// ---- step by step ----

interface Step<T> { title: string; step: number; total: number; value?: T }

export async function pickModel(deps: GenerateDeps, provider: ProviderId, kind: 'image' | 'video', edit: boolean, s: Step<string>): Promise<ModelInfo | undefined> {
  const title = `${s.title} (${s.step}/${s.total})`;
  const models = (await deps.models.list(provider)).filter((m) => m.kind === kind && (!edit || m.editsWithFiles || m.imageUrls));
  if (provider === 'pixai') {
    const id = await deps.pixaiModels.pick(title, models.map((m) => ({ id: m.id, name: m.label ?? m.id })), deps.models.defaultModel(provider, kind, edit));
    return id ? catalogModel('pixai', id) ?? { ...models[0], id, label: undefined } : undefined;
  }
  const other = { label: vscode.l10n.t('$(edit) Other model id…'), description: vscode.l10n.t('type any model id'), model: undefined };
  const items = [
    ...models.map((m) => ({ label: m.id, description: m.editsWithFiles ? 'edits' : m.imageUrls ? vscode.l10n.t('takes image URLs') : '', model: m as ModelInfo | undefined })),
    other,
  ];
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: vscode.l10n.t('{0} model', PROVIDERS[provider].label), ignoreFocusOut: true });
  if (picked !== other) return picked?.model;
  const id = await vscode.window.showInputBox({ title, prompt: vscode.l10n.t('{0} model id', PROVIDERS[provider].label), ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Type a model id.')) });
  if (!id) return undefined;
  return typedModel(provider, id.trim(), kind);
}

/** Asks for each parameter the model takes, by the provider's own field names. Undefined: cancelled. */
async function askParams(provider: ProviderId, model: ModelInfo, title: string): Promise<Record<string, ParamValue> | undefined> {
  const names = PARAM_NAMES[provider];
  const result: Record<string, ParamValue> = {};
  const free = model.openValues ?? true;
  const lists: [string | undefined, readonly (string | number)[] | undefined, string][] = [
    [names.size, model.sizes, vscode.l10n.t('Size')],
    [names.aspectRatio, model.aspectRatios, vscode.l10n.t('Aspect ratio')],
    [names.resolution, model.resolutions, vscode.l10n.t('Resolution')],
    // Apixo picks the mode from the situation (text or image input) unless one is chosen; PixAI's is free.
    [provider === 'apixo' ? undefined : names.mode, model.modes, vscode.l10n.t('Mode')],
    [names.duration, model.durations, vscode.l10n.t('Duration in seconds')],
    [names.quality, model.qualities, vscode.l10n.t('Quality')],
  ];
  for (const [field, values, label] of lists) {
    if (!field || !values?.length) continue;
    const value = await pickValue(title, values.map(String), label, free);
    if (value === undefined) return undefined;
    if (field === names.duration) {
      if (!(Number(value) > 0)) throw new UserError(vscode.l10n.t('"{0}" is not a number of seconds.', value));
      result[field] = Number(value);
    } else {
      result[field] = value;
    }
  }
  if (names.style) {
    // PixAI documents no style values, so none are offered: any text, and an empty answer sends no style.
    const style = await vscode.window.showInputBox({
      title,
      prompt: vscode.l10n.t('Style (optional): a value {0} takes. Leave it empty to send none.', PROVIDERS[provider].label),
      ignoreFocusOut: true,
    });
    if (style === undefined) return undefined;
    if (style.trim()) result[names.style] = style.trim();
  }
  if (model.kind === 'image' && (provider === 'pixapi' || provider === 'openai')) {
    const count = await pickValue(title, ['1', '2', '3', '4'], vscode.l10n.t('How many images?'), false);
    if (!count) return undefined;
    result.n = Number(count);
  }
  return result;
}

async function askPrompt(title: string, placeHolder: string): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t('Describe what you want. (The Media Studio panel has a multi-line editor.)'),
    placeHolder,
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() ? undefined : vscode.l10n.t('The prompt is empty.')),
  });
}

async function pickValue(title: string, values: readonly string[], placeHolder: string, allowCustom: boolean): Promise<string | undefined> {
  const items: vscode.QuickPickItem[] = values.map((v) => ({ label: v }));
  const other = vscode.l10n.t('Other…');
  if (allowCustom) items.push({ label: other, description: vscode.l10n.t('type a value') });
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder, ignoreFocusOut: true });
  if (picked?.label !== other) return picked?.label;
  return vscode.window.showInputBox({ title, prompt: placeHolder, ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Type a value.')) });
}

export async function chooseProvider(deps: GenerateDeps, kind: 'image' | 'video', edit = false): Promise<ProviderId | undefined> {
  const withKeys: ProviderId[] = [];
  for (const id of deps.models.providersFor(kind, edit)) if (await deps.keys.has(id)) withKeys.push(id);
  if (withKeys.length === 0) {
    throw new UserError(vscode.l10n.t('No API key is set yet. Set one to start generating.'), [{ title: vscode.l10n.t('Set API Key'), command: 'mediaStudio.setApiKey' }]);
  }
  const preferred = defaultProvider();
  if (withKeys.length === 1) return withKeys[0];
  const items = withKeys.map((id) => ({ label: PROVIDERS[id].label, description: id === preferred ? 'default' : '', id }));
  items.sort((a, b) => Number(b.id === preferred) - Number(a.id === preferred));
  return (await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('Which provider?'), ignoreFocusOut: true }))?.id;
}

async function imageSteps(deps: GenerateDeps, title: string, edit: boolean): Promise<{ request: Omit<TaskRequest, 'workspaceFolder' | 'operation'>; model: ModelInfo } | undefined> {
  const provider = await chooseProvider(deps, 'image', edit);
  if (!provider) return undefined;
  const model = await pickModel(deps, provider, 'image', edit, { title, step: 1, total: 3 });
  if (!model) return undefined;
  const prompt = await askPrompt(`${title} (2/3)`, edit ? vscode.l10n.t('Place the product on a warm studio background') : vscode.l10n.t('A cinematic product photo of a ceramic coffee cup'));
  if (!prompt) return undefined;
  const chosen = await askParams(provider, model, `${title} (3/3)`);
  if (!chosen) return undefined;
  return {
    model,
    request: {
      provider,
      model: model.id,
      kind: 'image',
      prompt,
      params: chosen,
      sync: useSync({}),
    },
  };
}

export async function generateImageInteractive(deps: GenerateDeps): Promise<string[]> {
  const steps = await imageSteps(deps, vscode.l10n.t('Generate Image'), false);
  if (!steps) return [];
  const workspaceFolder = await pickWorkspaceFolder({ ask: true });
  return [(await submitChecked(deps.engine, { ...steps.request, operation: 'generate', workspaceFolder: workspaceFolder.toString() })).id];
}

export async function editImageInteractive(deps: GenerateDeps, images: vscode.Uri[]): Promise<string[]> {
  if (images.length === 0) {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: true,
      openLabel: vscode.l10n.t('Edit'),
      title: vscode.l10n.t('Pick the images to edit (several = several references)'),
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      filters: { [vscode.l10n.t('Images')]: [...IMAGE_EXTENSIONS] },
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
  const steps = await imageSteps(deps, images.length === 1 ? vscode.l10n.t('Edit {0}', vscode.workspace.asRelativePath(images[0])) : vscode.l10n.t('Edit {0} images', images.length), true);
  if (!steps) return [];
  const workspaceFolder = await pickWorkspaceFolder({ near: images[0], ask: true });
  const references = steps.model.imageUrls
    ? { imageUrls: await urlsForFiles(images, PROVIDERS[steps.request.provider].label, true) }
    : { images: images.map((i) => i.toString()) };
  return [(await submitChecked(deps.engine, { ...steps.request, ...references, operation: 'edit', workspaceFolder: workspaceFolder.toString() })).id];
}

/** Image results whose URL is still usable as a video's input image (see usableAsReference). */
function recentImageUrls(store: TaskStore, now: number): { label: string; description: string; url: string }[] {
  return store.list()
    .filter((t) => t.state === 'succeeded' && t.request.kind === 'image')
    .flatMap((t) => (t.results ?? []).filter((r) => r.url && usableAsReference({ url: r.url, provider: t.request.provider, expiresAt: r.expiresAt, completedAt: t.endedAt }, now)).map((r) => ({
      label: `$(file-media) ${t.request.prompt.slice(0, 50)}`,
      description: r.file ? vscode.workspace.asRelativePath(vscode.Uri.parse(r.file)) : t.request.model,
      url: r.url as string,
    })))
    .slice(0, 20);
}

export async function generateVideoInteractive(deps: GenerateDeps, inputImage?: string): Promise<string[]> {
  const title = vscode.l10n.t('Generate Video');
  const provider = await chooseProvider(deps, 'video');
  if (!provider) return [];
  const model = await pickModel(deps, provider, 'video', false, { title, step: 1, total: 4 });
  if (!model) return [];
  const prompt = await askPrompt(`${title} (2/4)`, vscode.l10n.t('A cinematic reveal of a smart speaker'));
  if (!prompt) return [];
  const chosen = await askParams(provider, model, `${title} (3/4)`);
  if (!chosen) return [];
  if (inputImage === undefined && model.imageUrls) {
    const none = { label: vscode.l10n.t('No input image'), description: vscode.l10n.t('text-to-video'), url: '' };
    const typed = { label: vscode.l10n.t('Enter an image URL…'), description: vscode.l10n.t('a public http(s) URL'), url: '' };
    const picked = await vscode.window.showQuickPick([none, ...recentImageUrls(deps.store, Date.now()), typed], {
      title: `${title} (4/4)`, placeHolder: vscode.l10n.t('Animate an image? The provider needs a URL it can fetch, not a file.'), ignoreFocusOut: true,
    });
    if (!picked) return [];
    if (picked === typed) {
      inputImage = await vscode.window.showInputBox({
        title, prompt: vscode.l10n.t('Public URL of the input image'), placeHolder: 'https://…', ignoreFocusOut: true,
        validateInput: (v) => (/^https?:\/\/\S+$/.test(v.trim()) ? undefined : vscode.l10n.t('Enter an http(s) URL.')),
      });
      if (!inputImage) return [];
    } else {
      inputImage = picked.url || undefined;
    }
  }
  const workspaceFolder = await pickWorkspaceFolder({ ask: true });
  const url = inputImage?.trim();
  const request: TaskRequest = {
    provider,
    model: model.id,
    operation: 'video',
    kind: 'video',
    prompt,
    // Pixapi names the input image `input_image`; Apixo takes reference URLs as image_urls.
    params: provider === 'pixapi' ? params({ ...chosen, input_image: url }) : chosen,
    imageUrls: provider !== 'pixapi' && url ? [url] : undefined,
    workspaceFolder: workspaceFolder.toString(),
  };
  return [(await submitChecked(deps.engine, request)).id];
}
