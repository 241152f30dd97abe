/**
 * Image references in a document's own syntax — Markdown `![alt](path "title")`, HTML/JSX/Vue/Svelte
 * `<img src alt width height>` (and `<link rel="icon" href>`), CSS/SCSS/Less `url(…)` — with what the document
 * says about each: alt text, title, the nearest heading, the size the element states. Pure text work: whether the
 * file exists is the host's question.
 */
import { MARKDOWN, MARKUP, STYLES } from './referenceLanguages';

export { REFERENCE_LANGUAGES } from './referenceLanguages';

export type ReferenceSyntax = 'markdown' | 'html' | 'css';

export interface ImageReference {
  /** As written, without a query or fragment. */
  readonly path: string;
  /** End exclusive. */
  readonly start: number;
  readonly end: number;
  readonly syntax: ReferenceSyntax;
  readonly alt?: string;
  readonly title?: string;
  /** Markdown `#`, HTML `<h1>`…`<h6>`, or the CSS rule's selector. */
  readonly heading?: string;
  readonly width?: number;
  readonly height?: number;
}

/** Image file extensions a reference may name (those Media Studio can write are WRITABLE_EXTENSIONS). */
const IMAGE_EXTENSION = /\.(png|jpe?g|webp|gif|svg|ico|avif|bmp)$/i;
const WRITABLE_EXTENSION = /\.(png|jpe?g|webp|ico)$/i;

/** No scheme (http:, data:…), no protocol-relative //, no absolute /, no template. */
export function isRelativeLocalPath(path: string): boolean {
  if (
    !path ||
    /^[a-z][a-z0-9+.-]*:/i.test(path) ||
    path.startsWith('/') ||
    path.startsWith('\\') ||
    path.startsWith('#') ||
    path.startsWith('~')
  )
    return false;
  return !/[{}$<>`]|%7B/i.test(path); // templates (`{{ x }}`, `${x}`) name no file
}

export function isImagePath(path: string): boolean {
  return IMAGE_EXTENSION.test(path);
}

/** PNG, JPEG, WebP, ICO. */
export function isWritableImagePath(path: string): boolean {
  return WRITABLE_EXTENSION.test(path);
}

function stripQuery(path: string): string {
  return path.replace(/[?#].*$/, '');
}

function decodeEntities(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&#39;|&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function pixels(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^\s*(\d+)\s*(px)?\s*$/i.exec(value);
  return match ? Number(match[1]) : undefined;
}

interface Heading { readonly at: number; readonly text: string }

function markdownHeadings(text: string): Heading[] {
  const headings: Heading[] = [];
  for (const match of text.matchAll(/^ {0,3}#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) headings.push({ at: match.index, text: match[1].trim() });
  return headings;
}

function htmlHeadings(text: string): Heading[] {
  const headings: Heading[] = [];
  for (const match of text.matchAll(/<h[1-6]\b[^>]*>([\s\S]*?)<\/h[1-6]\s*>/gi)) {
    const words = decodeEntities(match[1].replace(/<[^>]*>/g, '')).replace(/\s+/g, ' ').trim();
    if (words) headings.push({ at: match.index, text: words });
  }
  return headings;
}

function nearest(headings: readonly Heading[], at: number): string | undefined {
  let found: string | undefined;
  for (const heading of headings) {
    if (heading.at > at) break;
    found = heading.text;
  }
  return found;
}

/** Offsets included; JSX `{…}` strings and numbers too. */
function attributes(tag: string, tagStart: number): Map<string, { value: string; start: number }> {
  const found = new Map<string, { value: string; start: number }>();
  const pattern = /([^\s=/<>"'{}]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|\{\s*(?:"([^"]*)"|'([^']*)'|`([^`$]*)`|(\d+))\s*\})/g;
  for (const match of tag.matchAll(pattern)) {
    const groups = [match[2], match[3], match[4], match[5], match[6], match[7]];
    const index = groups.findIndex((g) => g !== undefined);
    const value = groups[index] as string;
    // The value is the match's last occurrence of it: only its closing quote and brace follow.
    const start = tagStart + match.index + match[0].lastIndexOf(value);
    found.set(match[1].toLowerCase(), { value, start });
  }
  return found;
}

function markupReferences(text: string, headings: readonly Heading[]): ImageReference[] {
  const references: ImageReference[] = [];
  for (const match of text.matchAll(/<(img|link)\b[^>]*>/gi)) {
    const attrs = attributes(match[0], match.index);
    const isLink = match[1].toLowerCase() === 'link';
    if (isLink && !/\bicon\b/i.test(attrs.get('rel')?.value ?? '')) continue;
    const source = attrs.get(isLink ? 'href' : 'src');
    if (!source) continue;
    const alt = attrs.get('alt')?.value;
    const title = attrs.get('title')?.value;
    const sizes = isLink ? /^(\d+)x(\d+)$/i.exec(attrs.get('sizes')?.value ?? '') : undefined;
    references.push({
      path: stripQuery(decodeEntities(source.value.trim())),
      start: source.start + (source.value.length - source.value.trimStart().length),
      end: source.start + source.value.trimEnd().length,
      syntax: 'html',
      alt: alt !== undefined ? decodeEntities(alt).trim() || undefined : undefined,
      title: title !== undefined ? decodeEntities(title).trim() || undefined : undefined,
      heading: nearest(headings, match.index),
      width: sizes ? Number(sizes[1]) : pixels(attrs.get('width')?.value),
      height: sizes ? Number(sizes[2]) : pixels(attrs.get('height')?.value),
    });
  }
  return references;
}

function markdownReferences(text: string, headings: readonly Heading[]): ImageReference[] {
  const references: ImageReference[] = [];
  const pattern = /!\[((?:\\.|[^\]\\])*)\]\(\s*(<[^>\n]*>|[^\s)]+)(?:\s+(?:"([^"]*)"|'([^']*)'|\(([^)]*)\)))?\s*\)/g;
  for (const match of text.matchAll(pattern)) {
    const raw = match[2];
    const bracketed = raw.startsWith('<');
    const path = bracketed ? raw.slice(1, -1) : raw;
    const start = match.index + match[0].indexOf(raw, match[1].length + 2) + (bracketed ? 1 : 0);
    const title = match[3] ?? match[4] ?? match[5];
    references.push({
      path: stripQuery(decodeURIComponentSafe(path)),
      start,
      end: start + path.length,
      syntax: 'markdown',
      alt: match[1].replace(/\\(.)/g, '$1').trim() || undefined,
      title: title?.trim() || undefined,
      heading: nearest(headings, match.index),
    });
  }
  return references;
}

function decodeURIComponentSafe(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** The text between the previous `}`/`;`/`{` run and its `{`. */
function selectorBefore(text: string, at: number): string | undefined {
  const open = text.lastIndexOf('{', at);
  if (open < 0) return undefined;
  const before = text.slice(0, open);
  const commentEnd = before.lastIndexOf('*/');
  const from = Math.max(before.lastIndexOf('}'), before.lastIndexOf(';'), before.lastIndexOf('{'), commentEnd >= 0 ? commentEnd + 1 : -1);
  const selector = before.slice(from + 1).replace(/\/\*[\s\S]*?\*\//g, '').replace(/\s+/g, ' ').trim();
  return selector || undefined;
}

function cssReferences(text: string): ImageReference[] {
  const references: ImageReference[] = [];
  // Comments are blanked (same length) so a url() inside one is not taken for a reference.
  const code = text
    .replace(/\/\*[\s\S]*?\*\//g, (c) => ' '.repeat(c.length))
    .replace(/(^|[^:])\/\/[^\n]*/g, (c, lead: string) => lead + ' '.repeat(c.length - lead.length));
  for (const match of code.matchAll(/url\(\s*(?:"([^"]*)"|'([^']*)'|([^)"'\s]*))\s*\)/gi)) {
    const value = match[1] ?? match[2] ?? match[3] ?? '';
    const start = match.index + match[0].indexOf(value, 4);
    references.push({
      path: stripQuery(value),
      start,
      end: start + value.length,
      syntax: 'css',
      heading: selectorBefore(code, match.index),
    });
  }
  return references;
}

/** Paths of any kind: the caller filters remote ones. */
export function findImageReferences(text: string, languageId: string): ImageReference[] {
  let references: ImageReference[];
  if (MARKDOWN.includes(languageId)) {
    const headings = markdownHeadings(text);
    references = [
      ...markdownReferences(text, headings),
      ...markupReferences(
        text,
        [...headings, ...htmlHeadings(text)].sort((a, b) => a.at - b.at),
      ),
    ];
  } else if (MARKUP.includes(languageId)) {
    references = markupReferences(text, htmlHeadings(text));
  } else if (STYLES.includes(languageId)) {
    references = cssReferences(text);
  } else {
    return [];
  }
  return references.filter((r) => isImagePath(r.path)).sort((a, b) => a.start - b.start);
}

/** "hero-banner@2x.webp" → "hero banner": the last fallback for a prompt. */
export function wordsOfFileName(path: string): string {
  const name = (path.split('/').pop() ?? path).replace(/\.[^.]+$/, '');
  return name.replace(/@\dx$/i, '').replace(/[-_.]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').trim();
}

/** Alt text, else title, else the nearest heading, else the file name's words. */
export function suggestedPrompt(reference: ImageReference): string {
  return reference.alt ?? reference.title ?? reference.heading ?? wordsOfFileName(reference.path);
}

/** A cursor: start = end. */
export function referencesIn(references: readonly ImageReference[], start: number, end: number): ImageReference[] {
  return references.filter((r) => r.start <= end && r.end >= start);
}

/** For Insert Generated Image; undefined: not a language we write into. */
export function insertionSyntax(languageId: string): 'markdown' | 'html' | 'jsx' | 'css' | undefined {
  if (MARKDOWN.includes(languageId)) return 'markdown';
  if (languageId === 'javascriptreact' || languageId === 'typescriptreact') return 'jsx';
  if (MARKUP.includes(languageId)) return 'html';
  if (STYLES.includes(languageId)) return 'css';
  return undefined;
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** `path` is relative to the document, '/'-separated. */
export function referenceText(
  syntax: 'markdown' | 'html' | 'jsx' | 'css',
  path: string,
  alt: string,
  size?: { width: number; height: number },
): string {
  const oneLine = alt.replace(/\s+/g, ' ').trim();
  switch (syntax) {
    case 'markdown': {
      const target = /[\s()<>]/.test(path) ? `<${path}>` : path;
      return `![${oneLine.replace(/([[\]\\])/g, '\\$1')}](${target})`;
    }
    case 'html':
      return `<img src="${escapeAttribute(path)}" alt="${escapeAttribute(oneLine)}"${size ? ` width="${size.width}" height="${size.height}"` : ''}>`;
    case 'jsx':
      return `<img src="${escapeAttribute(path)}" alt="${escapeAttribute(oneLine)}"${size ? ` width={${size.width}} height={${size.height}}` : ''} />`;
    case 'css':
      return `url("${path.replace(/"/g, '\\"')}")`;
  }
}

/** Both given as '/'-separated paths from the same root. */
export function relativeTo(documentPath: string, target: string): string {
  const from = documentPath.split('/').slice(0, -1).filter(Boolean);
  const to = target.split('/').filter(Boolean);
  let common = 0;
  while (common < from.length && common < to.length - 1 && from[common] === to[common]) common++;
  const ups = from.length - common;
  const rest = to.slice(common).join('/');
  return ups === 0 ? rest : `${'../'.repeat(ups)}${rest}`;
}
