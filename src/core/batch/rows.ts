/** Rows from CSV or JSON Lines; each problem names its line as the editor shows it (1-based, counting the header). */
import * as l10n from '@vscode/l10n';

export type Row = Readonly<Record<string, string>>;

export type ParsedRows = { readonly names: readonly string[]; readonly rows: readonly Row[] } | { readonly error: string };

/** RFC 4180: "quoted" fields may hold commas, quotes ("") and line breaks. */
function csvRecords(text: string): { fields: string[]; line: number }[] | { error: string } {
  const records: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let afterQuote = false;
  let line = 1;
  let recordLine = 1;
  let fieldStarted = false;
  const endField = () => {
    fields.push(field);
    field = '';
    afterQuote = false;
    fieldStarted = false;
  };
  const endRecord = () => {
    endField();
    // A blank line is no record (a trailing newline, or a spacer line).
    if (!(fields.length === 1 && fields[0] === '')) records.push({ fields, line: recordLine });
    fields = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
          afterQuote = true;
        }
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"') {
      if (fieldStarted || afterQuote)
        return {
          error: l10n.t('Line {0}: a quote (") inside an unquoted field; put the whole field in quotes and double the quote ("").', line),
        };
      quoted = true;
      fieldStarted = true;
    } else if (c === ',') {
      endField();
    } else if (c === '\r' && text[i + 1] === '\n') {
      // CRLF: the \n ends the record.
    } else if (c === '\n' || c === '\r') {
      endRecord();
      line++;
      recordLine = line;
    } else {
      if (afterQuote)
        return { error: l10n.t('Line {0}: text after a closing quote; a quoted field must end at a comma or the end of the line.', line) };
      field += c;
      fieldStarted = true;
    }
  }
  if (quoted) return { error: l10n.t('Line {0}: a quoted field is never closed.', recordLine) };
  endRecord();
  return records;
}

function checkNames(names: readonly string[], where: string): string | undefined {
  const seen = new Set<string>();
  for (const name of names) {
    if (!isVariableName(name))
      return l10n.t('{0}: "{1}" is not a variable name (letters, digits, _ and -, starting with a letter or _).', where, name);
    if (seen.has(name)) return l10n.t('{0}: the variable "{1}" is named twice.', where, name);
    seen.add(name);
  }
  return undefined;
}

export function isVariableName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(name);
}

export function parseCsvRows(text: string): ParsedRows {
  const records = csvRecords(text.replace(/^\uFEFF/, ''));
  if ('error' in records) return records;
  if (records.length === 0) return { error: l10n.t('The file is empty: its first line must name the variables.') };
  const [header, ...body] = records;
  const names = header.fields.map((n) => n.trim());
  const problem = checkNames(names, l10n.t('Line {0} (the header)', header.line));
  if (problem) return { error: problem };
  if (body.length === 0) return { error: l10n.t('The file has a header but no rows.') };
  const rows: Row[] = [];
  for (const record of body) {
    if (record.fields.length !== names.length) {
      return {
        error: l10n.t(
          'Line {0}: {1} values, but the header names {2} variables ({3}).',
          record.line,
          record.fields.length,
          names.length,
          names.join(', '),
        ),
      };
    }
    rows.push(Object.fromEntries(names.map((name, i) => [name, record.fields[i]])));
  }
  return { names, rows };
}

export function parseJsonlRows(text: string): ParsedRows {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let names: string[] | undefined;
  const rows: Row[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      return { error: l10n.t('Line {0} is not valid JSON: {1}', i + 1, (error as Error).message) };
    }
    if (!value || typeof value !== 'object' || Array.isArray(value))
      return { error: l10n.t('Line {0} must be one JSON object, such as {"colour": "red"}.', i + 1) };
    const entries = Object.entries(value as Record<string, unknown>);
    const row: Record<string, string> = {};
    for (const [key, v] of entries) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
        return { error: l10n.t('Line {0}: "{1}" must be a string or a number.', i + 1, key) };
      row[key] = String(v);
    }
    const keys = entries.map(([key]) => key);
    if (!names) {
      const problem = checkNames(keys, l10n.t('Line {0}', i + 1));
      if (problem) return { error: problem };
      names = keys;
    } else {
      const missing = names.filter((n) => !Object.hasOwn(row, n));
      const extra = keys.filter((k) => !names?.includes(k));
      if (missing.length)
        return {
          error: l10n.t(
            'Line {0}: missing {1} (the first line has {2}).',
            i + 1,
            missing.map((m) => `"${m}"`).join(', '),
            names.join(', '),
          ),
        };
      if (extra.length)
        return {
          error: l10n.t('Line {0}: {1} not on the first line ({2}).', i + 1, extra.map((m) => `"${m}"`).join(', '), names.join(', ')),
        };
    }
    rows.push(row);
  }
  if (!names) return { error: l10n.t('The file has no rows.') };
  return { names, rows };
}

/** .csv or .jsonl (.ndjson too); anything else is refused. */
export function rowsFormat(path: string): 'csv' | 'jsonl' | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  return undefined;
}

export function parseRows(path: string, text: string): ParsedRows {
  const format = rowsFormat(path);
  if (!format) return { error: l10n.t('"{0}" is neither a .csv nor a .jsonl file.', path) };
  const parsed = format === 'csv' ? parseCsvRows(text) : parseJsonlRows(text);
  return 'error' in parsed ? { error: `${path}: ${parsed.error}` } : parsed;
}
