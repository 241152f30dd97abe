/** One adapter per provider, from settings read through a function (no `vscode` here); see also spec/registry.ts. */
import type { ProviderId } from '../providers';
import { PROVIDER_IDS } from '../providers';
import type { ProviderAdapter } from './adapter';
import { ApixoAdapter } from './apixo';
import { APIXO_SPEC } from './apixo.spec';
import { OpenAiAdapter } from './openai';
import { PixaiAdapter } from './pixai';
import { PixapiAdapter } from './pixapi';

/** At the time of use, e.g. "apixo.plan". */
export type SettingReader = (name: string) => unknown;

const FACTORIES: Readonly<Record<ProviderId, (setting: SettingReader) => ProviderAdapter>> = {
  pixapi: () => new PixapiAdapter(),
  pixai: () => new PixaiAdapter(),
  // The plan's limits (tasks at once, requests a minute) are Apixo's policy; the setting only names the plan.
  apixo: (setting) => new ApixoAdapter(() => (setting(APIXO_SPEC.concurrency.settings.plan) === 'free' ? 'free' : 'pro')),
  openai: () => new OpenAiAdapter(),
};

export function createAdapters(setting: SettingReader): Map<ProviderId, ProviderAdapter> {
  return new Map(PROVIDER_IDS.map((id) => [id, FACTORIES[id](setting)]));
}
