/** Regenerate from a result file's sidecar: the same request, submitted again as a new task. */
import * as vscode from 'vscode';
import type { TaskEngine } from '../../core/engine';
import { inputUrlsExpired, isSidecarError, parseSidecar, type Sidecar, SIDECAR_MAX_BYTES } from '../../core/files/sidecar';
import { requestedCount } from '../../core/files/sidecarTrust';
import { estimateSpend } from '../../core/spending/estimate';
import { checkRequest } from '../../core/spec/validate';
import { isProviderId, PROVIDERS } from '../../core/providers';
import { regenerateConfirmations, sidecarTrust } from '../sidecarTrust';
import type { Operation, ParamValue, Task, TaskRequest } from '../../core/task';
import { UserError } from '../commands';
import { submitChecked } from '../generate';

const OPERATIONS: readonly Operation[] = ['generate', 'edit', 'video'];

/** Null (which no field takes) is dropped. */
function jsonFields(fields: Record<string, unknown>): Record<string, ParamValue> {
  const result: Record<string, ParamValue> = {};
  for (const [name, value] of Object.entries(fields)) if (value !== null && value !== undefined) result[name] = value as ParamValue;
  return result;
}

/**
 * References are relative to the workspace folder. Input image URLs come back too (Apixo picks image-to-video from
 * them); expired ones are refused rather than silently making something else.
 */
export function requestFromSidecar(sidecar: Sidecar, workspaceFolder: vscode.Uri, now = Date.now()): TaskRequest {
  if (!isProviderId(sidecar.provider)) throw new UserError(vscode.l10n.t('The sidecar names an unknown provider "{0}".', sidecar.provider));
  const operation = OPERATIONS.find((o) => o === sidecar.operation);
  if (!operation) throw new UserError(vscode.l10n.t('The sidecar names an unknown operation "{0}".', sidecar.operation));
  // Values as recorded (objects and lists included); the engine checks them against the model's spec again.
  const params = jsonFields(sidecar.parameters);
  const extra = sidecar.extra ? jsonFields(sidecar.extra) : undefined;
  let images: string[] | undefined;
  if (operation === 'edit' && sidecar.references?.length) {
    images = sidecar.references.map((reference) => {
      const segments = reference.split(/[\\/]/).filter(Boolean);
      if (segments.includes('..') || /^[a-z]:/i.test(reference) || reference.startsWith('/')) {
        throw new UserError(vscode.l10n.t('The sidecar\'s reference "{0}" is not a path inside the workspace folder.', reference));
      }
      return vscode.Uri.joinPath(workspaceFolder, ...segments).toString();
    });
  }
  if (inputUrlsExpired(sidecar, now)) {
    throw new UserError(
      vscode.l10n.t(
        'This result was made from an input image URL that has expired (at {0}), so it cannot be regenerated as it was. Animate or edit the input image again to get a new URL.',
        sidecar.inputUrlsExpireAt ?? '',
      ),
    );
  }
  return {
    provider: sidecar.provider,
    model: sidecar.model,
    operation,
    kind: operation === 'video' ? 'video' : 'image',
    prompt: sidecar.prompt,
    params,
    extra: extra && Object.keys(extra).length ? extra : undefined,
    images,
    imageUrls: sidecar.imageUrls?.length ? [...sidecar.imageUrls] : undefined,
    sync: sidecar.sync,
    workspaceFolder: workspaceFolder.toString(),
    outputFolder: sidecar.outputFolder,
    // The same batch cell: the new task takes that cell's place in the batch's grid.
    batch: sidecar.batch,
  };
}

/** How long the status bar shows what a Regenerate sent without asking. */
const NOTICE_MS = 10_000;

export async function regenerateFromSidecar(engine: TaskEngine, file: vscode.Uri): Promise<Task> {
  const folder = vscode.workspace.getWorkspaceFolder(file);
  if (!folder) throw new UserError(vscode.l10n.t('Regenerate works on files inside the workspace.'));
  const sidecarUri = file.path.endsWith('.json') ? file : file.with({ path: `${file.path}.json` });
  let text: string;
  try {
    const stat = await vscode.workspace.fs.stat(sidecarUri);
    if (stat.size > SIDECAR_MAX_BYTES)
      throw new UserError(vscode.l10n.t('{0} is too large to be a sidecar.', vscode.workspace.asRelativePath(sidecarUri)));
    text = new TextDecoder().decode(await vscode.workspace.fs.readFile(sidecarUri));
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(
      vscode.l10n.t(
        '{0} has no sidecar ({1}), so Media Studio does not know how it was made.',
        vscode.workspace.asRelativePath(file),
        vscode.workspace.asRelativePath(sidecarUri),
      ),
    );
  }
  const sidecar = parseSidecar(text);
  if (isSidecarError(sidecar)) throw new UserError(sidecar.error);
  // Rebuilt through the same check as a new request (the model's spec: fields, values, bounds), before anyone is asked.
  const checked = checkRequest(requestFromSidecar(sidecar, folder.uri));
  if (checked.problem !== undefined)
    throw new UserError(vscode.l10n.t('{0} cannot be regenerated: {1}', vscode.workspace.asRelativePath(file), checked.problem));
  const request = checked.request;
  const foreign = !(await sidecarTrust()?.wroteIt(text));
  if (foreign || !vscode.workspace.isTrusted) {
    if (!(await confirmRegenerate(request, foreign))) throw new UserError(vscode.l10n.t('Regenerate cancelled; nothing was sent.'));
  } else {
    // Sent without asking (this machine wrote the sidecar): what goes out and its estimate still show, in the status bar.
    const notice = regenerateNotice(request);
    regenerateConfirmations.noticed?.(notice);
    vscode.window.setStatusBarMessage(notice, NOTICE_MS);
  }
  return submitChecked(engine, request);
}

/** What a request sends, for Regenerate's texts: "1 image" or "3 images" or "1 video", and its estimate. */
function sending(request: TaskRequest): { what: string; cost: string } {
  const count = requestedCount(request);
  const what = request.kind === 'image'
    ? (count === 1 ? vscode.l10n.t('1 image') : vscode.l10n.t('{0} images', count.toLocaleString('en-US')))
    : vscode.l10n.t('1 video');
  const lookup = estimateSpend(request);
  return { what, cost: lookup.kind === 'priced' ? vscode.l10n.t('estimate {0}', lookup.estimate.text) : lookup.reason };
}

/** What Regenerate is about to send (provider, model, count, estimated cost), for the person to confirm. */
export function regenerateSummary(request: TaskRequest, foreign: boolean): string {
  const why = foreign
    ? vscode.l10n.t('This sidecar was not written by Media Studio on this machine.')
    : vscode.l10n.t('This workspace is not trusted.');
  const { what, cost } = sending(request);
  return vscode.l10n.t(
    '{0} Regenerate sends a new paid request to {1}: model {2}, {3} ({4}). Send it?',
    why,
    PROVIDERS[request.provider].label,
    request.model,
    what,
    cost,
  );
}

/** The status-bar notice of a Regenerate sent without asking. */
export function regenerateNotice(request: TaskRequest): string {
  const { what, cost } = sending(request);
  return vscode.l10n.t('Regenerate: sending to {0}, model {1}, {2} ({3}).', PROVIDERS[request.provider].label, request.model, what, cost);
}

async function confirmRegenerate(request: TaskRequest, foreign: boolean): Promise<boolean> {
  const summary = regenerateSummary(request, foreign);
  if (regenerateConfirmations.answer) return regenerateConfirmations.answer(summary);
  const send = vscode.l10n.t('Regenerate');
  return (await vscode.window.showWarningMessage(summary, { modal: true }, send)) === send;
}
