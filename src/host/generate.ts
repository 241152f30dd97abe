/**
 * Generate Image, Edit Image and Generate Video: from an argument object without asking anything (the
 * automation contract), or step by step through quick inputs.
 */
import * as vscode from 'vscode';
import { ArgsProblem, parseEditArgs, parseImageArgs, parseVideoArgs } from '../core/commandArgs';
import { ModelInfo, paramWithRole, takesFiles, takesImages, takesUrls, typedModel } from '../core/catalog';
import { chooseFolder } from '../core/folderChoice';
import { RequestProblem, TaskEngine } from '../core/engine';
import { usableAsReference } from '../core/files/sidecar';
import { PROVIDERS, ProviderId } from '../core/providers';
import { groupByForm, ValueForm } from '../core/valueForms';
import { flowSteps, INPUT_IMAGE_STEP, MODEL_STEP, PROMPT_STEP, PROVIDER_STEP, stepTitle } from '../core/steps';
import { providerSpec } from '../core/spec/registry';
import type { ParamRole, ParamSpec } from '../core/spec/types';
import type { TaskStore } from '../core/store';
import type { ParamValue, Task, TaskRequest } from '../core/task';
import { UserError } from './commands';
import { checkInputImage, IMAGE_EXTENSIONS } from './images';
import type { ApiKeys } from './keys';
import type { ModelCatalog } from './models';
import type { PixaiModels } from './pixaiModels';
import { urlsForFiles } from './urlInputs';
import { SpendingRefused } from './spending/spending';
import { estimateNote } from '../core/spending/estimate';
import { paramFromText } from '../core/spec/validate';
import { checkedTarget, targetSizeParams } from './targets';
import { settings } from './settings';

export interface GenerateDeps {
  readonly engine: TaskEngine;
  readonly store: TaskStore;
  readonly keys: ApiKeys;
  readonly models: ModelCatalog;
  readonly pixaiModels: PixaiModels;
}

/** Runs a submit and turns request problems into messages with the right button. */
export async function submitChecked(engine: TaskEngine, request: TaskRequest, origin: Task['origin'] = 'user', reservation?: string): Promise<Task> {
  return asUserErrors(() => engine.submit(request, origin, reservation));
}

/** Admits a set of requests (a batch) against the spending limits at once; refusals read as the user's errors. */
export async function admitChecked(engine: TaskEngine, requests: readonly TaskRequest[], origin: Task['origin'] = 'user'): Promise<readonly (string | undefined)[]> {
  return asUserErrors(() => engine.admit(requests, origin));
}

async function asUserErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SpendingRefused) {
      throw new UserError(error.message, [{ title: vscode.l10n.t('Open Settings'), command: 'workbench.action.openSettings', args: [error.setting] }]);
    }
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

export function useSync(args: { sync?: boolean }): boolean {
  return args.sync ?? settings.flag('pixapi.synchronous');
}

/** Kept here for the callers that import it with the rest of generating (see settings.defaultProvider). */
export const defaultProvider = (): ProviderId => settings.defaultProvider();

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

const COMMON_ROLES: Readonly<Record<string, ParamRole>> = { size: 'size', n: 'count', quality: 'quality', duration: 'duration' };

/**
 * The common argument names (size, n, quality, duration) under the model's own field names (its spec's field
 * with that role), then `params` as given: the engine checks every field against the model's spec. A model with
 * no such field gets a message rather than a field it would reject or misread.
 */
export function modelParams(model: ModelInfo, common: { size?: string; n?: number; quality?: string; duration?: number }, given?: Readonly<Record<string, ParamValue>>): Record<string, ParamValue> {
  const mapped: Record<string, ParamValue> = {};
  for (const [name, value] of Object.entries(common)) {
    if (value === undefined) continue;
    const field = paramWithRole(model, COMMON_ROLES[name]);
    if (!field) {
      const ratio = name === 'size' ? paramWithRole(model, 'aspectRatio') : undefined;
      const hint = ratio ? vscode.l10n.t(' Use "params": { "{0}": "16:9" } instead.', ratio.name) : '';
      throw new UserError(vscode.l10n.t('{0} {1} does not take "{2}". Fields it takes: {3}.{4}', PROVIDERS[model.provider as ProviderId].label, model.id, name, model.params.map((p) => p.name).join(', '), hint));
    }
    mapped[field.name] = value;
  }
  return withFiles(model, { ...given, ...mapped });
}

/** Fields that name a workspace file (OpenAI's edit `mask`): a path relative to the workspace becomes its URI. */
function withFiles(model: ModelInfo, params: Record<string, ParamValue>): Record<string, ParamValue> {
  const result: Record<string, ParamValue> = {};
  for (const [name, value] of Object.entries(params)) {
    if (value === '') continue;
    const file = model.params.find((p) => p.name === name && p.type === 'file');
    result[name] = file && typeof value === 'string' ? toWorkspaceUri(value).toString() : value;
  }
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
    params: { ...targetSizeParams(target, typedModel(provider, model, 'image')), ...modelParams(typedModel(provider, model, 'image'), { size: args.size, n: args.n, quality: args.quality }, args.params) },
    extra: args.extra,
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
  const spec = typedModel(provider, model, 'image');
  const target = await checkedTarget(args, workspaceFolder);
  const asUrls = takesUrls(spec) ? await urlsForFiles(images, PROVIDERS[provider].label, false) : undefined;
  const request: TaskRequest = {
    provider,
    model,
    operation: 'edit',
    kind: 'image',
    prompt: args.prompt,
    params: { ...targetSizeParams(target, spec), ...modelParams(spec, { size: args.size, n: args.n, quality: args.quality }, args.params) },
    extra: args.extra,
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
  const model = args.model ?? deps.models.defaultModel(provider, 'video');
  const request: TaskRequest = {
    provider,
    model,
    operation: 'video',
    kind: 'video',
    prompt: args.prompt,
    params: modelParams(typedModel(provider, model, 'video'), { duration: args.duration, size: args.size }, args.params),
    extra: args.extra,
    // The input image is a reference URL for every provider; Pixapi's adapter sends it as `input_image`.
    imageUrls: args.inputImage ? [args.inputImage] : undefined,
    workspaceFolder: workspaceFolder.toString(),
    outputFolder: args.outputFolder,
  };
  return [(await submitChecked(deps.engine, request, origin)).id];
}

// ---- step by step ----

/** One quick-input step of these flows as shown (a quick input cannot be read back, so tests answer it here). */
export type FlowStep =
  | { readonly kind: 'pick'; readonly title?: string; readonly placeHolder?: string; readonly items: readonly vscode.QuickPickItem[] }
  | { readonly kind: 'input'; readonly title?: string; readonly prompt?: string };

export interface FlowAnswers {
  /** Answers each step instead of showing it: the picked item's label or the typed text; undefined cancels. */
  answer?: (step: FlowStep) => string | undefined;
}

/** Set only by the integration tests (see host/testHooks.ts). */
export const flowAnswers: FlowAnswers = {};

async function showPick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T | undefined> {
  if (!flowAnswers.answer) return vscode.window.showQuickPick([...items], options);
  const label = flowAnswers.answer({ kind: 'pick', title: options.title, placeHolder: options.placeHolder, items });
  return items.find((item) => item.label === label && item.kind !== vscode.QuickPickItemKind.Separator);
}

async function showInput(options: vscode.InputBoxOptions): Promise<string | undefined> {
  if (!flowAnswers.answer) return vscode.window.showInputBox(options);
  const text = flowAnswers.answer({ kind: 'input', title: options.title, prompt: options.prompt });
  return text !== undefined && !(await options.validateInput?.(text)) ? text : undefined;
}


export async function pickModel(deps: GenerateDeps, provider: ProviderId, kind: 'image' | 'video', edit: boolean, title: string): Promise<ModelInfo | undefined> {
  const spec = providerSpec(provider);
  const models = (await deps.models.list(provider)).filter((m) => m.kind === kind && (!edit || takesImages(m)));
  if (spec.modelIdFrom) {
    // Models named by the user (PixAI: no list endpoint, ids or model page URLs): the remembered ones are offered.
    const id = await deps.pixaiModels.pick(title, models.map((m) => ({ id: m.id, name: m.label ?? m.id })), deps.models.defaultModel(provider, kind, edit));
    return id ? typedModel(provider, id, kind) : undefined;
  }
  const other = { label: vscode.l10n.t('$(edit) Other model id…'), description: vscode.l10n.t('type any model id'), model: undefined };
  const items = [
    ...models.map((m) => ({ label: m.id, description: takesFiles(m) ? 'edits' : takesUrls(m) ? vscode.l10n.t('takes image URLs') : '', model: m as ModelInfo | undefined })),
    other,
  ];
  const picked = await showPick(items, { title, placeHolder: vscode.l10n.t('{0} model', spec.label), ignoreFocusOut: true });
  if (picked !== other) return picked?.model;
  const id = await showInput({ title, prompt: vscode.l10n.t('{0} model id', spec.label), ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Type a model id.')) });
  if (!id) return undefined;
  return typedModel(provider, id.trim(), kind);
}

/** The fields the quick inputs ask for: the model's main (not Advanced) fields that apply to the operation. */
export function quickInputFields(model: ModelInfo, operation: TaskRequest['operation']): ParamSpec[] {
  const fields = model.params.filter((p) => !p.advanced && !p.topLevel && p.type !== 'file' && (!p.operations || p.operations.includes(operation)) && p.inputCase !== 'withImages');
  // The count comes last: its step shows each count's estimate, which depends on the choices before it.
  return [...fields.filter((p) => p.role !== 'count'), ...fields.filter((p) => p.role === 'count')];
}

/** The step names of the parameters the model has, in the order they are asked: the fields' own names. */
function paramStepNames(model: ModelInfo | undefined, operation: TaskRequest['operation']): string[] {
  return model ? quickInputFields(model, operation).map((field) => field.name) : [];
}

/**
 * Asks for each main field the model's spec lists, by the provider's own field names. Undefined: cancelled.
 * When a field's step ends the flow (`endsFlow`), it shows the estimate: per value, or for what is chosen so far.
 */
async function askParams(
  provider: ProviderId, model: ModelInfo, operation: TaskRequest['operation'], titleOf: (step: string) => string, endsFlow: boolean,
): Promise<Record<string, ParamValue> | undefined> {
  const result: Record<string, ParamValue> = {};
  const fields = quickInputFields(model, operation);
  const noteFor = (params: Record<string, ParamValue>) => estimateNote({ provider, model: model.id, kind: model.kind, operation, params });
  for (const [index, field] of fields.entries()) {
    const title = titleOf(field.name);
    const last = endsFlow && index === fields.length - 1;
    const values = field.values?.map(String) ?? (field.type === 'boolean' ? ['true', 'false'] : []);
    const label = field.note ? `${field.name} — ${field.note}` : field.name;
    const withValue = (value: string | undefined) => {
      const read = value === undefined ? undefined : paramFromText(field, value);
      return read && !('error' in read) && read.value !== undefined ? { ...result, [field.name]: read.value } : { ...result };
    };
    let text: string | undefined;
    if (field.role === 'count' && values.length) {
      text = await pickCount(values, (n) => noteFor(withValue(n)), title);
    } else if (values.length) {
      const noteOf = last ? (value: string | undefined) => noteFor(withValue(value)) : undefined;
      text = await pickValue(title, values, label, !field.complete && field.type !== 'boolean', noteOf);
    } else {
      // No documented values (PixAI's style): any text, and an empty answer sends nothing.
      const prompt = vscode.l10n.t('{0} (optional). Leave it empty to send none.', label);
      text = await showInput({ title, prompt: last ? `${prompt} (${noteFor(result)})` : prompt, ignoreFocusOut: true });
    }
    if (text === undefined) return undefined;
    const read = paramFromText(field, text);
    if ('error' in read) throw new UserError(read.error);
    if (read.value !== undefined) result[field.name] = read.value;
  }
  return result;
}

/** The count step: each count with its estimate, as a range where the price depends on what is not fixed. */
async function pickCount(counts: readonly string[], noteOf: (count: string) => string, title: string): Promise<string | undefined> {
  const items = counts.map((n) => ({ label: n, description: noteOf(n) }));
  return (await showPick(items, { title, placeHolder: vscode.l10n.t('How many images?'), ignoreFocusOut: true }))?.label;
}

/** The prompt step; `note` is the estimate, when this step ends the flow (a model without fields to ask). */
async function askPrompt(title: string, placeHolder: string, note?: string): Promise<string | undefined> {
  const prompt = vscode.l10n.t('Describe what you want. (The Media Studio panel has a multi-line editor.)');
  return showInput({
    title,
    prompt: note ? `${prompt} (${note})` : prompt,
    placeHolder,
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() ? undefined : vscode.l10n.t('The prompt is empty.')),
  });
}

/** The heading of a group of values of one form (core/valueForms), saying what that form means. */
function formHeading(form: ValueForm): string {
  switch (form) {
    case 'pixels': return vscode.l10n.t('Pixels — exact width × height');
    case 'resolution': return vscode.l10n.t('Resolution — the model picks the pixels at this scale');
    case 'aspectRatio': return vscode.l10n.t('Aspect ratio — the shape; the model picks the pixels');
    case 'other': return vscode.l10n.t('Other');
  }
}

/**
 * A value from a list; the first item sends nothing (the provider's or the model rule's default). '' means that.
 * With `noteOf` (the flow's last step), each item shows the estimate with that value (undefined: the default).
 */
async function pickValue(
  title: string, values: readonly string[], placeHolder: string, allowCustom: boolean, noteOf?: (value: string | undefined) => string,
): Promise<string | undefined> {
  const none = vscode.l10n.t('Default');
  const groups = groupByForm(values);
  const item = (v: string): vscode.QuickPickItem => (noteOf ? { label: v, description: noteOf(v) } : { label: v });
  const sendNothing = vscode.l10n.t('send nothing: the provider decides');
  // A list of one form needs no headings; a mixed one (pixels with "2K", or "16:9") is grouped by form.
  const items: vscode.QuickPickItem[] = [
    { label: none, description: noteOf ? `${sendNothing} · ${noteOf(undefined)}` : sendNothing },
    ...(groups.length > 1
      ? groups.flatMap((g) => [{ label: formHeading(g.form), kind: vscode.QuickPickItemKind.Separator }, ...g.values.map(item)])
      : values.map(item)),
  ];
  const other = vscode.l10n.t('Other…');
  if (allowCustom) items.push({ label: other, description: vscode.l10n.t('type a value') });
  const picked = await showPick(items, { title, placeHolder, ignoreFocusOut: true });
  if (picked === undefined) return undefined;
  if (picked.label === none) return '';
  if (picked.label !== other) return picked.label;
  return showInput({ title, prompt: placeHolder, ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Type a value.')) });
}

/** The providers with a key that can do this; throws when there is none. */
export async function providersWithKeys(deps: GenerateDeps, kind: 'image' | 'video', edit: boolean): Promise<ProviderId[]> {
  const withKeys: ProviderId[] = [];
  for (const id of deps.models.providersFor(kind, edit)) if (await deps.keys.has(id)) withKeys.push(id);
  if (withKeys.length === 0) {
    throw new UserError(vscode.l10n.t('No API key is set yet. Set one to start generating.'), [{ title: vscode.l10n.t('Set API Key'), command: 'mediaStudio.setApiKey' }]);
  }
  return withKeys;
}

/** What a flow knows so far; its step counter reads it each time it titles a step. */
interface FlowState {
  readonly providers: readonly ProviderId[];
  provider?: ProviderId;
  model?: ModelInfo;
  /** Video: an input image was given already, so the flow does not ask for one. */
  readonly inputImageGiven?: boolean;
}

/**
 * "Title (k/n)" for a step, counted from the steps this flow really shows (core/steps): until the provider and
 * model are picked, the default provider and model stand in for them, so the first steps' totals are the
 * likeliest and every later step's is exact.
 */
function stepCounter(deps: GenerateDeps, title: string, kind: 'image' | 'video', edit: boolean, state: FlowState): (step: string) => string {
  return (step) => {
    const preferred = defaultProvider();
    const provider = state.provider ?? (state.providers.includes(preferred) ? preferred : state.providers[0]);
    const model = state.model ?? typedModel(provider, deps.models.defaultModel(provider, kind, edit), kind);
    const steps = flowSteps({
      asksProvider: state.providers.length > 1,
      paramSteps: paramStepNames(model, kind === 'video' ? 'video' : edit ? 'edit' : 'generate'),
      asksInputImage: kind === 'video' && !state.inputImageGiven && Boolean(model && takesUrls(model)),
    });
    return stepTitle(title, steps, step);
  };
}

export async function chooseProvider(providers: readonly ProviderId[], title: () => string): Promise<ProviderId | undefined> {
  const preferred = defaultProvider();
  if (providers.length === 1) return providers[0];
  const items = providers.map((id) => ({ label: PROVIDERS[id].label, description: id === preferred ? 'default' : '', id }));
  items.sort((a, b) => Number(b.id === preferred) - Number(a.id === preferred));
  return (await showPick(items, { title: title(), placeHolder: vscode.l10n.t('Which provider?'), ignoreFocusOut: true }))?.id;
}

async function imageSteps(deps: GenerateDeps, title: string, edit: boolean): Promise<{ request: Omit<TaskRequest, 'workspaceFolder' | 'operation'>; model: ModelInfo } | undefined> {
  const state: FlowState = { providers: await providersWithKeys(deps, 'image', edit) };
  const titleOf = stepCounter(deps, title, 'image', edit, state);
  const provider = state.provider = await chooseProvider(state.providers, () => titleOf(PROVIDER_STEP));
  if (!provider) return undefined;
  const model = state.model = await pickModel(deps, provider, 'image', edit, titleOf(MODEL_STEP));
  if (!model) return undefined;
  const operation = edit ? 'edit' : 'generate';
  // The last step shows the estimate: the prompt's when the model has no fields to ask, else the last field's.
  const promptNote = quickInputFields(model, operation).length
    ? undefined
    : estimateNote({ provider, model: model.id, kind: 'image', operation, params: {} });
  const example = edit ? vscode.l10n.t('Place the product on a warm studio background') : vscode.l10n.t('A cinematic product photo of a ceramic coffee cup');
  const prompt = await askPrompt(titleOf(PROMPT_STEP), example, promptNote);
  if (!prompt) return undefined;
  const chosen = await askParams(provider, model, operation, titleOf, true);
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
  const references = takesUrls(steps.model)
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
  const state: FlowState = { providers: await providersWithKeys(deps, 'video', false), inputImageGiven: inputImage !== undefined };
  const titleOf = stepCounter(deps, title, 'video', false, state);
  const provider = state.provider = await chooseProvider(state.providers, () => titleOf(PROVIDER_STEP));
  if (!provider) return [];
  const model = state.model = await pickModel(deps, provider, 'video', false, titleOf(MODEL_STEP));
  if (!model) return [];
  const asksInputImage = inputImage === undefined && takesUrls(model);
  const lastIsPrompt = !asksInputImage && !quickInputFields(model, 'video').length;
  const promptNote = lastIsPrompt ? estimateNote({ provider, model: model.id, kind: 'video', operation: 'video', params: {} }) : undefined;
  const prompt = await askPrompt(titleOf(PROMPT_STEP), vscode.l10n.t('A cinematic reveal of a smart speaker'), promptNote);
  if (!prompt) return [];
  const chosen = await askParams(provider, model, 'video', titleOf, !asksInputImage);
  if (!chosen) return [];
  if (asksInputImage) {
    // The last step: the estimate for what is chosen, on the pick and on the URL box after it.
    const note = estimateNote({ provider, model: model.id, kind: 'video', operation: 'video', params: chosen });
    const none = { label: vscode.l10n.t('No input image'), description: vscode.l10n.t('text-to-video'), url: '' };
    const typed = { label: vscode.l10n.t('Enter an image URL…'), description: vscode.l10n.t('a public http(s) URL'), url: '' };
    const picked = await showPick([none, ...recentImageUrls(deps.store, Date.now()), typed], {
      title: titleOf(INPUT_IMAGE_STEP),
      placeHolder: `${vscode.l10n.t('Animate an image? The provider needs a URL it can fetch, not a file.')} (${note})`,
      ignoreFocusOut: true,
    });
    if (!picked) return [];
    if (picked === typed) {
      inputImage = await showInput({
        title: titleOf(INPUT_IMAGE_STEP), prompt: `${vscode.l10n.t('Public URL of the input image')} (${note})`,
        placeHolder: 'https://…', ignoreFocusOut: true,
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
    params: chosen,
    // A reference URL for every provider; each adapter sends it under its own name (image_urls, input_image).
    imageUrls: url ? [url] : undefined,
    workspaceFolder: workspaceFolder.toString(),
  };
  return [(await submitChecked(deps.engine, request)).id];
}
