/**
 * The OpenAI-compatible spec: what activation and the engine need here; the model catalog (from OpenAI's public
 * images API reference) in openai.models.ts, loaded on first use.
 */
import type { MediaKind } from '../task';
import type { ProviderSpec } from '../spec/types';
import { catalogData } from '../spec/lazyCatalog';
import * as l10n from '@vscode/l10n';

const data = () => catalogData().openai;

export const OPENAI_SPEC = {
  id: 'openai',
  // Any server that speaks OpenAI's synchronous images API (OpenAI itself, or a compatible gateway).
  label: 'OpenAI-compatible',
  defaultBaseUrl: 'https://api.openai.com',
  get keyHelp() {
    return l10n.t('Create a key on platform.openai.com (API keys), or use the key of your OpenAI-compatible gateway.');
  },
  capabilities: {
    textToImage: true,
    editWithFiles: true,
    editWithUrls: false,
    textToVideo: false,
    imageToVideo: false,
    cancel: false,
    balance: false,
    reportsTaskCost: false,
    modelListing: false,
  },
  references: { image: 'files', video: 'none' },
  concurrency: { settings: {} },
  results: {},
  get models() {
    return data().OPENAI_MODELS;
  },
  reservedFields: ['model', 'prompt', 'image', 'image[]'],
  genericModel: (id: string, kind: MediaKind) => data().genericModel(id, kind),
  price: () => ({ unknown: true, reason: l10n.t('MODELS.md gives no OpenAI prices.') }),
} as const satisfies ProviderSpec<'openai'>;
