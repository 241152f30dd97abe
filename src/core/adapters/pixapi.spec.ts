/**
 * Pixapi's spec: what activation and the engine need here (id, label, capabilities); the model catalog (the models
 * it documents, the generic schema for models GET /v1/models lists, MODELS.md's credit table) in pixapi.models.ts,
 * loaded on first use.
 */
import type { MediaKind, Operation } from '../task';
import type { ModelSpec, PricedRequest, ProviderSpec } from '../spec/types';
import { catalogData } from '../spec/lazyCatalog';
import * as l10n from '@vscode/l10n';

const data = () => catalogData().pixapi;

export const PIXAPI_SPEC = {
  id: 'pixapi',
  label: 'Pixapi',
  defaultBaseUrl: 'https://api.pixapi.ai',
  get keyHelp() {
    return l10n.t('Create a key in the Pixapi dashboard.');
  },
  capabilities: {
    textToImage: true,
    editWithFiles: true,
    editWithUrls: false,
    textToVideo: true,
    imageToVideo: true,
    cancel: false,
    balance: false,
    reportsTaskCost: true,
    modelListing: true,
    syncSetting: 'pixapi.synchronous',
  },
  references: { image: 'files', video: 'urls' },
  // No concurrency cap, request budget or result life is documented.
  concurrency: { settings: {} },
  results: {},
  get models() {
    return data().PIXAPI_MODELS;
  },
  reservedFields: ['model', 'prompt', 'image'],
  genericModel: (id: string, kind: MediaKind) => data().genericModel(id, kind),
  price: (request: PricedRequest) => data().pixapiPrice(request),
} as const satisfies ProviderSpec<'pixapi'>;

export function pixapiOperations(kind: MediaKind, edits: boolean): readonly Operation[] {
  return kind === 'video' ? ['video'] : edits ? ['generate', 'edit'] : ['generate'];
}

/** The documented spec by id or alias, else the generic schema, editing only where the listing says `image-to-image`. */
export function mergePixapiModels(listed: readonly { id: string; kind: MediaKind; edits: boolean }[]): ModelSpec[] {
  return data().mergePixapiModels(listed);
}
