/**
 * The one seam through which batches ask about models: whether a model can do the batch's operation, and
 * what a task is estimated to cost. Today it delegates to the catalog (src/core/catalog.ts) and the panel's
 * estimate (src/webview/estimate.ts, pure); the per-provider model specs (#13) and the spending admission
 * check (#19) replace these bodies at merge, and nothing else in the batch code needs to change.
 */
import * as l10n from '@vscode/l10n';
import { catalogModel, typedModel } from '../catalog';
import { PROVIDERS, ProviderId } from '../providers';
import type { Operation, ParamValue, TaskRequest } from '../task';
import { estimateCost } from '../../webview/estimate';

/** Why the model cannot do the operation, or undefined. A model the catalog does not list is taken as an image model (as everywhere else). */
export function modelProblem(provider: ProviderId, model: string, operation: Operation): string | undefined {
  if (!model.trim()) return l10n.t('A model of {0} has no id.', PROVIDERS[provider].label);
  const info = catalogModel(provider, model) ?? typedModel(provider, model, 'image');
  const label = `${PROVIDERS[provider].label} ${model}`;
  if (operation === 'video') return info.kind === 'video' ? undefined : l10n.t('{0} makes images, not videos; a video batch needs video models.', label);
  if (info.kind !== 'image') return l10n.t('{0} makes videos; this batch makes images. Choose an image model.', label);
  if (operation === 'edit' && !info.editsWithFiles && !info.imageUrls) return l10n.t('{0} only generates from text; it cannot edit images.', label);
  return undefined;
}

export interface TaskEstimate {
  readonly minCredits: number;
  readonly maxCredits: number;
}

/** The documented price range of one task, or undefined where no price is documented ("unknown"). */
export function estimateTask(request: Pick<TaskRequest, 'provider' | 'model' | 'params'>): TaskEstimate | undefined {
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.params)) params[name] = String(value);
  const estimate = estimateCost(request.provider, request.model, params);
  return estimate ? { minCredits: estimate.minCredits, maxCredits: estimate.maxCredits } : undefined;
}

export interface BatchEstimate {
  readonly tasks: number;
  /** Sum over the tasks with a documented price. */
  readonly minCredits: number;
  readonly maxCredits: number;
  /** Tasks whose price is not documented: the total leaves them out, and says so. */
  readonly unknown: number;
  readonly text: string;
}

function dollars(credits: number): string {
  return `$${(credits / 100).toFixed(2)}`;
}

export function estimateBatch(requests: readonly Pick<TaskRequest, 'provider' | 'model' | 'params'>[]): BatchEstimate {
  let minCredits = 0;
  let maxCredits = 0;
  let unknown = 0;
  for (const request of requests) {
    const estimate = estimateTask(request);
    if (!estimate) unknown++;
    else {
      minCredits += estimate.minCredits;
      maxCredits += estimate.maxCredits;
    }
  }
  const known = requests.length - unknown;
  const range = l10n.t('{0}–{1} credits ({2}–{3})', minCredits, maxCredits, dollars(minCredits), dollars(maxCredits));
  const text = known === 0
    ? l10n.t('estimate: unknown (no documented price for these models)')
    : unknown === 0
      ? l10n.t('estimate: {0}', range)
      : l10n.t('estimate: {0} for {1} of {2} tasks, plus {3} unknown', range, known, requests.length, unknown);
  return { tasks: requests.length, minCredits, maxCredits, unknown, text };
}

/**
 * Whether spending on the whole batch is admitted, checked once for the whole set before any task is stored.
 * No spending limits exist yet; #19's admission check goes here (for all of `requests` at once).
 */
export function spendingProblem(_requests: readonly TaskRequest[]): string | undefined {
  return undefined;
}

/** Parameters as the providers take them: the shared ones, then the model's own over them. */
export function mergedParams(shared: Readonly<Record<string, ParamValue>>, own?: Readonly<Record<string, ParamValue>>): Record<string, ParamValue> {
  return { ...shared, ...own };
}
