/** Result file names: readable, sortable (UTC timestamp), portable (ASCII, no Windows-reserved names), never overwriting. */
import { randomBytes } from 'crypto';
import * as path from 'path';
import * as l10n from '@vscode/l10n';

export const UNTITLED_SLUG = 'untitled';
/** Shorter limits could not even hold the fallback name. */
const MIN_SLUG_LENGTH = UNTITLED_SLUG.length;

/** Device names Windows reserves in every folder, with or without an extension. */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/;

/** Letters NFKD does not decompose into ASCII but that have a conventional ASCII spelling. */
const ASCII_SPELLINGS: Readonly<Record<string, string>> = {
  ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', đ: 'd', ð: 'd', þ: 'th', ł: 'l', ı: 'i', ħ: 'h', ŋ: 'ng',
};

export function isWindowsReservedName(name: string): boolean {
  return WINDOWS_RESERVED.test(name.split('.')[0].trim().toLowerCase());
}

/** At most maxLength characters, cut at a word boundary unless the first word alone is longer; "untitled" if empty. */
export function slugify(prompt: string, maxLength = 40): string {
  const limit = Number.isFinite(maxLength) ? Math.max(MIN_SLUG_LENGTH, Math.floor(maxLength)) : 40;
  const ascii = prompt
    .normalize('NFKD') // "é" becomes "e" + a combining accent, "ﬁ" becomes "fi"
    .replace(/\p{M}/gu, '') // drop the accents so they do not split words
    .toLowerCase()
    .replace(/[ßæœøđðþłıħŋ]/g, (letter) => ASCII_SPELLINGS[letter]);
  const words = ascii.split(/[^a-z0-9]+/).filter((word) => word.length > 0);

  let slug = '';
  for (const word of words) {
    const next = slug ? `${slug}-${word}` : word;
    if (next.length <= limit) {
      slug = next;
    } else {
      if (!slug) slug = word.slice(0, limit);
      break;
    }
  }
  if (!slug) return UNTITLED_SLUG;
  if (isWindowsReservedName(slug)) return `${slug}-file`;
  return slug;
}

export interface ResultNameInput {
  prompt: string;
  /** Written as UTC. */
  createdAt: number;
  /** 1-based. */
  index: number;
  count: number;
  /** With or without the leading dot: "png" or ".png". */
  extension: string;
}

function utcStamp(ms: number): string {
  const date = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  const day = `${date.getUTCFullYear()}${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}`;
  return `${day}-${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}`;
}

function cleanExtension(extension: string): string {
  const bare = extension.replace(/^\./, '').toLowerCase();
  if (!/^[a-z0-9]{1,10}$/.test(bare)) throw new Error(`"${extension}" is not a file extension.`);
  return bare;
}

/** e.g. "ceramic-coffee-cup-20261121-170512.png", or "...-170512-2.png" for the second of several results. */
export function resultFileName(input: ResultNameInput): string {
  const { prompt, createdAt, index, count, extension } = input;
  if (!Number.isFinite(createdAt) || Number.isNaN(new Date(createdAt).getTime())) {
    throw new RangeError(`createdAt ${createdAt} is not a valid time.`);
  }
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count ${count} must be a positive integer.`);
  if (!Number.isInteger(index) || index < 1 || index > count) throw new RangeError(`index ${index} must be between 1 and ${count}.`);
  const position = count > 1 ? `-${index}` : '';
  return `${slugify(prompt)}-${utcStamp(createdAt)}${position}.${cleanExtension(extension)}`;
}

export interface UniqueNameOptions {
  /** How many numbered names ("name-1.png" …) to try before falling back to a random suffix. */
  maxNumbered?: number;
  randomSuffix?: () => string;
}

const RANDOM_ATTEMPTS = 5;

/** "name-1.ext", "name-2.ext", …, then "name-<random>.ext"; throws when every candidate exists rather than overwrite. */
export async function uniqueName(
  desired: string,
  exists: (name: string) => boolean | Promise<boolean>,
  options: UniqueNameOptions = {},
): Promise<string> {
  const maxNumbered = options.maxNumbered ?? 99;
  const randomSuffix = options.randomSuffix ?? (() => randomBytes(4).toString('hex'));
  if (!(await exists(desired))) return desired;

  const extension = path.posix.extname(desired);
  const stem = desired.slice(0, desired.length - extension.length);
  for (let n = 1; n <= maxNumbered; n++) {
    const candidate = `${stem}-${n}${extension}`;
    if (!(await exists(candidate))) return candidate;
  }
  for (let attempt = 0; attempt < RANDOM_ATTEMPTS; attempt++) {
    const candidate = `${stem}-${randomSuffix()}${extension}`;
    if (!(await exists(candidate))) return candidate;
  }
  throw new Error(l10n.t('Could not find a free file name for "{0}".', desired));
}

export function sidecarName(resultName: string): string {
  return `${resultName}.json`;
}

function assertPlainName(name: string, what: string): void {
  if (!name || /[/\\]/.test(name) || name === '.' || name === '..') throw new Error(`${what} "${name}" must be a plain file name.`);
}

/** Hidden (leading dot) and obviously partial (".part"), so a crash never leaves something that looks finished. */
export function tempName(finalName: string, random: string): string {
  assertPlainName(finalName, 'File name');
  if (!/^[A-Za-z0-9_-]+$/.test(random)) throw new Error(`Random part "${random}" may contain only letters, digits, "-" and "_".`);
  return `.${finalName}.${random}.part`;
}
