/**
 * PixAI's spec: what activation and the engine need here (id, label, capabilities, the one-in-ten task cap, model ids
 * from model page URLs); the documented v2 fields and the SDK's `extra` fields in pixai.models.ts, loaded on first use.
 */
import type { MediaKind } from '../task';
import type { ProviderSpec } from '../spec/types';
import { catalogData } from '../spec/lazyCatalog';
import * as l10n from '@vscode/l10n';

/** The model version id PixAI's quick-start uses; PixAI has no list-models endpoint. */
export const PIXAI_EXAMPLE_MODEL_VERSION_ID = '1983308862240288769';

const MODEL_PAGE = /^(?:https?:\/\/)?(?:www\.)?pixai\.art\/model\/[^/?#\s]+\/(\d+)\/?(?:[?#]\S*)?$/i;

/** A bare id or `pixai.art/model/<id>/<modelVersionId>` (with or without https://, www., slash or query). */
export function parseModelVersionId(input: string): string | undefined {
  const text = input.trim();
  if (/^\d+$/.test(text)) return text;
  return MODEL_PAGE.exec(text)?.[1];
}

const data = () => catalogData().pixai;

export const PIXAI_SPEC = {
  id: 'pixai',
  label: 'PixAI',
  defaultBaseUrl: 'https://api.pixai.art',
  get keyHelp() {
    return l10n.t('Create a key in PixAI account settings → API.');
  },
  capabilities: {
    textToImage: true,
    editWithFiles: false,
    editWithUrls: true,
    textToVideo: false,
    imageToVideo: false,
    cancel: true,
    balance: false,
    reportsTaskCost: false,
    modelListing: false,
  },
  references: { image: 'urls', video: 'none' },
  // Documented: at most 10 tasks per account waiting or running; the setting may lower it.
  concurrency: {
    maxActiveTasks: 10,
    settings: { maxActiveTasks: 'pixai.maxConcurrentTasks' },
    source: 'platform.pixai.art docs (rate limits)',
  },
  // Results "are not kept permanently" (no life stated); the media route needs the key.
  results: { keyedRoute: /^\/v1\/media\/[^/]+\/image\/?$/ },
  get models() {
    return data().PIXAI_MODELS;
  },
  reservedFields: ['modelVersionId', 'prompt', 'prompts', 'mediaUrl', 'mediaId'],
  // Every PixAI model version takes the same documented fields.
  genericModel: (id: string, _kind: MediaKind) => data().model(id, undefined, true),
  modelIdFrom: parseModelVersionId,
  modelIdHint: 'https://pixai.art/model/…/…',
  price: () => ({ unknown: true, reason: l10n.t('PixAI documents no prices for its API.') }),
} as const satisfies ProviderSpec<'pixai'>;
