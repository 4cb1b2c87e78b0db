/**
 * Lines of a bulk load -> raw entry objects, with the line number of each, for NDJSON (one JSON object a line)
 * and CSV (a header line naming the columns id,name and any of kind,birthDate,country,identifiers; identifiers
 * as "type:value;type:value"; fields may be double-quoted, "" escapes a quote; no line breaks inside fields).
 * Pure: the streaming is in bulk-load.ts.
 */
import { ENTRY_FIELDS } from './entry-codec';

export type BulkFormat = 'ndjson' | 'csv';

export class LineError extends Error {
  override readonly name = 'LineError';
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

export function parseNdjsonLine(text: string, line: number): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new LineError(line, `not valid JSON (${(error as Error).message})`);
  }
}

export function splitCsv(text: string, line: number): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i += 1;
      for (;;) {
        if (i >= text.length) throw new LineError(line, 'a quoted field is not closed');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        field += text[i];
        i += 1;
      }
      if (i < text.length && text[i] !== ',') throw new LineError(line, 'text after a closing quote');
    } else {
      const end = text.indexOf(',', i);
      field = end === -1 ? text.slice(i) : text.slice(i, end);
      i = end === -1 ? text.length : end;
    }
    fields.push(field);
    if (i >= text.length) return fields;
    i += 1;
  }
}

const CSV_COLUMNS: readonly string[] = ENTRY_FIELDS;

export function csvHeader(text: string, line: number): string[] {
  const columns = splitCsv(text, line).map((c) => c.trim());
  const unknown = columns.filter((c) => !CSV_COLUMNS.includes(c));
  if (unknown.length > 0) throw new LineError(line, `unknown column(s) ${unknown.join(', ')} (known: ${CSV_COLUMNS.join(', ')})`);
  if (!columns.includes('id') || !columns.includes('name')) throw new LineError(line, 'the header must name the columns id and name');
  if (new Set(columns).size !== columns.length) throw new LineError(line, 'a column is named twice');
  return columns;
}

/** A CSV row as the object the entry codec decodes: empty optional cells are left out. */
export function csvEntry(columns: readonly string[], text: string, line: number): Record<string, unknown> {
  const cells = splitCsv(text, line);
  if (cells.length !== columns.length) throw new LineError(line, `${cells.length} field(s), the header has ${columns.length}`);
  const entry: Record<string, unknown> = {};
  columns.forEach((column, i) => {
    const cell = cells[i]!;
    if (cell === '' && column !== 'id' && column !== 'name') return;
    if (column === 'identifiers') {
      entry.identifiers = cell.split(';').map((part) => (part.includes(':') ? { type: part.slice(0, part.indexOf(':')), value: part.slice(part.indexOf(':') + 1) } : { value: part }));
    } else entry[column] = cell;
  });
  return entry;
}
