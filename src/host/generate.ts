/** Generate Image, Edit Image and Generate Video: from an argument object without asking, or through quick inputs. */
import * as vscode from 'vscode';
import { ArgsProblem, parseEditArgs, parseImageArgs, parseVideoArgs } from '../core/commandArgs';
import { type ModelInfo, paramWithRole, takesFiles, takesImages, takesUrls, typedModel } from '../core/catalog';
import { chooseFolder } from '../core/folderChoice';
import { RequestProblem, type TaskEngine } from '../core/engine';
import { usableAsReference } from '../core/files/sidecar';
import { PROVIDERS, type ProviderId } from '../core/providers';
import { groupByForm, type ValueForm } from '../core/valueForms';
import { flowSteps, INPUT_IMAGE_STEP, MODEL_STEP, PROMPT_STEP, PROVIDER_STEP, stepTitle } from '../core/steps';
import { BACK, type Back, type FlowStep, runFlow } from '../core/stepFlow';
import { providerSpec } from '../core/spec/registry';
import type { ParamRole, ParamSpec } from '../core/spec/types';
import type { TaskStore } from '../core/store';
import type { ParamValue, Task, TaskRequest } from '../core/task';
import { UserError } from './commands';
import { checkInputImage, IMAGE_EXTENSIONS } from './images';
import { inputStep, pickStep } from './quickInputs';
import type { ApiKeys } from './keys';
import type { ModelCatalog } from './models';
import type { PixaiModels } from './pixaiModels';
import { urlsForFiles } from './urlInputs';
import { admitChecked, submitChecked } from './submit';
import { estimateNote, estimateSpend } from '../core/spending/estimate';
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

// Kept here too for the callers that import them with the rest of generating.
export { admitChecked, submitChecked };

function argsError(error: unknown): never {
  if (error instanceof ArgsProblem || error instanceof RequestProblem) throw new UserError(error.message);
  throw error;
}

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

/** For callers that import it with the rest of generating. */
export const defaultProvider = (): ProviderId => settings.defaultProvider();

export async function pickWorkspaceFolder(hint: { near?: vscode.Uri; name?: string; ask: boolean }): Promise<vscode.Uri> {
  const folders = (vscode.workspace.workspaceFolders ?? []).map((folder) => ({ name: folder.name, uri: folder.uri.toString(), folder }));
  const owner = hint.near ? vscode.workspace.getWorkspaceFolder(hint.near) : undefined;
  const choice = chooseFolder(folders, {
    name: hint.name,
    nearOwner: owner && folders.find((f) => f.uri === owner.uri.toString()),
    ask: hint.ask,
  });
  switch (choice.kind) {
    case 'noFolder': throw new UserError(vscode.l10n.t('Open a folder first: Media Studio saves results into the workspace.'));
    case 'unknownName': throw new UserError(vscode.l10n.t('No workspace folder named "{0}".', choice.name));
    case 'use': return choice.folder.folder.uri;
    case 'ask': {
      const picked = await vscode.window.showWorkspaceFolderPick({
        placeHolder: vscode.l10n.t('Save the results into which folder?'),
        ignoreFocusOut: true,
      });
      if (!picked) throw new vscode.CancellationError();
      return picked.uri;
    }
  }
}

function outsideWorkspace(shown: string): string {
  return vscode.l10n.t(
    '"{0}" points outside the workspace folder. Only images inside the workspace can be edited: give a path relative to the workspace folder, such as "images/product.png".',
    shown,
  );
}

/**
 * Uris, URI strings, or paths relative to a workspace folder. Only workspace files: an argument object, or the chat
 * agent, cannot upload a file the user never put in the workspace.
 */
export function toWorkspaceUri(value: unknown): vscode.Uri {
  let uri: vscode.Uri;
  if (value instanceof vscode.Uri) uri = value;
  else if (value && typeof value === 'object' && 'scheme' in value && 'path' in value) uri = vscode.Uri.from(value as vscode.Uri);
  else if (typeof value !== 'string' || !value.trim())
    throw new UserError(vscode.l10n.t('Each image must be a workspace file (a URI or a path relative to the workspace folder).'));
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
    throw new UserError(
      vscode.l10n.t(
        '"{0}" is not in the workspace. Only images inside the workspace can be edited: copy the image into the workspace folder first, then give its path relative to the workspace folder.',
        shown,
      ),
    );
  }
  return uri;
}

const COMMON_ROLES: Readonly<Record<string, ParamRole>> = { size: 'size', n: 'count', quality: 'quality', duration: 'duration' };

/**
 * size, n, quality, duration under the model's own field names (by role), then `params` as given. A model with no such
 * field gets a message rather than a field it would reject or misread.
 */
export function modelParams(
  model: ModelInfo,
  common: { size?: string; n?: number; quality?: string; duration?: number },
  given?: Readonly<Record<string, ParamValue>>,
): Record<string, ParamValue> {
  const mapped: Record<string, ParamValue> = {};
  for (const [name, value] of Object.entries(common)) {
    if (value === undefined) continue;
    const field = paramWithRole(model, COMMON_ROLES[name]);
    if (!field) {
      const ratio = name === 'size' ? paramWithRole(model, 'aspectRatio') : undefined;
      const hint = ratio ? vscode.l10n.t(' Use "params": { "{0}": "16:9" } instead.', ratio.name) : '';
      throw new UserError(
        vscode.l10n.t(
          '{0} {1} does not take "{2}". Fields it takes: {3}.{4}',
          PROVIDERS[model.provider as ProviderId].label,
          model.id,
          name,
          model.params.map((p) => p.name).join(', '),
          hint,
        ),
      );
    }
    mapped[field.name] = value;
  }
  return withFiles(model, { ...given, ...mapped });
}

/** OpenAI's edit `mask`: a path relative to the workspace becomes its URI. */
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
    params: {
      ...targetSizeParams(target, typedModel(provider, model, 'image')),
      ...modelParams(typedModel(provider, model, 'image'), { size: args.size, n: args.n, quality: args.quality }, args.params),
    },
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

export async function pickModel(
  deps: GenerateDeps,
  provider: ProviderId,
  kind: 'image' | 'video',
  edit: boolean,
  title: string,
): Promise<ModelInfo | undefined> {
  const spec = providerSpec(provider);
  const models = (await deps.models.list(provider)).filter((m) => m.kind === kind && (!edit || takesImages(m)));
  if (spec.modelIdFrom) {
    // Models named by the user (PixAI: no list endpoint, ids or model page URLs): the remembered ones are offered.
    const id = await deps.pixaiModels.pick(
      title,
      models.map((m) => ({ id: m.id, name: m.label ?? m.id })),
      deps.models.defaultModel(provider, kind, edit),
    );
    return id ? typedModel(provider, id, kind) : undefined;
  }
  const other = { label: vscode.l10n.t('$(edit) Other model id…'), description: vscode.l10n.t('type any model id'), model: undefined };
  const items = [
    ...models.map((m) => ({
      label: m.id,
      description: takesFiles(m) ? 'edits' : takesUrls(m) ? vscode.l10n.t('takes image URLs') : '',
      model: m as ModelInfo | undefined,
    })),
    other,
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title,
    placeHolder: vscode.l10n.t('{0} model', spec.label),
    ignoreFocusOut: true,
  });
  if (picked !== other) return picked?.model;
  const id = await vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t('{0} model id', spec.label),
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Type a model id.')),
  });
  if (!id) return undefined;
  return typedModel(provider, id.trim(), kind);
}

/** The model's main (not Advanced) fields that apply to the operation. */
export function quickInputFields(model: ModelInfo, operation: TaskRequest['operation']): ParamSpec[] {
  const fields = model.params.filter(
    (p) =>
      !p.advanced &&
      !p.topLevel &&
      p.type !== 'file' &&
      (!p.operations || p.operations.includes(operation)) &&
      p.inputCase !== 'withImages',
  );
  // The count comes last: its step shows each count's estimate, which depends on the choices before it.
  return [...fields.filter((p) => p.role !== 'count'), ...fields.filter((p) => p.role === 'count')];
}

/** In the order asked. */
function paramStepNames(model: ModelInfo | undefined, operation: TaskRequest['operation']): string[] {
  return model ? quickInputFields(model, operation).map((field) => field.name) : [];
}

/** The answers of a Generate Image / Edit Image / Generate Video flow so far (core/stepFlow keeps them across Back). */
interface FlowAnswers {
  readonly provider?: ProviderId;
  readonly model?: ModelInfo;
  readonly prompt?: string;
  /** Each parameter step's answer as picked or typed ('' = Default), by field name. */
  readonly texts: Readonly<Record<string, string>>;
  /** Video: the input image URL ('' = none). */
  readonly inputImage?: string;
}

/** The parameters the answers give, typed by the model's spec. */
function paramsOf(
  model: ModelInfo,
  operation: TaskRequest['operation'],
  texts: Readonly<Record<string, string>>,
): Record<string, ParamValue> {
  const result: Record<string, ParamValue> = {};
  for (const field of quickInputFields(model, operation)) {
    const text = texts[field.name];
    if (text === undefined) continue;
    const read = paramFromText(field, text);
    if ('error' in read) throw new UserError(read.error);
    if (read.value !== undefined) result[field.name] = read.value;
  }
  return result;
}

/** The estimate of what the answers ask for, with `texts` changed as given ("estimate $0.14 for 1 image(s)"). */
function noteOf(model: ModelInfo, operation: TaskRequest['operation'], texts: Readonly<Record<string, string>>): string {
  let params: Record<string, ParamValue>;
  try {
    params = paramsOf(model, operation, texts);
  } catch {
    params = paramsOf(model, operation, {}); // a value typed under "Other…" that does not read: the defaults'
  }
  return estimateNote({ provider: model.provider as ProviderId, model: model.id, kind: model.kind, operation, params });
}

/**
 * One step per main field the model's spec lists, by the provider's own field names. The flow's last step
 * (`endsFlow`) shows the estimate: per value, or, for a free value, of what is chosen so far.
 */
function paramSteps(
  model: ModelInfo,
  operation: TaskRequest['operation'],
  titleOf: (step: string, answers: FlowAnswers) => string,
  endsFlow: (answers: FlowAnswers) => boolean,
): FlowStep<FlowAnswers>[] {
  const fields = quickInputFields(model, operation);
  return fields.map((field, index): FlowStep<FlowAnswers> => ({
    name: field.name,
    run: async (answers, back) => {
      const title = titleOf(field.name, answers);
      const values = field.values?.map(String) ?? (field.type === 'boolean' ? ['true', 'false'] : []);
      const label = field.note ? `${field.name} — ${field.note}` : field.name;
      const earlier = answers.texts[field.name];
      const last = index === fields.length - 1 && endsFlow(answers);
      const withValue = (value: string) => noteOf(model, operation, { ...answers.texts, [field.name]: value });
      let text: string | Back | undefined;
      if (field.role === 'count' && values.length) {
        text = await pickCount(model, operation, paramsOf(model, operation, answers.texts), field, values, title, back, earlier);
      } else if (values.length) {
        text = await pickValue(
          title,
          values,
          label,
          !field.complete && field.type !== 'boolean',
          back,
          earlier,
          last ? withValue : undefined,
        );
      } else {
        // No documented values (PixAI's style): any text, and an empty answer sends nothing.
        const prompt = vscode.l10n.t('{0} (optional). Leave it empty to send none.', label);
        text = await inputStep({
          title,
          prompt: last ? `${prompt} (${noteOf(model, operation, answers.texts)})` : prompt,
          value: earlier,
          back,
        });
      }
      if (text === undefined || text === BACK) return text;
      const read = paramFromText(field, text);
      if ('error' in read) throw new UserError(read.error);
      return { ...answers, texts: { ...answers.texts, [field.name]: text } };
    },
  }));
}

/** The count step: each count with its estimate, as a range where the price depends on what is not fixed. */
async function pickCount(
  model: ModelInfo,
  operation: TaskRequest['operation'],
  chosen: Record<string, ParamValue>,
  field: ParamSpec,
  counts: readonly string[],
  title: string,
  back: boolean,
  earlier?: string,
): Promise<string | Back | undefined> {
  const items = counts.map((n) => {
    const lookup = estimateSpend({
      provider: model.provider as ProviderId,
      model: model.id,
      kind: model.kind,
      operation,
      params: { ...chosen, [field.name]: Number(n) },
    });
    return {
      label: n,
      description: lookup.kind === 'priced' ? vscode.l10n.t('estimate {0}', lookup.estimate.text) : vscode.l10n.t('price not documented'),
    };
  });
  const picked = await pickStep({
    title,
    placeHolder: vscode.l10n.t('How many images?'),
    items,
    active: items.find((i) => i.label === earlier),
    back,
  });
  return picked === undefined || picked === BACK ? picked : picked.label;
}

/** Saying what that form means (core/valueForms). */
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
 * "Other…" opens a box for any value, whose Back returns to the list. With `noteOf` (the flow's last step), each
 * item shows the estimate with that value.
 */
async function pickValue(
  title: string,
  values: readonly string[],
  placeHolder: string,
  allowCustom: boolean,
  back: boolean,
  earlier?: string,
  noteOf?: (value: string) => string,
): Promise<string | Back | undefined> {
  const none = vscode.l10n.t('Default');
  const groups = groupByForm(values);
  const item = (v: string): vscode.QuickPickItem => (noteOf ? { label: v, description: noteOf(v) } : { label: v });
  const sendNothing = vscode.l10n.t('send nothing: the provider decides');
  // A list of one form needs no headings; a mixed one (pixels with "2K", or "16:9") is grouped by form.
  const items: vscode.QuickPickItem[] = [
    { label: none, description: noteOf ? `${sendNothing} · ${noteOf('')}` : sendNothing },
    ...(groups.length > 1
      ? groups.flatMap((g) => [{ label: formHeading(g.form), kind: vscode.QuickPickItemKind.Separator }, ...g.values.map(item)])
      : values.map(item)),
  ];
  const other = { label: vscode.l10n.t('Other…'), description: vscode.l10n.t('type a value') };
  if (allowCustom) items.push(other);
  const typedEarlier = earlier !== undefined && earlier !== '' && !values.includes(earlier);
  const active =
    earlier === ''
      ? items[0]
      : typedEarlier && allowCustom
        ? other
        : items.find((i) => i.kind !== vscode.QuickPickItemKind.Separator && i.label === earlier);
  for (;;) {
    const picked = await pickStep({ title, placeHolder, items, active, back });
    if (picked === undefined || picked === BACK) return picked;
    if (picked.label === none) return '';
    if (picked !== other) return picked.label;
    const typed = await inputStep({
      title,
      prompt: placeHolder,
      value: typedEarlier ? earlier : undefined,
      back: true,
      validate: (v) => (v.trim() ? undefined : vscode.l10n.t('Type a value.')),
    });
    if (typed !== BACK) return typed;
  }
}

/** Throws when there is none. */
export async function providersWithKeys(deps: GenerateDeps, kind: 'image' | 'video', edit: boolean): Promise<ProviderId[]> {
  const withKeys: ProviderId[] = [];
  for (const id of deps.models.providersFor(kind, edit)) if (await deps.keys.has(id)) withKeys.push(id);
  if (withKeys.length === 0) {
    throw new UserError(vscode.l10n.t('No API key is set yet. Set one to start generating.'), [
      { title: vscode.l10n.t('Set API Key'), command: 'mediaStudio.setApiKey' },
    ]);
  }
  return withKeys;
}

/** What a flow is for; its step counter and its steps read it. */
interface FlowKind {
  readonly title: string;
  readonly kind: 'image' | 'video';
  readonly edit: boolean;
  readonly providers: readonly ProviderId[];
  /** Video: an input image was given already, so the flow does not ask for one. */
  readonly inputImageGiven?: boolean;
}

function operationOf(flow: FlowKind): TaskRequest['operation'] {
  return flow.kind === 'video' ? 'video' : flow.edit ? 'edit' : 'generate';
}

function preferredProvider(providers: readonly ProviderId[]): ProviderId {
  const preferred = defaultProvider();
  return providers.includes(preferred) ? preferred : providers[0];
}

/**
 * "Title (k/n)" from the steps this flow really shows: until picked, the default provider and model stand in, so the
 * first totals are the likeliest and every later one exact.
 */
function stepCounter(deps: GenerateDeps, flow: FlowKind): (step: string, answers: FlowAnswers) => string {
  return (step, answers) => {
    const provider = answers.provider ?? preferredProvider(flow.providers);
    const model = answers.model ?? typedModel(provider, deps.models.defaultModel(provider, flow.kind, flow.edit), flow.kind);
    const steps = flowSteps({
      asksProvider: flow.providers.length > 1,
      paramSteps: paramStepNames(model, operationOf(flow)),
      asksInputImage: flow.kind === 'video' && !flow.inputImageGiven && Boolean(model && takesUrls(model)),
    });
    return stepTitle(flow.title, steps, step);
  };
}

export async function chooseProvider(providers: readonly ProviderId[], title: () => string): Promise<ProviderId | undefined> {
  if (providers.length === 1) return providers[0];
  const picked = await providerStep(providers, title(), false);
  return picked === BACK ? undefined : picked;
}

async function providerStep(
  providers: readonly ProviderId[],
  title: string,
  back: boolean,
  earlier?: ProviderId,
): Promise<ProviderId | Back | undefined> {
  const preferred = defaultProvider();
  const items = providers.map((id) => ({ label: PROVIDERS[id].label, description: id === preferred ? 'default' : '', id }));
  items.sort((a, b) => Number(b.id === preferred) - Number(a.id === preferred));
  const picked = await pickStep({
    title,
    placeHolder: vscode.l10n.t('Which provider?'),
    items,
    active: items.find((i) => i.id === earlier),
    back,
  });
  return picked === undefined || picked === BACK ? picked : picked.id;
}

/** The model step of a flow: the provider's models, "Other model id…" (a box whose Back returns to the list). */
async function modelStep(
  deps: GenerateDeps,
  provider: ProviderId,
  flow: FlowKind,
  title: string,
  back: boolean,
  earlier?: ModelInfo,
): Promise<ModelInfo | Back | undefined> {
  const { kind, edit } = flow;
  const spec = providerSpec(provider);
  const models = (await deps.models.list(provider)).filter((m) => m.kind === kind && (!edit || takesImages(m)));
  if (spec.modelIdFrom) {
    // Models named by the user (PixAI: no list endpoint, ids or model page URLs): the remembered ones are offered.
    const id = await deps.pixaiModels.pickStep(
      title,
      models.map((m) => ({ id: m.id, name: m.label ?? m.id })),
      earlier?.id ?? deps.models.defaultModel(provider, kind, edit),
      back,
    );
    return id === undefined || id === BACK ? id : typedModel(provider, id, kind);
  }
  const other = { label: vscode.l10n.t('$(edit) Other model id…'), description: vscode.l10n.t('type any model id'), model: undefined };
  const items = [
    ...models.map((m) => ({
      label: m.id,
      description: takesFiles(m) ? 'edits' : takesUrls(m) ? vscode.l10n.t('takes image URLs') : '',
      model: m as ModelInfo | undefined,
    })),
    other,
  ];
  const typedEarlier = earlier && !models.some((m) => m.id === earlier.id) ? earlier.id : undefined;
  const active = typedEarlier ? other : items.find((i) => i.model && i.model.id === earlier?.id);
  for (;;) {
    const picked = await pickStep({ title, placeHolder: vscode.l10n.t('{0} model', spec.label), items, active, back });
    if (picked === undefined || picked === BACK) return picked;
    if (picked !== other) return picked.model;
    const id = await inputStep({
      title,
      prompt: vscode.l10n.t('{0} model id', spec.label),
      value: typedEarlier,
      back: true,
      validate: (v) => (v.trim() ? undefined : vscode.l10n.t('Type a model id.')),
    });
    if (id === undefined) return undefined;
    if (id !== BACK) return typedModel(provider, id.trim(), kind);
  }
}

/** Provider, model, prompt and the model's main fields: the steps every flow starts with. */
/** `stepsAfter`: whether the flow asks more after these steps (a video's input image); else its last step shows the estimate. */
function commonSteps(
  deps: GenerateDeps, flow: FlowKind, promptPlaceHolder: string, stepsAfter: (answers: FlowAnswers) => boolean = () => false,
): (answers: FlowAnswers) => FlowStep<FlowAnswers>[] {
  const titleOf = stepCounter(deps, flow);
  const endsFlow = (answers: FlowAnswers) => !stepsAfter(answers);
  return (answers) => [
    {
      name: PROVIDER_STEP,
      shown: () => flow.providers.length > 1,
      run: async (current, back) => {
        const provider = await providerStep(flow.providers, titleOf(PROVIDER_STEP, current), back, current.provider);
        if (provider === undefined || provider === BACK) return provider;
        // Another provider's model does not carry over; the texts of same-named fields do.
        return { ...current, provider, model: provider === current.provider ? current.model : undefined };
      },
    },
    {
      name: MODEL_STEP,
      run: async (current, back) => {
        const provider = current.provider ?? flow.providers[0];
        const model = await modelStep(deps, provider, flow, titleOf(MODEL_STEP, current), back, current.model);
        return model === undefined || model === BACK ? model : { ...current, provider, model };
      },
    },
    {
      name: PROMPT_STEP,
      run: async (current, back) => {
        const describe = vscode.l10n.t('Describe what you want. (The Media Studio panel has a multi-line editor.)');
        const model = current.model;
        const last = model !== undefined && quickInputFields(model, operationOf(flow)).length === 0 && endsFlow(current);
        const prompt = await inputStep({
          title: titleOf(PROMPT_STEP, current),
          prompt: last ? `${describe} (${noteOf(model, operationOf(flow), current.texts)})` : describe,
          placeHolder: promptPlaceHolder,
          value: current.prompt,
          back,
          validate: (value) => (value.trim() ? undefined : vscode.l10n.t('The prompt is empty.')),
        });
        return prompt === undefined || prompt === BACK ? prompt : { ...current, prompt };
      },
    },
    ...(answers.model ? paramSteps(answers.model, operationOf(flow), titleOf, endsFlow) : []),
  ];
}

async function imageSteps(
  deps: GenerateDeps,
  title: string,
  edit: boolean,
): Promise<{ request: Omit<TaskRequest, 'workspaceFolder' | 'operation'>; model: ModelInfo } | undefined> {
  const flow: FlowKind = { title, kind: 'image', edit, providers: await providersWithKeys(deps, 'image', edit) };
  const placeHolder = edit
    ? vscode.l10n.t('Place the product on a warm studio background')
    : vscode.l10n.t('A cinematic product photo of a ceramic coffee cup');
  const answers = await runFlow<FlowAnswers>(commonSteps(deps, flow, placeHolder), {
    provider: flow.providers.length === 1 ? flow.providers[0] : undefined,
    texts: {},
  });
  if (!answers?.provider || !answers.model || !answers.prompt) return undefined;
  return {
    model: answers.model,
    request: {
      provider: answers.provider,
      model: answers.model.id,
      kind: 'image',
      prompt: answers.prompt,
      params: paramsOf(answers.model, operationOf(flow), answers.texts),
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
  const steps = await imageSteps(
    deps,
    images.length === 1
      ? vscode.l10n.t('Edit {0}', vscode.workspace.asRelativePath(images[0]))
      : vscode.l10n.t('Edit {0} images', images.length),
    true,
  );
  if (!steps) return [];
  const workspaceFolder = await pickWorkspaceFolder({ near: images[0], ask: true });
  const references = takesUrls(steps.model)
    ? { imageUrls: await urlsForFiles(images, PROVIDERS[steps.request.provider].label, true) }
    : { images: images.map((i) => i.toString()) };
  return [
    (await submitChecked(deps.engine, { ...steps.request, ...references, operation: 'edit', workspaceFolder: workspaceFolder.toString() }))
      .id,
  ];
}

/** Still usable as a video's input image (see usableAsReference). */
function recentImageUrls(store: TaskStore, now: number): { label: string; description: string; url: string }[] {
  return store
    .list()
    .filter((t) => t.state === 'succeeded' && t.request.kind === 'image')
    .flatMap((t) =>
      (t.results ?? [])
        .filter(
          (r) =>
            r.url && usableAsReference({ url: r.url, provider: t.request.provider, expiresAt: r.expiresAt, completedAt: t.endedAt }, now),
        )
        .map((r) => ({
          label: `$(file-media) ${t.request.prompt.slice(0, 50)}`,
          description: r.file ? vscode.workspace.asRelativePath(vscode.Uri.parse(r.file)) : t.request.model,
          url: r.url as string,
        })),
    )
    .slice(0, 20);
}

export async function generateVideoInteractive(deps: GenerateDeps, inputImage?: string): Promise<string[]> {
  const flow: FlowKind = {
    title: vscode.l10n.t('Generate Video'),
    kind: 'video',
    edit: false,
    providers: await providersWithKeys(deps, 'video', false),
    inputImageGiven: inputImage !== undefined,
  };
  const titleOf = stepCounter(deps, flow);
  const asksInputImage = (answers: FlowAnswers) => inputImage === undefined && !!answers.model && takesUrls(answers.model);
  const common = commonSteps(deps, flow, vscode.l10n.t('A cinematic reveal of a smart speaker'), asksInputImage);
  const inputImageStep: FlowStep<FlowAnswers> = {
    name: INPUT_IMAGE_STEP,
    shown: asksInputImage,
    run: async (current, back) => {
      const title = titleOf(INPUT_IMAGE_STEP, current);
      // The last step: the estimate of what is chosen, on the pick and on the URL box after it.
      const note = current.model ? ` (${noteOf(current.model, 'video', current.texts)})` : '';
      const none = { label: vscode.l10n.t('No input image'), description: vscode.l10n.t('text-to-video'), url: '' };
      const typed = { label: vscode.l10n.t('Enter an image URL…'), description: vscode.l10n.t('a public http(s) URL'), url: '' };
      const items = [none, ...recentImageUrls(deps.store, Date.now()), typed];
      const earlier = current.inputImage;
      const typedEarlier = earlier && !items.some((i) => i.url === earlier) ? earlier : undefined;
      const active = earlier === '' ? none : typedEarlier ? typed : items.find((i) => i.url && i.url === earlier);
      for (;;) {
        const placeHolder = `${vscode.l10n.t('Animate an image? The provider needs a URL it can fetch, not a file.')}${note}`;
        const picked = await pickStep({ title, placeHolder, items, active, back });
        if (picked === undefined || picked === BACK) return picked;
        if (picked !== typed) return { ...current, inputImage: picked.url };
        const url = await inputStep({
          title,
          prompt: `${vscode.l10n.t('Public URL of the input image')}${note}`,
          placeHolder: 'https://…',
          value: typedEarlier,
          back: true,
          validate: (v) => (/^https?:\/\/\S+$/.test(v.trim()) ? undefined : vscode.l10n.t('Enter an http(s) URL.')),
        });
        if (url === undefined) return undefined;
        if (url !== BACK) return { ...current, inputImage: url };
      }
    },
  };
  const answers = await runFlow<FlowAnswers>((current) => [...common(current), inputImageStep], {
    provider: flow.providers.length === 1 ? flow.providers[0] : undefined,
    texts: {},
  });
  if (!answers?.provider || !answers.model || !answers.prompt) return [];
  const workspaceFolder = await pickWorkspaceFolder({ ask: true });
  const url = (inputImage ?? answers.inputImage)?.trim();
  const request: TaskRequest = {
    provider: answers.provider,
    model: answers.model.id,
    operation: 'video',
    kind: 'video',
    prompt: answers.prompt,
    params: paramsOf(answers.model, 'video', answers.texts),
    // A reference URL for every provider; each adapter sends it under its own name (image_urls, input_image).
    imageUrls: url ? [url] : undefined,
    workspaceFolder: workspaceFolder.toString(),
  };
  return [(await submitChecked(deps.engine, request)).id];
}
