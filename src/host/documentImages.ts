/** Images a document asks for (quick fix, hover, Insert Generated Image, presets); the glue over core/targets/references. */
import * as path from 'path';
import * as vscode from 'vscode';
import { isSidecarError, parseSidecar, type Sidecar, SIDECAR_MAX_BYTES, usableAsReference } from '../core/files/sidecar';
import { PROVIDERS } from '../core/providers';
import {
  findImageReferences,
  type ImageReference,
  insertionSyntax,
  isRelativeLocalPath,
  isWritableImagePath,
  referencesIn,
  referenceText,
  relativeTo,
  suggestedPrompt,
} from '../core/targets/references';
import { PRESET_IDS, presetInfo, type PresetId } from '../core/targets/target';
import { isTerminal, type Task } from '../core/task';
import { UserError } from './commands';
import * as generate from './generate';
import { resultForTarget } from './targets';
import { DOCUMENT_IMAGE_COMMANDS } from './commandTable';

const COMMANDS = DOCUMENT_IMAGE_COMMANDS;

/** All strings and numbers, so it survives serialisation. */
export interface MissingImage {
  /** Relative to the workspace folder. */
  readonly targetPath: string;
  readonly prompt: string;
  readonly width?: number;
  readonly height?: number;
}

export interface MissingImagesArgs {
  readonly workspaceFolder: string;
  readonly images: readonly MissingImage[];
  /** false: the suggested prompts and the defaults, asking nothing (automation, tests). */
  readonly ask?: boolean;
  readonly provider?: string;
  readonly model?: string;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** Only a relative path that stays inside the document's workspace folder. */
function resolveReference(
  document: vscode.TextDocument,
  reference: ImageReference,
): { uri: vscode.Uri; folder: vscode.WorkspaceFolder; relative: string } | undefined {
  if (!isRelativeLocalPath(reference.path)) return undefined;
  const folder = vscode.workspace.getWorkspaceFolder(document.uri);
  if (!folder) return undefined;
  const target = path.posix.normalize(path.posix.join(path.posix.dirname(document.uri.path), reference.path.replace(/\\/g, '/')));
  const relative = path.posix.relative(folder.uri.path, target);
  if (!relative || relative.startsWith('..') || path.posix.isAbsolute(relative)) return undefined;
  return { uri: folder.uri.with({ path: target }), folder, relative };
}

async function missingImages(
  document: vscode.TextDocument,
  start: number,
  end: number,
): Promise<{ folder: vscode.WorkspaceFolder; images: MissingImage[] } | undefined> {
  const touched = referencesIn(findImageReferences(document.getText(), document.languageId), start, end).filter((r) =>
    isWritableImagePath(r.path),
  );
  let folder: vscode.WorkspaceFolder | undefined;
  const images: MissingImage[] = [];
  for (const reference of touched) {
    const resolved = resolveReference(document, reference);
    if (!resolved || (await exists(resolved.uri)) || images.some((i) => i.targetPath === resolved.relative)) continue;
    folder = resolved.folder;
    images.push({ targetPath: resolved.relative, prompt: suggestedPrompt(reference), width: reference.width, height: reference.height });
  }
  return folder && images.length ? { folder, images } : undefined;
}

export class MissingImageActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  async provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection): Promise<vscode.CodeAction[]> {
    const found = await missingImages(document, document.offsetAt(range.start), document.offsetAt(range.end));
    if (!found) return [];
    const title =
      found.images.length === 1 ? vscode.l10n.t('Generate image…') : vscode.l10n.t('Generate {0} missing images…', found.images.length);
    const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
    const args: MissingImagesArgs = { workspaceFolder: found.folder.name, images: found.images };
    action.command = { command: COMMANDS.generateMissing, title, arguments: [args] };
    return [action];
  }
}

function isMissingImagesArgs(value: unknown): value is MissingImagesArgs {
  const args = value as MissingImagesArgs | undefined;
  return !!args && typeof args.workspaceFolder === 'string' && Array.isArray(args.images)
    && args.images.every((i) => i && typeof i.targetPath === 'string' && typeof i.prompt === 'string');
}

/** Undefined: cancelled. */
async function askModel(deps: generate.GenerateDeps, title: string): Promise<{ provider: string; model: string } | undefined> {
  const provider = await generate.chooseProvider(await generate.providersWithKeys(deps, 'image', false), () => title);
  if (!provider) return undefined;
  const model = await generate.pickModel(deps, provider, 'image', false, title);
  return model ? { provider, model: model.id } : undefined;
}

/** A prompt for each image (prefilled), then provider and model once; all start together. */
export async function generateMissingImages(deps: generate.GenerateDeps, raw: unknown): Promise<string[]> {
  if (!isMissingImagesArgs(raw))
    throw new UserError(vscode.l10n.t('Use "Generate image…" from the light bulb on a missing image reference.'));
  const prompts: string[] = [];
  for (const [index, image] of raw.images.entries()) {
    if (raw.ask === false) {
      prompts.push(image.prompt);
      continue;
    }
    const count = raw.images.length > 1 ? ` (${index + 1}/${raw.images.length})` : '';
    const size = image.width || image.height ? `, ${image.width ?? '…'}×${image.height ?? '…'} px` : '';
    const prompt = await vscode.window.showInputBox({
      title: vscode.l10n.t('Generate {0}{1}', image.targetPath, count),
      prompt: vscode.l10n.t('Describe the image. It is written to {0}{1}.', image.targetPath, size),
      value: image.prompt,
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() ? undefined : vscode.l10n.t('The prompt is empty.')),
    });
    if (!prompt) return [];
    prompts.push(prompt.trim());
  }
  const chosen = raw.ask === false ? { provider: raw.provider, model: raw.model } : await askModel(deps, vscode.l10n.t('Generate image'));
  if (!chosen) return [];
  const ids: string[] = [];
  const submitted = await Promise.allSettled(raw.images.map((image, index) => generate.imageFromArgs(deps, {
    prompt: prompts[index], provider: chosen.provider, model: chosen.model, workspaceFolder: raw.workspaceFolder,
    targetPath: image.targetPath, width: image.width, height: image.height,
  })));
  for (const outcome of submitted) {
    if (outcome.status === 'fulfilled') ids.push(...outcome.value);
  }
  const failed = submitted.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed && ids.length === 0) throw failed.reason;
  if (failed) void vscode.window.showErrorMessage(failed.reason instanceof Error ? failed.reason.message : String(failed.reason));
  return ids;
}

// ---- hover ----

export interface SidecarFacts { readonly sidecar: Sidecar; readonly original: vscode.Uri }

/** Its own, or, for a target file, its original's. */
export async function sidecarFor(store: generate.GenerateDeps['store'], file: vscode.Uri): Promise<SidecarFacts | undefined> {
  const known = resultForTarget(store, file.toString());
  const candidates = [known?.task.results?.[known.index].file, file.toString()].filter((c): c is string => !!c);
  for (const candidate of candidates) {
    const original = vscode.Uri.parse(candidate);
    const sidecarUri = original.with({ path: `${original.path}.json` });
    try {
      const stat = await vscode.workspace.fs.stat(sidecarUri);
      if (stat.size > SIDECAR_MAX_BYTES) continue;
      const parsed = parseSidecar(new TextDecoder().decode(await vscode.workspace.fs.readFile(sidecarUri)));
      if (!isSidecarError(parsed)) return { sidecar: parsed, original };
    } catch {
      // no sidecar there: try the next candidate
    }
  }
  return undefined;
}

function commandLink(title: string, action: 'regenerate' | 'edit' | 'animate', file: vscode.Uri, original: vscode.Uri): string {
  const args = encodeURIComponent(JSON.stringify([{ action, file: file.toString(), original: original.toString() }]));
  return `[${title}](command:${COMMANDS.referenceAction}?${args})`;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

export class ImageReferenceHover implements vscode.HoverProvider {
  constructor(private readonly store: generate.GenerateDeps['store']) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const offset = document.offsetAt(position);
    const [reference] = referencesIn(findImageReferences(document.getText(), document.languageId), offset, offset);
    if (!reference) return undefined;
    const resolved = resolveReference(document, reference);
    if (!resolved || !(await exists(resolved.uri))) return undefined;
    const facts = await sidecarFor(this.store, resolved.uri);
    const markdown = new vscode.MarkdownString(undefined, true);
    // Command links only for our one hover command: the sidecar is a file anyone may have edited.
    markdown.isTrusted = { enabledCommands: [COMMANDS.referenceAction] };
    markdown.appendMarkdown(`![${escapeMarkdown(resolved.relative)}](${resolved.uri.toString()}|height=128)\n\n`);
    if (!facts) {
      markdown.appendMarkdown(vscode.l10n.t('{0} has no Media Studio sidecar.', escapeMarkdown(resolved.relative)));
      return new vscode.Hover(markdown, this.rangeOf(document, reference));
    }
    const { sidecar, original } = facts;
    const provider = Object.hasOwn(PROVIDERS, sidecar.provider)
      ? PROVIDERS[sidecar.provider as keyof typeof PROVIDERS].label
      : sidecar.provider;
    markdown.appendMarkdown(`**${escapeMarkdown(vscode.l10n.t('Prompt'))}:** ${escapeMarkdown(sidecar.prompt)}\n\n`);
    markdown.appendMarkdown(`${escapeMarkdown(vscode.l10n.t('Model'))}: ${escapeMarkdown(`${provider} ${sidecar.model}`)}  \n`);
    markdown.appendMarkdown(
      `${escapeMarkdown(vscode.l10n.t('Cost'))}: ${escapeMarkdown(sidecar.cost ? `${sidecar.cost.amount} ${sidecar.cost.unit}` : vscode.l10n.t('not reported'))}  \n`,
    );
    markdown.appendMarkdown(
      `${escapeMarkdown(vscode.l10n.t('Date'))}: ${escapeMarkdown(new Date(sidecar.completedAt ?? sidecar.createdAt).toLocaleString())}\n\n`,
    );
    markdown.appendMarkdown([
      commandLink(vscode.l10n.t('Regenerate'), 'regenerate', resolved.uri, original),
      commandLink(vscode.l10n.t('Edit'), 'edit', resolved.uri, original),
      commandLink(vscode.l10n.t('Animate'), 'animate', resolved.uri, original),
    ].join(' · '));
    return new vscode.Hover(markdown, this.rangeOf(document, reference));
  }

  private rangeOf(document: vscode.TextDocument, reference: ImageReference): vscode.Range {
    return new vscode.Range(document.positionAt(reference.start), document.positionAt(reference.end));
  }
}

/** Regenerate (the sidecar), Edit (the file), Animate (the result's URL). */
export async function imageReferenceAction(deps: generate.GenerateDeps, raw: unknown): Promise<unknown> {
  const args = raw as { action?: unknown; file?: unknown; original?: unknown } | undefined;
  if (
    !args ||
    typeof args.file !== 'string' ||
    typeof args.original !== 'string' ||
    !['regenerate', 'edit', 'animate'].includes(String(args.action))
  ) {
    throw new UserError(vscode.l10n.t('Use the links in the hover of an image reference.'));
  }
  const file = vscode.Uri.parse(args.file);
  const original = vscode.Uri.parse(args.original);
  if (!vscode.workspace.getWorkspaceFolder(file) || !vscode.workspace.getWorkspaceFolder(original))
    throw new UserError(vscode.l10n.t('Only images inside the workspace can be used.'));
  switch (args.action) {
    case 'regenerate': return vscode.commands.executeCommand('mediaStudio.regenerate', original);
    case 'edit': return vscode.commands.executeCommand('mediaStudio.editImage', file);
    default: {
      const facts = await sidecarFor(deps.store, file);
      const url = facts?.sidecar.sourceUrl;
      const usable =
        url &&
        facts &&
        usableAsReference(
          {
            url,
            provider: facts.sidecar.provider,
            expiresAt: facts.sidecar.sourceUrlExpiresAt ? Date.parse(facts.sidecar.sourceUrlExpiresAt) : undefined,
            completedAt: facts.sidecar.completedAt ? Date.parse(facts.sidecar.completedAt) : undefined,
          },
          Date.now(),
        );
      return generate.generateVideoInteractive(deps, usable ? url : undefined);
    }
  }
}

// ---- Insert Generated Image ----

interface InsertArgs { readonly prompt?: string; readonly provider?: string; readonly model?: string }

/** Saved, or could not be. */
function settled(store: generate.GenerateDeps['store'], id: string): Promise<Task> {
  return new Promise((resolve) => {
    const done = (task: Task | undefined) =>
      !!task &&
      isTerminal(task.state) &&
      (task.state !== 'succeeded' || (task.results ?? []).every((r) => r.file || r.saveError || (!r.url && !r.inline)));
    const current = store.get(id);
    if (done(current)) return resolve(current as Task);
    const subscription = store.onDidChange((change) => {
      if (change.task.id === id && done(change.task)) {
        subscription.dispose();
        resolve(change.task);
      }
    });
  });
}

/** From the selection (or a typed prompt), in the document's syntax. */
export async function insertGeneratedImage(deps: generate.GenerateDeps, raw?: unknown): Promise<string[]> {
  const editor = vscode.window.activeTextEditor;
  if (!editor)
    throw new UserError(
      vscode.l10n.t('Open a Markdown, HTML, JSX, Vue, Svelte or CSS file first: the image reference is inserted at its cursor.'),
    );
  const syntax = insertionSyntax(editor.document.languageId);
  if (!syntax)
    throw new UserError(
      vscode.l10n.t(
        'Insert Generated Image works in Markdown, HTML, JSX/TSX, Vue, Svelte and CSS/SCSS/Less files, not in {0}.',
        editor.document.languageId,
      ),
    );
  const folder = vscode.workspace.getWorkspaceFolder(editor.document.uri);
  if (!folder) throw new UserError(vscode.l10n.t('Insert Generated Image works on files inside the workspace.'));
  const args = (raw && typeof raw === 'object' ? raw : {}) as InsertArgs;
  const document = editor.document;
  const at = editor.selection.end;
  const selected = document.getText(editor.selection).trim();
  let prompt = typeof args.prompt === 'string' ? args.prompt : selected;
  const automated = raw !== undefined;
  if (!automated) {
    const typed = await vscode.window.showInputBox({
      title: vscode.l10n.t('Insert Generated Image'),
      prompt: vscode.l10n.t('Describe the image; a reference to it is inserted at the cursor.'),
      value: prompt,
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() ? undefined : vscode.l10n.t('The prompt is empty.')),
    });
    if (!typed) return [];
    prompt = typed.trim();
  }
  const chosen = automated ? { provider: args.provider, model: args.model } : await askModel(deps, vscode.l10n.t('Insert Generated Image'));
  if (!chosen) return [];
  const ids = await generate.imageFromArgs(deps, {
    prompt,
    provider: chosen.provider,
    model: chosen.model,
    workspaceFolder: folder.name,
    n: undefined,
  });
  const task = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Generating the image to insert…') },
    () => settled(deps.store, ids[0]),
  );
  const file = task.results?.find((r) => r.file)?.file;
  if (task.state !== 'succeeded' || !file)
    throw new UserError(vscode.l10n.t('Nothing was inserted: {0}', task.error?.message ?? task.results?.[0]?.saveError ?? task.state));
  const saved = vscode.Uri.parse(file);
  const reference = referenceText(
    syntax,
    relativeTo(path.posix.relative(folder.uri.path, document.uri.path), path.posix.relative(folder.uri.path, saved.path)),
    prompt,
  );
  const edit = new vscode.WorkspaceEdit();
  edit.insert(document.uri, at, reference);
  if (!(await vscode.workspace.applyEdit(edit)))
    throw new UserError(
      vscode.l10n.t('The image was saved as {0}, but the reference could not be inserted.', vscode.workspace.asRelativePath(saved)),
    );
  return ids;
}

// ---- presets ----

export async function generateAssetPreset(deps: generate.GenerateDeps): Promise<string[]> {
  const title = vscode.l10n.t('Generate Asset');
  const picked = await vscode.window.showQuickPick(
    PRESET_IDS.map((id) => ({ ...presetInfo(id), description: presetInfo(id).defaultPath })),
    { title, placeHolder: vscode.l10n.t('Which asset?'), ignoreFocusOut: true },
  );
  if (!picked) return [];
  const folder = await generate.pickWorkspaceFolder({ ask: true });
  const targetPath = await vscode.window.showInputBox({
    title,
    prompt:
      picked.id === 'app-icons'
        ? vscode.l10n.t('Folder for the six icons, relative to the workspace folder')
        : vscode.l10n.t('File to write, relative to the workspace folder'),
    value: picked.defaultPath,
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() ? undefined : vscode.l10n.t('Type a path.')),
  });
  if (!targetPath) return [];
  const prompt = await vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t('Describe the {0}.', picked.label.toLowerCase()),
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() ? undefined : vscode.l10n.t('The prompt is empty.')),
  });
  if (!prompt) return [];
  const chosen = await askModel(deps, title);
  if (!chosen) return [];
  const name = vscode.workspace.workspaceFolders?.find((f) => f.uri.toString() === folder.toString())?.name;
  return generate.imageFromArgs(deps, {
    prompt: prompt.trim(),
    provider: chosen.provider,
    model: chosen.model,
    workspaceFolder: name,
    preset: picked.id as PresetId,
    targetPath: targetPath.trim(),
  });
}
