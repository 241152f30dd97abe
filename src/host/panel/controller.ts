/** The panel's host side: validates what the webview sends, acts on it, mirrors the TaskStore; tests use a fake transport. */
import * as vscode from 'vscode';
import { catalogFor, takesFiles, takesUrls, typedModel } from '../../core/catalog';
import { inputUrlsExpireAt, URL_EXPIRY_MARGIN_MS } from '../../core/files/sidecar';
import type { ModelInfo } from '../../core/catalog';
import { RequestProblem, type TaskEngine } from '../../core/engine';
import { usableAsReference } from '../../core/files/sidecar';
import {
  type HostMessage,
  readableRequestId,
  type ReferenceView,
  replyTo,
  type ResultView,
  type SubmitMessage,
  type TaskView,
  validateWebviewMessage,
  type WebviewMessage,
} from '../../core/panelProtocol';
import { PROVIDER_IDS, PROVIDERS, type ProviderId } from '../../core/providers';
import { providerSpec } from '../../core/spec/registry';
import { paramFromText } from '../../core/spec/validate';
import type { TaskChange, TaskStore } from '../../core/store';
import { isTerminal, type ParamValue, type Task, type TaskRequest } from '../../core/task';
import { UserError } from '../commands';
import { defaultProvider, pickWorkspaceFolder, submitChecked, toWorkspaceUri } from '../generate';
import { checkInputImage, checkReferenceLocation, IMAGE_EXTENSIONS } from '../images';
import { Disposable } from '../lifecycle';
import { BatchPanel, type BatchPanelDeps } from './batchPanel';
import { settings } from '../settings';

export interface PanelTransport {
  post(message: HostMessage): void;
  onDidReceive(listener: (raw: unknown) => void): { dispose(): void };
  asWebviewUri(uri: vscode.Uri): string;
  /** For a reference outside the output folders; true when that changed the resource roots, which reloads the webview. */
  allowResource?(uri: vscode.Uri): boolean;
}

export interface PanelDeps {
  readonly engine: TaskEngine;
  readonly store: TaskStore;
  readonly models: { list(provider: ProviderId): Promise<readonly ModelInfo[]> };
  readonly keys: { has(provider: ProviderId): Promise<boolean> };
  /** Init waits for it, as loading fires no change events. */
  readonly loaded: Promise<unknown>;
  /** PixAI has no list endpoint; offered with the catalog's. */
  readonly pixaiModels?: {
    recent(): readonly { readonly id: string; readonly name: string }[];
    remember(model: { readonly id: string; readonly name: string }): Promise<void>;
  };
  /** Providers that report one (Apixo). */
  readonly balance?: (provider: ProviderId) => Promise<number | undefined>;
  readonly log: { info(message: string): void; warn(message: string): void; error(message: string | Error): void };
  /** Without it the panel has no batches. */
  readonly batchPanel?: Omit<BatchPanelDeps, 'store'>;
}

const IMAGE_FILE = new RegExp(`\\.(${IMAGE_EXTENSIONS.join('|')})$`, 'i');

export class PanelController extends Disposable {
  private ready = false;
  private watchingStore = false;
  /** Before the webview said ready (or while it reloads for their resource roots). */
  private pendingReferences: ReferenceView[] = [];
  private readonly batchPanel: BatchPanel | undefined;

  constructor(private readonly deps: PanelDeps, private readonly transport: PanelTransport) {
    super();
    this.batchPanel =
      deps.batchPanel && this.register(new BatchPanel({ ...deps.batchPanel, store: deps.store }, (message) => this.post(message)));
    this.register(transport.onDidReceive((raw) => void this.receive(raw)));
  }

  /** Resolves when it has been acted on. */
  async receive(raw: unknown): Promise<void> {
    const checked = validateWebviewMessage(raw);
    if (!checked.ok) {
      this.deps.log.warn(`Panel: rejected a message from the webview: ${checked.error}`);
      const requestId = readableRequestId(raw);
      if (requestId !== undefined)
        this.post({ type: 'error', requestId, message: vscode.l10n.t('Media Studio did not accept this request: {0}.', checked.error) });
      return;
    }
    try {
      await this.handle(checked.message);
    } catch (error) {
      const requestId = 'requestId' in checked.message ? checked.message.requestId : undefined;
      if (error instanceof vscode.CancellationError) {
        if (requestId !== undefined) this.post({ type: 'done', requestId });
        return;
      }
      const known = error instanceof UserError || error instanceof RequestProblem;
      const message = error instanceof Error ? error.message : String(error);
      if (known) this.deps.log.info(`Panel: ${message}`);
      else this.deps.log.error(error instanceof Error ? error : message);
      this.post({ type: 'error', requestId, message: known ? message : vscode.l10n.t('Something went wrong: {0}', message) });
    }
  }

  /** The Explorer's "Use as Reference". */
  async addReferences(uris: readonly vscode.Uri[]): Promise<void> {
    await this.offerReferences(await this.references(uris));
  }

  /** After the reload their resource roots cause, if any. */
  private async offerReferences(references: ReferenceView[]): Promise<void> {
    let reloading = false;
    for (const reference of references) if (this.transport.allowResource?.(vscode.Uri.parse(reference.uri))) reloading = true;
    // Posts sent into a reloading webview would be lost; the next ready delivers them with init.
    if (reloading) this.ready = false;
    if (!this.ready) {
      this.pendingReferences.push(...references);
      return;
    }
    this.post({ type: 'addReferences', references });
  }

  private post(message: HostMessage): void {
    // Nothing goes out before the handshake: the webview's listener may not exist yet.
    if (this.ready && !this.isDisposed) this.transport.post(message);
  }

  private async handle(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        return this.onReady();
      case 'listModels': {
        const [models, balanceUsd] = await Promise.all([
          this.modelsOf(message.provider),
          // A balance is a nicety: a failure to read it must not keep the models from the panel.
          this.deps.balance?.(message.provider).catch(() => undefined),
        ]);
        this.post(replyTo(message, { type: 'models', requestId: message.requestId, provider: message.provider, models, balanceUsd }));
        return;
      }
      case 'submit': {
        const task = await this.submit(message);
        this.post(replyTo(message, { type: 'submitted', requestId: message.requestId, taskId: task.id }));
        return;
      }
      case 'pickReferences': {
        const picked = await vscode.window.showOpenDialog({
          canSelectMany: true,
          openLabel: vscode.l10n.t('Use as Reference'),
          title: vscode.l10n.t('Pick reference images'),
          defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
          filters: { [vscode.l10n.t('Images')]: [...IMAGE_EXTENSIONS] },
        });
        if (picked?.length) await this.offerReferences(await this.references(picked));
        this.post(replyTo(message, { type: 'done', requestId: message.requestId }));
        return;
      }
      case 'dropReferences': {
        const uris = message.uris.map((u) => {
          try {
            return vscode.Uri.parse(u, true);
          } catch {
            throw new UserError(vscode.l10n.t('Only files from the workspace can be dropped here.'));
          }
        });
        await this.offerReferences(await this.references(uris));
        this.post(replyTo(message, { type: 'done', requestId: message.requestId }));
        return;
      }
      case 'taskAction':
        await this.taskAction(message.action, message.taskId, message.resultIndex, message.requestId);
        return;
      case 'generateBatch':
      case 'batchAction':
      case 'pickRowsFile':
        if (!this.batchPanel) throw new UserError(vscode.l10n.t('Batches are not available here.'));
        return this.batchPanel.handle(message);
    }
  }

  private onReady(): void {
    this.ready = true;
    if (!this.watchingStore) this.register(this.deps.store.onDidChange((change) => this.onStoreChange(change)));
    this.watchingStore = true;
    void this.sendInit();
  }

  private async sendInit(): Promise<void> {
    // A failed load is logged where it happens; the panel still opens with what the store has.
    await this.deps.loaded.catch(() => undefined);
    const providers = await Promise.all(
      PROVIDER_IDS.map(async (id) => ({ id, label: PROVIDERS[id].label, hasKey: await this.deps.keys.has(id) })),
    );
    this.post({ type: 'init', providers, defaultProvider: defaultProvider(), tasks: this.deps.store.list().map((t) => this.view(t)) });
    this.batchPanel?.sendAll();
    if (this.pendingReferences.length) {
      this.post({ type: 'addReferences', references: this.pendingReferences });
      this.pendingReferences = [];
    }
  }

  private onStoreChange(change: TaskChange): void {
    if (change.kind === 'removed') this.post({ type: 'taskRemoved', id: change.task.id });
    else this.post({ type: 'task', task: this.view(change.task) });
    this.batchPanel?.onTaskChange(change);
    const provider = change.task.request.provider;
    // A finished task has been charged: the balance shown with the models is read again.
    if (
      change.kind === 'changed' &&
      isTerminal(change.task.state) &&
      !(change.previous && isTerminal(change.previous.state)) &&
      providerSpec(provider).capabilities.balance
    ) {
      this.refreshBalance(provider);
    }
  }

  /**
   * Providers whose balance is being read, and whether another read was asked for meanwhile (tasks ending together: one
   * more read, not one each).
   */
  private readonly balanceReads = new Map<ProviderId, { again: boolean }>();

  private refreshBalance(provider: ProviderId): void {
    const reading = this.balanceReads.get(provider);
    if (reading) {
      reading.again = true;
      return;
    }
    const state = { again: false };
    this.balanceReads.set(provider, state);
    void (async () => {
      do {
        state.again = false;
        // A balance is a nicety: a failed read leaves the figure shown as it was.
        const balanceUsd = await this.deps.balance?.(provider).catch(() => undefined);
        if (balanceUsd !== undefined) this.post({ type: 'balance', provider, balanceUsd });
      } while (state.again && !this.isDisposed);
      this.balanceReads.delete(provider);
    })();
  }

  private async modelsOf(provider: ProviderId): Promise<readonly ModelInfo[]> {
    let listed: readonly ModelInfo[] = [];
    try {
      listed = await this.deps.models.list(provider);
    } catch (error) {
      this.deps.log.warn(
        `Panel: listing ${PROVIDERS[provider].label} models failed, using the built-in list: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const models = listed.length ? listed : catalogFor(provider);
    if (!providerSpec(provider).modelIdFrom || !this.deps.pixaiModels) return models;
    // Models named by id (PixAI has no list endpoint): the ones the user has named come first, with the generic schema.
    const named = this.deps.pixaiModels
      .recent()
      .filter((r) => !models.some((m) => m.id === r.id))
      .map((r): ModelInfo => ({ ...typedModel(provider, r.id, 'image'), label: r.name }));
    return [...named, ...models];
  }

  private async submit(message: SubmitMessage): Promise<Task> {
    const spec = providerSpec(message.provider);
    const model = spec.modelIdFrom ? spec.modelIdFrom(message.model) : message.model;
    if (!model) throw new UserError(vscode.l10n.t('Type a {0} model id: {1}.', spec.label, spec.modelIdHint ?? message.model));
    const models = await this.modelsOf(message.provider);
    const info = models.find((m) => m.id === model);
    const kind = info?.kind ?? message.kind ?? 'image';
    const schema = info ?? typedModel(message.provider, model, kind);
    const references = message.references.map((u) => vscode.Uri.parse(u, true));
    if (references.length && !takesFiles(schema)) {
      throw new UserError(
        takesUrls(schema)
          ? vscode.l10n.t(
              "{0} takes reference images only as URLs, not workspace files. Remove the files, or use an earlier result's URL (Animate).",
              model,
            )
          : vscode.l10n.t('{0} does not take reference images. Remove them or choose another model.', model),
      );
    }
    for (const uri of references) {
      await checkInputImage(uri); // where it is (checkReferenceLocation), then what it is
    }
    // Text from the form, typed by the model's spec (numbers, booleans, JSON objects); the engine checks the rest.
    const read = (entries: Readonly<Record<string, string>>, documented: boolean): Record<string, ParamValue> => {
      const values: Record<string, ParamValue> = {};
      for (const [name, text] of Object.entries(entries)) {
        const param = documented ? schema.params.find((p) => p.name === name) : undefined;
        const result = paramFromText(param, text);
        if ('error' in result) throw new UserError(`${name}: ${result.error}`);
        // A file field (OpenAI's mask) names a workspace image, relative to the workspace folder.
        if (result.value !== undefined)
          values[name] =
            param?.type === 'file' && typeof result.value === 'string' ? toWorkspaceUri(result.value).toString() : result.value;
      }
      return values;
    };
    const params = read(message.params, true);
    const extra = read(message.extra ?? {}, false);
    const imageUrls: string[] | undefined = message.imageUrls.length ? [...message.imageUrls] : undefined;
    const workspaceFolder = await pickWorkspaceFolder({ near: references[0], ask: false });
    const syncSetting = spec.capabilities.syncSetting;
    const request: TaskRequest = {
      provider: message.provider,
      model,
      operation: kind === 'video' ? 'video' : references.length || imageUrls ? 'edit' : 'generate',
      kind,
      prompt: message.prompt,
      params,
      extra: Object.keys(extra).length ? extra : undefined,
      images: references.length ? references.map((r) => r.toString()) : undefined,
      imageUrls,
      sync: syncSetting && kind === 'image' ? settings.flag(syncSetting) : undefined,
      workspaceFolder: workspaceFolder.toString(),
    };
    const task = await submitChecked(this.deps.engine, request);
    if (spec.modelIdFrom && !info) await this.deps.pixaiModels?.remember({ id: model, name: vscode.l10n.t('Model {0}', model) });
    return task;
  }

  private async references(uris: readonly vscode.Uri[]): Promise<ReferenceView[]> {
    const views: ReferenceView[] = [];
    for (const uri of uris) {
      // Only workspace images; each one's folder becomes a resource root when it is offered (allowResource).
      await checkReferenceLocation(uri);
      if (!IMAGE_FILE.test(uri.path))
        throw new UserError(vscode.l10n.t('"{0}" is not a PNG, JPEG or WebP image.', uri.path.split('/').pop() ?? ''));
      await checkInputImage(uri);
      views.push({ uri: uri.toString(), name: vscode.workspace.asRelativePath(uri, false), src: this.transport.asWebviewUri(uri) });
    }
    return views;
  }

  private resultFile(task: Task, index: number): vscode.Uri {
    const item = task.results?.[index];
    if (!item?.file) throw new UserError(item?.saveError ?? vscode.l10n.t('This result is not saved yet.'));
    return vscode.Uri.parse(item.file);
  }

  private async taskAction(action: string, taskId: string, index: number, requestId: number): Promise<void> {
    const task = this.deps.store.get(taskId);
    if (!task) throw new UserError(vscode.l10n.t('That task no longer exists.'));
    switch (action) {
      case 'open':
        await vscode.commands.executeCommand('vscode.open', this.resultFile(task, index), {
          preview: false,
          viewColumn: vscode.ViewColumn.One,
        });
        break;
      case 'reveal':
        await vscode.commands.executeCommand('revealInExplorer', this.resultFile(task, index));
        break;
      case 'copyPrompt':
        await vscode.env.clipboard.writeText(task.request.prompt);
        break;
      case 'useAsReference':
        await this.offerReferences(await this.references([this.resultFile(task, index)]));
        break;
      case 'animate':
        await this.animate(task, index);
        break;
      case 'regenerate': {
        const expiresAt = inputUrlsExpireAt(task.request, this.deps.store.list());
        if (expiresAt !== undefined && expiresAt < Date.now() + URL_EXPIRY_MARGIN_MS) {
          throw new UserError(
            vscode.l10n.t(
              "This task's input image URL has expired, so it cannot be regenerated as it was. Animate or edit the input image again to get a new URL.",
            ),
          );
        }
        const again = await submitChecked(this.deps.engine, task.request);
        this.post(replyTo({ type: 'taskAction' }, { type: 'submitted', requestId, taskId: again.id }));
        return;
      }
      case 'cancel':
        // The one Cancel path (the Tasks view's too): it claims the task first, so a task another window is
        // sending is never cancelled under it, and offers to stop tracking one the provider cannot cancel.
        await vscode.commands.executeCommand('mediaStudio.cancel', task.id);
        break;
    }
    this.post(replyTo({ type: 'taskAction' }, { type: 'done', requestId }));
  }

  /** A video model that takes the image result's URL as its input image. */
  private async animate(task: Task, index: number): Promise<void> {
    const item = task.results?.[index];
    if (task.request.kind !== 'image' || !item) throw new UserError(vscode.l10n.t('Only image results can be animated.'));
    if (
      !item.url ||
      !usableAsReference(
        { url: item.url, provider: task.request.provider, expiresAt: item.expiresAt, completedAt: task.endedAt },
        Date.now(),
      )
    ) {
      // Without a URL the provider can fetch, the interactive command asks for one.
      await vscode.commands.executeCommand('mediaStudio.generateVideo');
      return;
    }
    for (const provider of [task.request.provider, ...PROVIDER_IDS.filter((p) => p !== task.request.provider)]) {
      const video = (await this.modelsOf(provider)).find((m) => m.kind === 'video' && takesUrls(m));
      if (video) {
        this.post({ type: 'prefill', provider, model: video.id, prompt: task.request.prompt, imageUrls: [item.url] });
        return;
      }
    }
    throw new UserError(vscode.l10n.t('No video model that takes an input image is available.'));
  }

  private view(task: Task): TaskView {
    const now = Date.now();
    const results: ResultView[] = (task.results ?? []).map((item, index) => {
      let src: string | undefined;
      let name: string | undefined;
      if (item.file) {
        const uri = vscode.Uri.parse(item.file);
        src = this.transport.asWebviewUri(uri);
        name = vscode.workspace.asRelativePath(uri, false);
      }
      const kind = item.file ? (/\.(mp4|webm|mov)$/i.test(item.file) ? 'video' : 'image') : task.request.kind;
      return {
        index,
        kind,
        src,
        name,
        hasUrl:
          !!item.url &&
          usableAsReference({ url: item.url, provider: task.request.provider, expiresAt: item.expiresAt, completedAt: task.endedAt }, now),
        saveError: item.saveError,
      };
    });
    return {
      id: task.id,
      prompt: task.request.prompt,
      provider: task.request.provider,
      providerLabel: PROVIDERS[task.request.provider].label,
      model: task.request.model,
      kind: task.request.kind,
      state: task.state,
      progress: task.progress,
      createdAt: task.createdAt,
      submittedAt: task.submittedAt,
      startedAt: task.startedAt,
      endedAt: task.endedAt,
      cost: task.cost,
      error: task.error?.message,
      results,
      cancellable: !isTerminal(task.state) && task.state !== 'submitting',
    };
  }
}
