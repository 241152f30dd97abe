/** The one seam through which batches ask about models: what they can do (specs) and cost (the spending seam). */
import * as l10n from '@vscode/l10n';
import { takesImages, typedModel } from '../catalog';
import { PROVIDERS, type ProviderId } from '../providers';
import { estimateAll, formatRange, type PricedRequest } from '../spending/estimate';
import type { Operation, ParamValue } from '../task';

/** A model no spec documents gets its provider's generic schema. */
export function modelProblem(provider: ProviderId, model: string, operation: Operation): string | undefined {
  if (!model.trim()) return l10n.t('A model of {0} has no id.', PROVIDERS[provider].label);
  const info = typedModel(provider, model, operation === 'video' ? 'video' : 'image');
  const label = `${PROVIDERS[provider].label} ${model}`;
  if (operation === 'video')
    return info.kind === 'video' ? undefined : l10n.t('{0} makes images, not videos; a video batch needs video models.', label);
  if (info.kind !== 'image') return l10n.t('{0} makes videos; this batch makes images. Choose an image model.', label);
  if (operation === 'edit' && !takesImages(info)) return l10n.t('{0} only generates from text; it cannot edit images.', label);
  return undefined;
}

export interface BatchEstimate {
  readonly tasks: number;
  /** Over the tasks with a documented price. */
  readonly minUSD: number;
  readonly maxUSD: number;
  /** The total leaves them out, and says so. */
  readonly unknown: number;
  readonly text: string;
}

export function estimateBatch(requests: readonly PricedRequest[]): BatchEstimate {
  const { minUSD, maxUSD, unknown } = estimateAll(requests);
  const known = requests.length - unknown;
  const range = formatRange(minUSD, maxUSD);
  const text = known === 0
    ? l10n.t('estimate: unknown (no documented price for these models)')
    : unknown === 0
      ? l10n.t('estimate: {0}', range)
      : l10n.t('estimate: {0} for {1} of {2} tasks, plus {3} unknown', range, known, requests.length, unknown);
  return { tasks: requests.length, minUSD, maxUSD, unknown, text };
}

/** The model's own over the shared ones. */
export function mergedParams(
  shared: Readonly<Record<string, ParamValue>>,
  own?: Readonly<Record<string, ParamValue>>,
): Record<string, ParamValue> {
  return { ...shared, ...own };
}
