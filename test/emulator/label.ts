/**
 * What the emulator draws on a result image, so that results can be told apart in the demo: the model id and
 * the prompt's words in a 5×8 bitmap font (printable ASCII, scaled up, the prompt wrapped over a few lines), on a
 * background whose hue comes from a hash of the prompt. The PNG and JPEG encoders read the same layout.
 */

export type Rgb = readonly [number, number, number];

/** What an image shows. */
export interface PictureText {
  readonly prompt: string;
  readonly model: string;
}

export interface TextLine {
  readonly text: string;
  /** Top-left corner of the line's first glyph, in image pixels. */
  readonly x: number;
  readonly y: number;
  readonly colour: Rgb;
}

export interface PictureLayout {
  readonly width: number;
  readonly height: number;
  /** Image pixels per font pixel. */
  readonly scale: number;
  readonly lines: readonly TextLine[];
  /** Background at the top and bottom row (a vertical gradient between them). */
  readonly top: Rgb;
  readonly bottom: Rgb;
}

/** Glyph columns of ASCII 32..126, five bytes each, bit 0 the top row (the classic 5×7 LCD font, with descenders). */
const GLYPHS = [
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x5f, 0x00, 0x00, 0x00, 0x07, 0x00, 0x07, 0x00, 0x14, 0x7f, 0x14, 0x7f, 0x14,
  0x24, 0x2a, 0x7f, 0x2a, 0x12, 0x23, 0x13, 0x08, 0x64, 0x62, 0x36, 0x49, 0x56, 0x20, 0x50, 0x00, 0x00, 0x07, 0x00, 0x00,
  0x00, 0x1c, 0x22, 0x41, 0x00, 0x00, 0x41, 0x22, 0x1c, 0x00, 0x14, 0x08, 0x3e, 0x08, 0x14, 0x08, 0x08, 0x3e, 0x08, 0x08,
  0x00, 0xa0, 0x60, 0x00, 0x00, 0x08, 0x08, 0x08, 0x08, 0x08, 0x00, 0x60, 0x60, 0x00, 0x00, 0x20, 0x10, 0x08, 0x04, 0x02,
  0x3e, 0x51, 0x49, 0x45, 0x3e, 0x00, 0x42, 0x7f, 0x40, 0x00, 0x42, 0x61, 0x51, 0x49, 0x46, 0x21, 0x41, 0x45, 0x4b, 0x31,
  0x18, 0x14, 0x12, 0x7f, 0x10, 0x27, 0x45, 0x45, 0x45, 0x39, 0x3c, 0x4a, 0x49, 0x49, 0x30, 0x01, 0x71, 0x09, 0x05, 0x03,
  0x36, 0x49, 0x49, 0x49, 0x36, 0x06, 0x49, 0x49, 0x29, 0x1e, 0x00, 0x36, 0x36, 0x00, 0x00, 0x00, 0x56, 0x36, 0x00, 0x00,
  0x08, 0x14, 0x22, 0x41, 0x00, 0x14, 0x14, 0x14, 0x14, 0x14, 0x00, 0x41, 0x22, 0x14, 0x08, 0x02, 0x01, 0x51, 0x09, 0x06,
  0x32, 0x49, 0x79, 0x41, 0x3e, 0x7e, 0x11, 0x11, 0x11, 0x7e, 0x7f, 0x49, 0x49, 0x49, 0x36, 0x3e, 0x41, 0x41, 0x41, 0x22,
  0x7f, 0x41, 0x41, 0x22, 0x1c, 0x7f, 0x49, 0x49, 0x49, 0x41, 0x7f, 0x09, 0x09, 0x09, 0x01, 0x3e, 0x41, 0x49, 0x49, 0x7a,
  0x7f, 0x08, 0x08, 0x08, 0x7f, 0x00, 0x41, 0x7f, 0x41, 0x00, 0x20, 0x40, 0x41, 0x3f, 0x01, 0x7f, 0x08, 0x14, 0x22, 0x41,
  0x7f, 0x40, 0x40, 0x40, 0x40, 0x7f, 0x02, 0x0c, 0x02, 0x7f, 0x7f, 0x04, 0x08, 0x10, 0x7f, 0x3e, 0x41, 0x41, 0x41, 0x3e,
  0x7f, 0x09, 0x09, 0x09, 0x06, 0x3e, 0x41, 0x51, 0x21, 0x5e, 0x7f, 0x09, 0x19, 0x29, 0x46, 0x46, 0x49, 0x49, 0x49, 0x31,
  0x01, 0x01, 0x7f, 0x01, 0x01, 0x3f, 0x40, 0x40, 0x40, 0x3f, 0x1f, 0x20, 0x40, 0x20, 0x1f, 0x3f, 0x40, 0x38, 0x40, 0x3f,
  0x63, 0x14, 0x08, 0x14, 0x63, 0x07, 0x08, 0x70, 0x08, 0x07, 0x61, 0x51, 0x49, 0x45, 0x43, 0x00, 0x7f, 0x41, 0x41, 0x00,
  0x02, 0x04, 0x08, 0x10, 0x20, 0x00, 0x41, 0x41, 0x7f, 0x00, 0x04, 0x02, 0x01, 0x02, 0x04, 0x40, 0x40, 0x40, 0x40, 0x40,
  0x00, 0x01, 0x02, 0x04, 0x00, 0x20, 0x54, 0x54, 0x54, 0x78, 0x7f, 0x48, 0x44, 0x44, 0x38, 0x38, 0x44, 0x44, 0x44, 0x20,
  0x38, 0x44, 0x44, 0x48, 0x7f, 0x38, 0x54, 0x54, 0x54, 0x18, 0x08, 0x7e, 0x09, 0x01, 0x02, 0x18, 0xa4, 0xa4, 0xa4, 0x7c,
  0x7f, 0x08, 0x04, 0x04, 0x78, 0x00, 0x44, 0x7d, 0x40, 0x00, 0x40, 0x80, 0x84, 0x7d, 0x00, 0x7f, 0x10, 0x28, 0x44, 0x00,
  0x00, 0x41, 0x7f, 0x40, 0x00, 0x7c, 0x04, 0x18, 0x04, 0x78, 0x7c, 0x08, 0x04, 0x04, 0x78, 0x38, 0x44, 0x44, 0x44, 0x38,
  0xfc, 0x24, 0x24, 0x24, 0x18, 0x18, 0x24, 0x24, 0x18, 0xfc, 0x7c, 0x08, 0x04, 0x04, 0x08, 0x48, 0x54, 0x54, 0x54, 0x20,
  0x04, 0x3f, 0x44, 0x40, 0x20, 0x3c, 0x40, 0x40, 0x20, 0x7c, 0x1c, 0x20, 0x40, 0x20, 0x1c, 0x3c, 0x40, 0x30, 0x40, 0x3c,
  0x44, 0x28, 0x10, 0x28, 0x44, 0x1c, 0xa0, 0xa0, 0xa0, 0x7c, 0x44, 0x64, 0x54, 0x4c, 0x44, 0x00, 0x08, 0x36, 0x41, 0x00,
  0x00, 0x00, 0x7f, 0x00, 0x00, 0x00, 0x41, 0x36, 0x08, 0x00, 0x08, 0x04, 0x08, 0x10, 0x08,
];

export const GLYPH_WIDTH = 5;
export const GLYPH_HEIGHT = 8;
/** A glyph and one blank column. */
const CELL_WIDTH = GLYPH_WIDTH + 1;
/** A glyph and two blank rows. */
const LINE_HEIGHT = GLYPH_HEIGHT + 2;
/** Characters a line aims at on a wide image. */
const TARGET_COLUMNS = 24;
/** Fewest characters a line may have before a block-aligned scale is given up (JPEG). */
const MIN_ALIGNED_COLUMNS = 10;
const MAX_PROMPT_LINES = 6;
const PROMPT_COLOUR: Rgb = [246, 246, 246];
export const MODEL_COLOUR: Rgb = [255, 214, 102];

/** Whether font pixel (column, row) of the character is ink. Characters outside printable ASCII draw as "?". */
export function glyphInk(character: string, column: number, row: number): boolean {
  let code = character.charCodeAt(0);
  if (!(code >= 32 && code <= 126)) code = 63;
  if (column < 0 || column >= GLYPH_WIDTH || row < 0 || row >= GLYPH_HEIGHT) return false;
  return ((GLYPHS[(code - 32) * GLYPH_WIDTH + column] >> row) & 1) === 1;
}

/** FNV-1a: a stable 32-bit hash, so the same prompt always gets the same colour. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function hslToRgb(hue: number, saturation: number, lightness: number): Rgb {
  const chroma = (1 - Math.abs(2 * lightness - 1)) * saturation;
  const h = hue / 60;
  const x = chroma * (1 - Math.abs((h % 2) - 1));
  const [r, g, b] =
    h < 1
      ? [chroma, x, 0]
      : h < 2
        ? [x, chroma, 0]
        : h < 3
          ? [0, chroma, x]
          : h < 4
            ? [0, x, chroma]
            : h < 5
              ? [x, 0, chroma]
              : [chroma, 0, x];
  const m = lightness - chroma / 2;
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}

/** Words into lines of at most `columns` characters; a longer word is split; the last line ends in "..." if text is left. */
export function wrapText(text: string, columns: number, maxLines: number): string[] {
  const words = text.replace(/[^\x20-\x7e]/g, '?').split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let current = '';
  let index = 0;
  while (index < words.length && lines.length < maxLines) {
    const word = words[index];
    if (current === '' && word.length > columns) {
      lines.push(word.slice(0, columns));
      words[index] = word.slice(columns);
    } else if (current === '') {
      current = word;
      index++;
    } else if (current.length + 1 + word.length <= columns) {
      current += ' ' + word;
      index++;
    } else {
      lines.push(current);
      current = '';
    }
  }
  if (current !== '' && lines.length < maxLines) lines.push(current);
  if (index < words.length && lines.length > 0) {
    const last = lines[lines.length - 1];
    lines[lines.length - 1] = (last.length + 3 <= columns ? last : last.slice(0, Math.max(0, columns - 3))) + '...';
  }
  return lines;
}

/**
 * Where the text goes on a width×height image. With `grid` > 1 (JPEG's 8×8 blocks) the scale and the line
 * origins are multiples of it where the image is wide enough, so each block is all ink or all background.
 */
export function pictureLayout(width: number, height: number, text: PictureText, grid = 1): PictureLayout {
  const modelText = text.model.replace(/[^\x20-\x7e]/g, '?');
  // The model id gets a whole line wherever the image is wide enough for it.
  const fewestColumns = Math.max(TARGET_COLUMNS, modelText.length);
  let scale = Math.max(1, Math.floor((width * 0.9) / (fewestColumns * CELL_WIDTH)));
  if (grid > 1 && scale % grid !== 0) {
    const aligned = Math.max(grid, scale - (scale % grid));
    if ((width * 0.9) / (aligned * CELL_WIDTH) >= MIN_ALIGNED_COLUMNS) scale = aligned;
  }
  const align = (value: number) => (grid > 1 && scale % grid === 0 ? value - (value % grid) : value);
  const columns = Math.max(1, Math.floor((width * 0.9) / (CELL_WIDTH * scale)));
  const maxLines = Math.max(1, Math.floor((height * 0.9) / (LINE_HEIGHT * scale)));
  // A model id longer than a line (a narrow JPEG) goes on two lines rather than lose its end.
  const modelLines = modelText.length <= columns ? [modelText] : [modelText.slice(0, columns), modelText.slice(columns, 2 * columns)];
  const promptLines = wrapText(text.prompt, columns, Math.min(MAX_PROMPT_LINES, maxLines - modelLines.length));
  const texts = [...modelLines, ...promptLines];
  const blockHeight = texts.length * LINE_HEIGHT * scale - (LINE_HEIGHT - GLYPH_HEIGHT) * scale;
  const top = align(Math.max(0, Math.floor((height - blockHeight) / 2)));
  const lines = texts.map((line, i): TextLine => ({
    text: line,
    x: align(Math.max(0, Math.floor((width - (line.length * CELL_WIDTH - 1) * scale) / 2))),
    y: top + i * LINE_HEIGHT * scale,
    colour: i < modelLines.length ? MODEL_COLOUR : PROMPT_COLOUR,
  }));
  const hue = hash(text.prompt) % 360;
  return { width, height, scale, lines, top: hslToRgb(hue, 0.55, 0.42), bottom: hslToRgb((hue + 40) % 360, 0.55, 0.24) };
}

/** The background colour of row y. */
export function backgroundAt(layout: PictureLayout, y: number): Rgb {
  const t = layout.height > 1 ? y / (layout.height - 1) : 0;
  const mix = (c: number) => Math.round(layout.top[c] + (layout.bottom[c] - layout.top[c]) * t);
  return [mix(0), mix(1), mix(2)];
}

/** The ink colour covering pixel (x, y), or undefined where the background shows. */
export function inkAt(layout: PictureLayout, x: number, y: number): Rgb | undefined {
  const { scale } = layout;
  for (const line of layout.lines) {
    const row = Math.floor((y - line.y) / scale);
    if (row < 0 || row >= GLYPH_HEIGHT) continue;
    const cell = Math.floor((x - line.x) / scale);
    if (cell < 0) continue;
    const index = Math.floor(cell / CELL_WIDTH);
    if (index < line.text.length && glyphInk(line.text[index], cell % CELL_WIDTH, row)) return line.colour;
  }
  return undefined;
}

export function pixelAt(layout: PictureLayout, x: number, y: number): Rgb {
  return inkAt(layout, x, y) ?? backgroundAt(layout, y);
}

/** Whether any glyph row reaches into rows from..to (inclusive). */
export function inkInRows(layout: PictureLayout, from: number, to: number): boolean {
  const height = GLYPH_HEIGHT * layout.scale;
  return layout.lines.some((line) => line.y <= to && line.y + height > from);
}

/** Writes row y as RGB bytes into `out` (width·3 bytes). */
export function renderRow(layout: PictureLayout, y: number, out: Buffer): void {
  const [r, g, b] = backgroundAt(layout, y);
  for (let i = 0; i < layout.width * 3; i += 3) {
    out[i] = r;
    out[i + 1] = g;
    out[i + 2] = b;
  }
  const { scale } = layout;
  for (const line of layout.lines) {
    const row = Math.floor((y - line.y) / scale);
    if (row < 0 || row >= GLYPH_HEIGHT) continue;
    for (let index = 0; index < line.text.length; index++) {
      for (let column = 0; column < GLYPH_WIDTH; column++) {
        if (!glyphInk(line.text[index], column, row)) continue;
        const start = line.x + (index * CELL_WIDTH + column) * scale;
        const end = Math.min(layout.width, start + scale);
        for (let x = start; x < end; x++) {
          out[x * 3] = line.colour[0];
          out[x * 3 + 1] = line.colour[1];
          out[x * 3 + 2] = line.colour[2];
        }
      }
    }
  }
}
