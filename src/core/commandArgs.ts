/** Command argument objects, checked strictly so a typo in a keybinding gives a message, not a different request. */
import { resolveOutputFolder } from './files/outputFolder';
import { isProviderId, PROVIDER_IDS, type ProviderId } from './providers';
import type { ParamValue } from './task';
import * as l10n from '@vscode/l10n';

export interface ImageArgs {
  readonly provider?: ProviderId;
  readonly model?: string;
  readonly prompt: string;
  readonly size?: string;
  readonly n?: number;
  readonly quality?: string;
  /** By the provider's names, checked against the model's spec. */
  readonly params?: Readonly<Record<string, ParamValue>>;
  /** Undocumented fields, sent as given and recorded as such in the sidecar. */
  readonly extra?: Readonly<Record<string, ParamValue>>;
  readonly sync?: boolean;
  /** For models that take URLs only (Apixo's image_urls). */
  readonly imageUrls?: readonly string[];
  readonly workspaceFolder?: string;
  /** Default: the mediaStudio.outputFolder setting. */
  readonly outputFolder?: string;
  /** Workspace-relative or a workspace file's URI; converted and resized (see targets/target.ts). */
  readonly targetPath?: string | { readonly scheme: string; readonly path: string };
  readonly width?: number;
  readonly height?: number;
  readonly fit?: 'cover' | 'contain';
  readonly background?: string;
  readonly format?: 'png' | 'jpeg' | 'webp';
  readonly preset?: 'app-icons' | 'og-image' | 'favicon' | 'hero';
}

export interface EditArgs extends ImageArgs {
  /** URIs or paths relative to the workspace folder (converted by the host). */
  readonly images: readonly unknown[];
}

export interface VideoArgs {
  readonly provider?: ProviderId;
  readonly model?: string;
  readonly prompt: string;
  readonly duration?: number;
  readonly size?: string;
  readonly inputImage?: string;
  readonly params?: Readonly<Record<string, ParamValue>>;
  readonly extra?: Readonly<Record<string, ParamValue>>;
  readonly workspaceFolder?: string;
  readonly outputFolder?: string;
}

export class ArgsProblem extends Error {}

type Spec = Record<string, 'string' | 'number' | 'boolean' | 'provider' | 'params' | 'array' | 'pathOrUri'>;

/** Checked in depth by targets/target.ts, with the workspace in hand. */
const TARGET_SPEC: Spec = {
  targetPath: 'pathOrUri',
  width: 'number',
  height: 'number',
  fit: 'string',
  background: 'string',
  format: 'string',
  preset: 'string',
};
const IMAGE_SPEC: Spec = {
  provider: 'provider',
  model: 'string',
  prompt: 'string',
  size: 'string',
  n: 'number',
  quality: 'string',
  params: 'params',
  extra: 'params',
  sync: 'boolean',
  imageUrls: 'array',
  workspaceFolder: 'string',
  outputFolder: 'string',
  ...TARGET_SPEC,
};
const EDIT_SPEC: Spec = { ...IMAGE_SPEC, images: 'array' };
const VIDEO_SPEC: Spec = {
  provider: 'provider',
  model: 'string',
  prompt: 'string',
  duration: 'number',
  size: 'string',
  inputImage: 'string',
  params: 'params',
  extra: 'params',
  workspaceFolder: 'string',
  outputFolder: 'string',
};

/** No null. */
function isParamValue(value: unknown, depth = 0): boolean {
  if (typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (depth > 8 || value === null || typeof value !== 'object') return false;
  return Object.values(value).every((v) => isParamValue(v, depth + 1));
}

function check(command: string, value: unknown, spec: Spec): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new ArgsProblem(l10n.t('{0} takes one argument object, such as { "prompt": "a red bicycle" }.', command));
  const args = value as Record<string, unknown>;
  for (const [key, v] of Object.entries(args)) {
    const type = Object.hasOwn(spec, key) ? spec[key] : undefined;
    if (!type) throw new ArgsProblem(l10n.t('{0}: unknown argument "{1}". Known: {2}.', command, key, Object.keys(spec).join(', ')));
    if (v === undefined) continue;
    const ok = type === 'provider' ? isProviderId(v)
      : type === 'params' ? !!v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((p) => isParamValue(p))
      : type === 'array' ? Array.isArray(v)
      : type === 'pathOrUri' ? typeof v === 'string' || (!!v && typeof v === 'object' && 'scheme' in v && 'path' in v)
      : typeof v === type;
    if (!ok) {
      const expected =
        type === 'provider'
          ? l10n.t('one of {0}', PROVIDER_IDS.join(', '))
          : type === 'params'
            ? l10n.t('an object of field names and JSON values (text, numbers, booleans, lists, objects)')
            : type === 'array'
              ? l10n.t('a list')
              : type === 'pathOrUri'
                ? l10n.t('a path relative to the workspace folder or a file URI')
                : l10n.t('a {0}', type);
      throw new ArgsProblem(l10n.t('{0}: "{1}" must be {2}.', command, key, expected));
    }
  }
  if (typeof args.prompt !== 'string') throw new ArgsProblem(l10n.t('{0}: "prompt" is required.', command));
  if (typeof args.n === 'number' && (!Number.isInteger(args.n) || args.n < 1))
    throw new ArgsProblem(l10n.t('{0}: "n" must be a whole number of at least 1.', command));
  if (typeof args.outputFolder === 'string') {
    const folder = resolveOutputFolder(args.outputFolder);
    if ('error' in folder) throw new ArgsProblem(`${command}: ${folder.error}`);
  }
  if (Array.isArray(args.imageUrls) && !args.imageUrls.every((u) => typeof u === 'string' && /^https?:\/\/\S+$/.test(u))) {
    throw new ArgsProblem(l10n.t('{0}: "imageUrls" must list public http(s) URLs.', command));
  }
  return args;
}

export function parseImageArgs(value: unknown): ImageArgs {
  return check(l10n.t('Generate Image'), value, IMAGE_SPEC) as unknown as ImageArgs;
}

export function parseEditArgs(value: unknown): EditArgs {
  const args = check(l10n.t('Edit Image'), value, EDIT_SPEC) as unknown as EditArgs;
  if (!Array.isArray(args.images) || args.images.length === 0)
    throw new ArgsProblem(l10n.t('Edit Image: "images" must list at least one workspace image.'));
  return args;
}

export function parseVideoArgs(value: unknown): VideoArgs {
  return check(l10n.t('Generate Video'), value, VIDEO_SPEC) as unknown as VideoArgs;
}
