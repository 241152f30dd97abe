/** Chat tools: the agent submits through the commands' engine, after a confirmation naming provider, model and cost. */
import * as vscode from 'vscode';
import { paramWithRole, typedModel } from '../core/catalog';
import { isProviderId, PROVIDER_IDS, PROVIDERS, type ProviderId } from '../core/providers';
import type { MediaKind, ParamValue, Task } from '../core/task';
import { quoteProviderText } from '../core/markup';
import { estimateSpend, formatUSD } from '../core/spending/estimate';
import { LIMIT_SETTINGS } from '../core/spending/model';
import { UserError } from './commands';
import * as generate from './generate';
import type { Spending } from './spending/spending';

export interface ToolDeps extends generate.GenerateDeps {
  readonly spending?: Pick<Spending, 'limits' | 'today'>;
}

export interface ImageToolInput {
  readonly prompt: string;
  readonly provider?: string;
  readonly model?: string;
  readonly size?: string;
  readonly aspectRatio?: string;
  readonly count?: number;
  readonly quality?: string;
  /** PixAI's free `style` value. */
  readonly style?: string;
  /** By the provider's names, checked against the model's spec. */
  readonly params?: Readonly<Record<string, ParamValue>>;
  /** Undocumented fields, sent as given. */
  readonly extra?: Readonly<Record<string, ParamValue>>;
  readonly outputFolder?: string;
  /** Passed through unchanged and checked there. */
  readonly targetPath?: string;
  readonly width?: number;
  readonly height?: number;
  readonly fit?: string;
  readonly background?: string;
  readonly format?: string;
  readonly preset?: string;
}

export interface EditToolInput extends ImageToolInput {
  readonly images: readonly string[];
}

export interface VideoToolInput {
  readonly prompt: string;
  readonly provider?: string;
  readonly model?: string;
  readonly size?: string;
  readonly aspectRatio?: string;
  readonly duration?: number;
  readonly inputImageUrl?: string;
  readonly params?: Readonly<Record<string, ParamValue>>;
  readonly extra?: Readonly<Record<string, ParamValue>>;
  readonly outputFolder?: string;
}

type Operation = 'generate' | 'edit' | 'video';

const SET_KEY_HINT = 'Ask the user to run the command "Media Studio: Set API Key" (mediaStudio.setApiKey) for it';

function text(message: string): vscode.LanguageModelToolResult {
  return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(message)]);
}

/** The one asked for, else the default one if it has a key, else any with a key. */
async function chooseProvider(
  deps: generate.GenerateDeps,
  asked: string | undefined,
  kind: MediaKind,
  edit: boolean,
): Promise<{ provider: ProviderId } | { error: string }> {
  if (asked !== undefined) {
    if (!isProviderId(asked)) return { error: `Unknown provider "${asked}". Use one of: ${PROVIDER_IDS.join(', ')}.` };
    if (!(await deps.keys.has(asked)))
      return {
        error: `No ${PROVIDERS[asked].label} API key is set, so nothing was generated. ${SET_KEY_HINT} and pick "${PROVIDERS[asked].label}", or call this tool with another provider that has a key.`,
      };
    return { provider: asked };
  }
  const candidates = deps.models.providersFor(kind, edit);
  const configured = generate.defaultProvider();
  const ordered = candidates.includes(configured) ? [configured, ...candidates.filter((p) => p !== configured)] : candidates;
  for (const provider of ordered) if (await deps.keys.has(provider)) return { provider };
  return { error: `No Media Studio API key is set, so nothing was generated. ${SET_KEY_HINT}.` };
}

function commandArgs(
  operation: Operation,
  provider: ProviderId,
  model: string,
  input: ImageToolInput & Omit<VideoToolInput, keyof ImageToolInput> & Partial<EditToolInput>,
): Record<string, unknown> {
  const spec = typedModel(provider, model, operation === 'video' ? 'video' : 'image');
  const params: Record<string, ParamValue> = { ...input.params };
  if (input.aspectRatio) {
    const field = paramWithRole(spec, 'aspectRatio');
    if (!field)
      throw new UserError(`${PROVIDERS[provider].label} ${model} does not take an aspect ratio; use "size" (such as "1024x1024") instead.`);
    params[field.name] = input.aspectRatio;
  }
  if (input.style) {
    const field = paramWithRole(spec, 'style');
    if (!field)
      throw new UserError(`${PROVIDERS[provider].label} ${model} does not take a style. Describe the style in the prompt instead.`);
    params[field.name] = input.style;
  }
  const args: Record<string, unknown> = {
    provider,
    model,
    prompt: input.prompt,
    size: input.size,
    params: Object.keys(params).length ? params : undefined,
    extra: input.extra,
    outputFolder: input.outputFolder,
  };
  if (operation === 'video') return { ...args, duration: input.duration, inputImage: input.inputImageUrl };
  return {
    ...args,
    n: input.count,
    quality: input.quality,
    images: operation === 'edit' ? input.images : undefined,
    targetPath: input.targetPath,
    width: input.width,
    height: input.height,
    fit: input.fit,
    background: input.background,
    format: input.format,
    preset: input.preset,
  };
}

/** The estimate (a range where the price is open), whether it is over the confirm amount, and today's spending. */
async function costText(
  deps: ToolDeps,
  provider: ProviderId,
  model: string,
  operation: Operation,
  input: { count?: number; duration?: number; size?: string; quality?: string },
): Promise<string> {
  const kind: MediaKind = operation === 'video' ? 'video' : 'image';
  const spec = typedModel(provider, model, kind);
  const params: Record<string, ParamValue> = {};
  const put = (role: Parameters<typeof paramWithRole>[1], value: ParamValue | undefined) => {
    const param = paramWithRole(spec, role);
    if (value !== undefined && param) params[param.name] = value;
  };
  put('count', input.count);
  put('size', input.size);
  put('quality', input.quality);
  put('duration', input.duration);
  const lookup = estimateSpend({ provider, model, operation, kind, params });
  const lines = [
    lookup.kind === 'priced'
      ? vscode.l10n.t("Estimated cost: {0} (from {1}'s documented prices).", lookup.estimate.text, PROVIDERS[provider].label)
      : vscode.l10n.t('Cost: unknown — {0}; see {1} pricing.', lookup.reason.replace(/\.$/, ''), PROVIDERS[provider].label),
  ];
  const limits = deps.spending?.limits();
  if (limits && lookup.kind === 'priced' && limits.confirmAboveUSD !== undefined && lookup.estimate.maxUSD > limits.confirmAboveUSD) {
    lines.push(
      vscode.l10n.t(
        'This is above {0}, the amount you asked to confirm (setting "{1}").',
        formatUSD(limits.confirmAboveUSD),
        LIMIT_SETTINGS.confirmAboveUSD,
      ),
    );
  }
  if (deps.spending && limits?.dailyUSD !== undefined) {
    const today = await deps.spending.today().catch(() => undefined);
    if (today)
      lines.push(
        vscode.l10n.t('Spent today: {0} of the {1} daily limit.', formatUSD(today.spentUSD + today.queuedUSD), formatUSD(limits.dailyUSD)),
      );
  }
  return lines.join(' ');
}

function relative(uri: string): string {
  return vscode.workspace.asRelativePath(vscode.Uri.parse(uri), false);
}

/** Resolves when the token is cancelled. */
function onCancel(token: vscode.CancellationToken): { promise: Promise<'cancelled'>; dispose(): void } {
  let subscription: vscode.Disposable | undefined;
  const promise = new Promise<'cancelled'>((resolve) => {
    if (token.isCancellationRequested) return resolve('cancelled');
    subscription = token.onCancellationRequested(() => resolve('cancelled'));
  });
  return { promise, dispose: () => subscription?.dispose() };
}

function describeOutcome(task: Task): string {
  const label = PROVIDERS[task.request.provider].label;
  if (task.state === 'succeeded') {
    const files = (task.results ?? []).filter((r) => r.file).map((r) => relative(r.file as string));
    const unsaved = (task.results ?? []).filter((r) => !r.file);
    const lines = [`${task.request.kind === 'video' ? 'Video' : 'Image'} generated with ${label} ${task.request.model} (task ${task.id}).`];
    if (files.length) lines.push(`Files written (workspace-relative):\n${files.map((f) => `- ${f}`).join('\n')}`);
    const targets = (task.results ?? []).flatMap((r) => r.targets ?? []).map(relative);
    if (targets.length)
      lines.push(`Target files written (resized and converted from the first image):\n${targets.map((f) => `- ${f}`).join('\n')}`);
    const targetError = task.results?.find((r) => r.targetError)?.targetError;
    if (targetError) lines.push(targetError);
    if (unsaved.length)
      lines.push(
        `${unsaved.length} result(s) could not be saved. The user can use "Save Again" on the task in the Media Studio Tasks view.\n${quoteProviderText(unsaved.map((r) => r.saveError ?? 'unknown reason').join('; '))}`,
      );
    if (task.cost) lines.push(`Reported cost: ${task.cost.amount} ${task.cost.unit}.`);
    return lines.join('\n');
  }
  // The reason carries the provider's own words: quoted as data, so it cannot steer the agent reading it.
  const reason = task.error?.message ? `\n${quoteProviderText(task.error.message)}` : '';
  if (task.state === 'cancelled') return `The task was cancelled (task ${task.id}); no file was written.${reason}`;
  return `${label} could not finish the task (task ${task.id}, ${task.state}). Nothing was saved.${reason || ' No reason was given.'}`;
}

/** The engine marks it cancelled, asking the provider to stop where it can. */
async function cancelTask(deps: generate.GenerateDeps, id: string): Promise<Task | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    if ((await deps.engine.cancel(id, true)) === 'cancelled') return deps.store.get(id);
    // Still being sent: wait for the submit to settle (the task's next change), then cancel what the provider accepted.
    await new Promise<void>((resolve) => {
      const subscription = deps.store.onDidChange((change) => {
        if (change.task.id === id) {
          subscription.dispose();
          resolve();
        }
      });
    });
  }
  return deps.store.get(id);
}

abstract class MediaTool<T extends { prompt: string; provider?: string; model?: string }> implements vscode.LanguageModelTool<T> {
  constructor(
    protected readonly deps: ToolDeps,
    private readonly operation: Operation,
    private readonly kind: MediaKind,
  ) {}

  protected abstract title: string;
  protected abstract detail(input: T): string;
  protected abstract submit(args: Record<string, unknown>): Promise<string[]>;

  private model(provider: ProviderId, input: T): string {
    return input.model || this.deps.models.defaultModel(provider, this.kind, this.operation === 'edit');
  }

  async prepareInvocation(options: vscode.LanguageModelToolInvocationPrepareOptions<T>): Promise<vscode.PreparedToolInvocation> {
    const chosen = await chooseProvider(this.deps, options.input.provider, this.kind, this.operation === 'edit');
    // Nothing will be sent (invoke explains why), so there is nothing to confirm.
    if ('error' in chosen) return { invocationMessage: vscode.l10n.t('{0}: no API key', this.title) };
    const label = PROVIDERS[chosen.provider].label;
    const model = this.model(chosen.provider, options.input);
    const prompt = options.input.prompt.length > 200 ? `${options.input.prompt.slice(0, 197)}…` : options.input.prompt;
    const md = new vscode.MarkdownString();
    md.appendText(vscode.l10n.t('{0} with {1}, model {2}. {3}\n\n', this.title, label, model, this.detail(options.input)));
    md.appendText(vscode.l10n.t('Prompt: {0}\n\n', prompt));
    md.appendText(
      vscode.l10n.t(
        '{0} This is charged to your {1} account.',
        await costText(
          this.deps,
          chosen.provider,
          model,
          this.operation,
          options.input as { count?: number; duration?: number; size?: string; quality?: string },
        ),
        label,
      ),
    );
    return {
      // Tools have no stable way to report progress (only the proposed toolProgress API): say where it shows.
      invocationMessage: vscode.l10n.t('{0} with {1} {2}… Progress shows in the Media Studio Tasks view.', this.title, label, model),
      confirmationMessages: { title: vscode.l10n.t('{0} with {1}?', this.title, label), message: md },
    };
  }

  async invoke(
    options: vscode.LanguageModelToolInvocationOptions<T>,
    token: vscode.CancellationToken,
  ): Promise<vscode.LanguageModelToolResult> {
    const input = options.input;
    if (typeof input?.prompt !== 'string' || !input.prompt.trim()) return text('"prompt" is required: describe what to generate.');
    const chosen = await chooseProvider(this.deps, input.provider, this.kind, this.operation === 'edit');
    if ('error' in chosen) return text(chosen.error);
    if (token.isCancellationRequested) return text('Cancelled before anything was sent; no file was written.');
    let id: string;
    try {
      const args = commandArgs(
        this.operation,
        chosen.provider,
        this.model(chosen.provider, input),
        input as ImageToolInput & VideoToolInput,
      );
      for (const key of Object.keys(args)) if (args[key] === undefined) delete args[key];
      [id] = await this.submit(args);
    } catch (error) {
      if (error instanceof vscode.CancellationError)
        return text('Nothing was sent: the user did not confirm the cost (Media Studio spending settings). No file was written.');
      const message = error instanceof Error ? error.message : String(error);
      const hint =
        error instanceof UserError && error.actions.some((a) => a.command === 'mediaStudio.setApiKey') ? ` ${SET_KEY_HINT}.` : '';
      return text(`Nothing was generated: ${message}${hint}`);
    }

    const cancelled = onCancel(token);
    const submitted = this.deps.store.get(id);
    // The task's own deadline, the one after which the engine shows it as stale.
    const deadlineMs = submitted ? this.deps.engine.deadlineMs(submitted) : Number.POSITIVE_INFINITY;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      if (Number.isFinite(deadlineMs)) timer = setTimeout(() => resolve('timeout'), deadlineMs);
    });
    try {
      const outcome = await Promise.race([this.deps.engine.waitFor(id), cancelled.promise, deadline]);
      if (outcome === 'cancelled') {
        const task = await cancelTask(this.deps, id);
        if (task?.state === 'succeeded') return text(`Cancellation came too late: ${describeOutcome(task)}`);
        return text(
          `Cancelled: the ${this.kind} task ${id} was stopped and no file was written.${task && task.state !== 'cancelled' ? ` (Its state is ${task.state}.)` : ''}`,
        );
      }
      if (outcome === 'timeout') {
        const task = this.deps.store.get(id);
        return text(
          `The task ${id} has not finished after ${Math.round(deadlineMs / 60_000)} minutes (state: ${task?.state ?? 'unknown'}). It keeps running in the Media Studio Tasks view and will be saved into the workspace when it finishes.`,
        );
      }
      return text(describeOutcome(outcome));
    } finally {
      cancelled.dispose();
      if (timer) clearTimeout(timer);
    }
  }
}

export class GenerateImageTool extends MediaTool<ImageToolInput> {
  protected title = vscode.l10n.t('Generate image');
  constructor(deps: ToolDeps) { super(deps, 'generate', 'image'); }
  protected detail(input: ImageToolInput): string {
    return (
      [
        input.count ? vscode.l10n.t('{0} image(s)', input.count) : vscode.l10n.t('1 image'),
        input.size && vscode.l10n.t('size {0}', input.size),
        input.aspectRatio && vscode.l10n.t('aspect ratio {0}', input.aspectRatio),
        input.quality && vscode.l10n.t('quality {0}', input.quality),
      ]
        .filter(Boolean)
        .join(', ') + '.'
    );
  }
  protected submit(args: Record<string, unknown>): Promise<string[]> {
    return generate.imageFromArgs(this.deps, args, 'agent');
  }
}

export class EditImageTool extends MediaTool<EditToolInput> {
  protected title = vscode.l10n.t('Edit image');
  constructor(deps: ToolDeps) { super(deps, 'edit', 'image'); }
  protected detail(input: EditToolInput): string {
    const images = Array.isArray(input.images) ? input.images.join(', ') : '';
    return [
      vscode.l10n.t('Images: {0}.', images || vscode.l10n.t('(none)')),
      input.size ? vscode.l10n.t('Size {0}.', input.size) : '',
      input.count ? vscode.l10n.t('{0} result(s).', input.count) : '',
    ].filter(Boolean).join(' ');
  }
  protected submit(args: Record<string, unknown>): Promise<string[]> {
    return generate.editFromArgs(this.deps, args, 'agent');
  }
}

export class GenerateVideoTool extends MediaTool<VideoToolInput> {
  protected title = vscode.l10n.t('Generate video');
  constructor(deps: ToolDeps) { super(deps, 'video', 'video'); }
  protected detail(input: VideoToolInput): string {
    return (
      [
        input.duration ? vscode.l10n.t('{0} s', input.duration) : vscode.l10n.t('default duration'),
        input.size && vscode.l10n.t('size {0}', input.size),
        input.aspectRatio && vscode.l10n.t('aspect ratio {0}', input.aspectRatio),
        input.inputImageUrl && vscode.l10n.t('from image {0}', input.inputImageUrl),
      ]
        .filter(Boolean)
        .join(', ') + '.'
    );
  }
  protected submit(args: Record<string, unknown>): Promise<string[]> {
    return generate.videoFromArgs(this.deps, args, 'agent');
  }
}

export interface MediaTools {
  readonly generate_image: GenerateImageTool;
  readonly edit_image: EditImageTool;
  readonly generate_video: GenerateVideoTool;
}

export function createLmTools(deps: ToolDeps): MediaTools {
  return { generate_image: new GenerateImageTool(deps), edit_image: new EditImageTool(deps), generate_video: new GenerateVideoTool(deps) };
}
