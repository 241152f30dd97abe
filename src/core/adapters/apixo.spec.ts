/**
 * Apixo's spec: what activation and the engine need (id, label, capabilities, plans, result life) here; the model
 * catalog (every model MODELS.md lists, with its fields, rules and prices) in apixo.models.ts, loaded on first use.
 */
import type { MediaKind } from '../task';
import type { ModelSpec, PricedRequest, ProviderSpec } from '../spec/types';
import { catalogData } from '../spec/lazyCatalog';
import * as l10n from '@vscode/l10n';

export type ApixoPlan = 'free' | 'pro';

/** Requests a minute (submits and checks together) and tasks at once. */
export const APIXO_PLANS: Readonly<Record<ApixoPlan, { readonly requestsPerMinute: number; readonly concurrentTasks: number }>> = {
  free: { requestsPerMinute: 10, concurrentTasks: 3 },
  pro: { requestsPerMinute: 60, concurrentTasks: 10 },
};

/** Documented: result URLs expire 24 hours after the task completes. */
export const APIXO_RESULT_LIFE_MS = 24 * 60 * 60_000;

const data = () => catalogData().apixo;

export const APIXO_SPEC = {
  id: 'apixo',
  label: 'Apixo',
  defaultBaseUrl: 'https://api.apixo.ai',
  get keyHelp() {
    return l10n.t('Create a key in the Apixo console.');
  },
  capabilities: {
    textToImage: true,
    editWithFiles: false,
    editWithUrls: true,
    textToVideo: true,
    imageToVideo: true,
    cancel: false,
    balance: true,
    reportsTaskCost: false,
    modelListing: false,
  },
  references: { image: 'urls', video: 'urls' },
  concurrency: { plans: APIXO_PLANS, settings: { plan: 'apixo.plan' }, source: 'apixo.ai docs (rate limits by plan)' },
  results: { lifeMs: APIXO_RESULT_LIFE_MS },
  get models() {
    return data().APIXO_MODELS;
  },
  reservedFields: ['prompt', 'image_urls', 'request_type', 'callback_url', 'input'],
  genericModel: (id: string, kind: MediaKind) => data().genericModel(id, kind),
  get modelRules() {
    return data().MODEL_RULES;
  },
  price: (request: PricedRequest) => data().apixoPrice(request),
} as const satisfies ProviderSpec<'apixo'>;

export function apixoTopLevel(model: ModelSpec, name: string): boolean {
  return model.params.some((x) => x.name === name && x.topLevel);
}

