/** Exact targets (path, size, fit, format) and presets, all checked before anything is sent, so a bad one costs nothing. */
import * as l10n from '@vscode/l10n';

export type TargetFormat = 'png' | 'jpeg' | 'webp' | 'ico';
export type Fit = 'cover' | 'contain';
export type PresetId = 'app-icons' | 'og-image' | 'favicon' | 'hero';

/** The smallest is 1. */
export const MAX_TARGET_SIDE = 8192;
export const ICO_SIZES: readonly number[] = [16, 32, 48];

export interface TargetOutput {
  /** Relative to the workspace folder, '/'-separated, never '..'. */
  readonly path: string;
  readonly format: TargetFormat;
  /** Both unset: the provider's size; one unset: follows the image's aspect ratio. */
  readonly width?: number;
  readonly height?: number;
}

export interface TargetPlan {
  readonly outputs: readonly TargetOutput[];
  readonly fit: Fit;
  /** Hex colour for `contain`'s margins and a JPEG's transparency; unset: transparent (white in a JPEG). */
  readonly background?: string;
  readonly preset?: PresetId;
}

/** The host turns a URI into a relative path first. */
export interface TargetArgs {
  readonly targetPath?: string;
  readonly width?: unknown;
  readonly height?: unknown;
  readonly fit?: unknown;
  readonly background?: unknown;
  readonly format?: unknown;
  readonly preset?: unknown;
}

export class TargetProblem extends Error {}

export interface PresetInfo {
  readonly id: PresetId;
  readonly label: string;
  readonly detail: string;
  /** Without a targetPath: a folder for the icon set, else a file. */
  readonly defaultPath: string;
}

export const PRESET_IDS: readonly PresetId[] = ['app-icons', 'og-image', 'favicon', 'hero'];
export const APP_ICON_SIZES: readonly number[] = [1024, 512, 192, 180, 32, 16];

export function presetInfo(id: PresetId): PresetInfo {
  switch (id) {
    case 'app-icons':
      return {
        id,
        label: l10n.t('App icon set'),
        detail: l10n.t('PNGs with transparency at 1024, 512, 192, 180, 32 and 16 px from one generation'),
        defaultPath: 'icons',
      };
    case 'og-image':
      return { id, label: l10n.t('Open Graph image'), detail: l10n.t('1200×630 JPEG for link previews'), defaultPath: 'og-image.jpg' };
    case 'favicon':
      return { id, label: l10n.t('Favicon'), detail: l10n.t('favicon.ico with 16, 32 and 48 px images'), defaultPath: 'favicon.ico' };
    case 'hero':
      return { id, label: l10n.t('Hero banner'), detail: l10n.t('1920×1080 WebP'), defaultPath: 'hero.webp' };
  }
}

const EXTENSION_FORMATS: Readonly<Record<string, TargetFormat>> = { png: 'png', jpg: 'jpeg', jpeg: 'jpeg', webp: 'webp', ico: 'ico' };

/** Undefined for any other extension. */
export function formatOfPath(path: string): TargetFormat | undefined {
  const name = path.split('/').pop() ?? '';
  const dot = name.lastIndexOf('.');
  return dot > 0 ? EXTENSION_FORMATS[name.slice(dot + 1).toLowerCase()] : undefined;
}

function unsupportedFormat(shown: string): string {
  return l10n.t(
    '"{0}" cannot be written: Media Studio writes only PNG, JPEG and WebP images (and favicon.ico). Give the target a .png, .jpg or .webp name.',
    shown,
  );
}

/** Returns the normalised '/'-separated path; `folder` allows a folder (the icon set's). */
export function checkTargetPath(raw: string, options: { folder?: boolean } = {}): string {
  const shown = raw;
  const value = raw.trim();
  if (!value)
    throw new TargetProblem(l10n.t('"targetPath" is empty. Give a path relative to the workspace folder, such as "images/hero.webp".'));
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || /^(data|blob|mailto):/i.test(value)) {
    throw new TargetProblem(
      l10n.t(
        '"{0}" is a URL, not a file in the workspace. Give a path relative to the workspace folder, such as "images/hero.webp".',
        shown,
      ),
    );
  }
  if (/^([a-z]:|[\\/])/i.test(value)) {
    throw new TargetProblem(
      l10n.t(
        '"{0}" is an absolute path, which may be outside the workspace folder. Give a path relative to the workspace folder, such as "images/hero.webp".',
        shown,
      ),
    );
  }
  const segments = value.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) {
    throw new TargetProblem(l10n.t('"{0}" points outside the workspace folder. Give a path inside it, such as "images/hero.webp".', shown));
  }
  if (segments.length === 0) throw new TargetProblem(l10n.t('"{0}" names the workspace folder itself, not a file.', shown));
  const path = segments.join('/');
  if (options.folder) return path;
  if (/[\\/]$/.test(value))
    throw new TargetProblem(l10n.t('"{0}" names a folder. Give the image file\'s path, such as "{1}hero.webp".', shown, path + '/'));
  const name = segments[segments.length - 1];
  if (!name.includes('.') || name.startsWith('.') && name.indexOf('.', 1) < 0) {
    throw new TargetProblem(l10n.t('"{0}" has no file extension, so its format is unknown. End it in .png, .jpg or .webp.', shown));
  }
  if (!formatOfPath(path)) throw new TargetProblem(unsupportedFormat(shown));
  return path;
}

function side(name: 'width' | 'height', value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const number = typeof value === 'string' && /^\s*\d+\s*(px)?\s*$/i.test(value) ? Number.parseInt(value, 10) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 1 || number > MAX_TARGET_SIDE) {
    throw new TargetProblem(
      l10n.t('"{0}" must be a whole number of pixels from 1 to {1}; {2} is not.', name, MAX_TARGET_SIDE, JSON.stringify(value)),
    );
  }
  return number;
}

const HEX_COLOUR = /^#([0-9a-f]{3}|[0-9a-f]{4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;

/** '#rgb', '#rgba', '#rrggbb', '#rrggbbaa' or 'transparent'. */
export function parseColour(value: string): [number, number, number, number] | undefined {
  if (value.trim().toLowerCase() === 'transparent') return [0, 0, 0, 0];
  const match = HEX_COLOUR.exec(value.trim());
  if (!match) return undefined;
  let hex = match[1];
  if (hex.length <= 4) hex = [...hex].map((c) => c + c).join('');
  if (hex.length === 6) hex += 'ff';
  return [0, 2, 4, 6].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as [number, number, number, number];
}

function isPreset(value: unknown): value is PresetId {
  return typeof value === 'string' && (PRESET_IDS as readonly string[]).includes(value);
}

export function wantsTarget(args: TargetArgs): boolean {
  return [args.targetPath, args.width, args.height, args.fit, args.background, args.format, args.preset].some((v) => v !== undefined);
}

/** Undefined when there are none. Throws TargetProblem. */
export function parseTarget(args: TargetArgs): TargetPlan | undefined {
  if (!wantsTarget(args)) return undefined;
  if (args.fit !== undefined && args.fit !== 'cover' && args.fit !== 'contain') {
    throw new TargetProblem(
      l10n.t('"fit" must be "cover" (fill the size, cropping the overflow) or "contain" (fit inside it, padding the margins).'),
    );
  }
  const fit: Fit = args.fit === 'contain' ? 'contain' : 'cover';
  let background: string | undefined;
  if (args.background !== undefined) {
    if (typeof args.background !== 'string' || !parseColour(args.background)) {
      throw new TargetProblem(l10n.t('"background" must be a colour such as "#ffffff", "#00000000" or "transparent".'));
    }
    background = args.background.trim();
  }
  if (args.format !== undefined && args.format !== 'png' && args.format !== 'jpeg' && args.format !== 'webp') {
    throw new TargetProblem(l10n.t('"format" must be "png", "jpeg" or "webp": only PNG, JPEG and WebP images can be written.'));
  }
  if (args.preset !== undefined) {
    if (!isPreset(args.preset)) throw new TargetProblem(l10n.t('"preset" must be one of {0}.', PRESET_IDS.join(', ')));
    if (args.width !== undefined || args.height !== undefined || args.format !== undefined) {
      throw new TargetProblem(
        l10n.t('The "{0}" preset sets the size and format itself: leave out "width", "height" and "format".', args.preset),
      );
    }
    return { outputs: presetOutputs(args.preset, args.targetPath), fit, background, preset: args.preset };
  }
  const width = side('width', args.width);
  const height = side('height', args.height);
  if (args.targetPath === undefined) {
    throw new TargetProblem(
      l10n.t('"width", "height", "fit", "background" and "format" need a "targetPath": the file to write, such as "images/hero.webp".'),
    );
  }
  const path = checkTargetPath(args.targetPath);
  const fromName = formatOfPath(path) as TargetFormat;
  if (args.format !== undefined && args.format !== fromName) {
    throw new TargetProblem(
      l10n.t('"format" is "{0}" but "{1}" is named as a {2} file. Make the two agree.', String(args.format), path, fromName.toUpperCase()),
    );
  }
  if (fromName === 'ico') {
    if (width !== undefined || height !== undefined)
      throw new TargetProblem(l10n.t('A .ico target holds the 16, 32 and 48 px sizes: leave out "width" and "height".'));
    return { outputs: [{ path, format: 'ico', width: 48, height: 48 }], fit, background };
  }
  return { outputs: [{ path, format: fromName, width, height }], fit, background };
}

function presetOutputs(preset: PresetId, targetPath: string | undefined): TargetOutput[] {
  const info = presetInfo(preset);
  if (preset === 'app-icons') {
    const folder = checkTargetPath(targetPath ?? info.defaultPath, { folder: true });
    if (formatOfPath(folder))
      throw new TargetProblem(l10n.t('The app icon set writes six files: "targetPath" names their folder (such as "icons"), not a file.'));
    return APP_ICON_SIZES.map((size) => ({ path: `${folder}/icon-${size}.png`, format: 'png', width: size, height: size }));
  }
  const path = checkTargetPath(targetPath ?? info.defaultPath);
  const format = formatOfPath(path);
  const wanted: Record<Exclude<PresetId, 'app-icons'>, { format: TargetFormat; width: number; height: number }> = {
    'og-image': { format: 'jpeg', width: 1200, height: 630 },
    favicon: { format: 'ico', width: 48, height: 48 },
    hero: { format: 'webp', width: 1920, height: 1080 },
  };
  const spec = wanted[preset];
  if (format !== spec.format) {
    throw new TargetProblem(
      l10n.t(
        'The "{0}" preset writes a {1} file: give "targetPath" a {2} name.',
        preset,
        spec.format.toUpperCase(),
        spec.format === 'jpeg' ? '.jpg' : `.${spec.format}`,
      ),
    );
  }
  return [{ path, ...spec }];
}

/** The largest output (an icon set is made once at 1024 px), else undefined. */
export function requestedSize(plan: TargetPlan): { width: number; height: number } | undefined {
  let best: { width: number; height: number } | undefined;
  for (const output of plan.outputs) {
    if (output.width === undefined || output.height === undefined) continue;
    if (!best || output.width * output.height > best.width * best.height) best = { width: output.width, height: output.height };
  }
  return best;
}

/** Task files are untrusted: the same checks as a typed one. */
export function checkStoredPlan(value: unknown): TargetPlan | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const plan = value as Partial<TargetPlan>;
  if (!Array.isArray(plan.outputs) || plan.outputs.length === 0 || plan.outputs.length > APP_ICON_SIZES.length) return undefined;
  try {
    const outputs = plan.outputs.map((o: Partial<TargetOutput>) => {
      const path = checkTargetPath(String(o.path));
      const format = formatOfPath(path);
      if (!format || format !== o.format) throw new TargetProblem('format');
      return { path, format, width: side('width', o.width), height: side('height', o.height) };
    });
    const fit: Fit = plan.fit === 'contain' ? 'contain' : 'cover';
    const background = typeof plan.background === 'string' && parseColour(plan.background) ? plan.background : undefined;
    return { outputs, fit, background, ...(isPreset(plan.preset) ? { preset: plan.preset } : {}) };
  } catch {
    return undefined;
  }
}
