/**
 * Lines of a bulk load -> raw entry objects, with the line number of each, for NDJSON (one JSON object a line)
 * and CSV (a header line naming the columns id,name and any of kind,birthDate,country,identifiers; identifiers
 * as "type:value;type:value"; parsed by csv-parse, as screening batches are, so quoted fields may hold commas,
 * quotes and line breaks). A line that cannot be read is a LineError naming it; bytes that are not UTF-8 or a
 * quote never closed end the input there (`fatal`). Validating and staging the entries is bulk-load.ts's.
 */
import { CsvError } from 'csv-parse';
import { csvFailureMessage, csvRecords } from '../text/csv-records';
import { InvalidUtf8Error } from '../text/utf8';
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

const CSV_COLUMNS: readonly string[] = ENTRY_FIELDS;

export function csvHeader(record: readonly string[], line: number): string[] {
  const columns = record.map((c) => c.trim());
  const unknown = columns.filter((c) => !CSV_COLUMNS.includes(c));
  if (unknown.length > 0) throw new LineError(line, `unknown column(s) ${unknown.join(', ')} (known: ${CSV_COLUMNS.join(', ')})`);
  if (!columns.includes('id') || !columns.includes('name')) throw new LineError(line, 'the header must name the columns id and name');
  if (new Set(columns).size !== columns.length) throw new LineError(line, 'a column is named twice');
  return columns;
}

/** A CSV row as the object the entry codec decodes: empty optional cells are left out. */
export function csvEntry(columns: readonly string[], cells: readonly string[], line: number): Record<string, unknown> {
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

/** One line's raw entry (`object`), or what is wrong with it; a `fatal` error is the last row. */
export type BulkRow = { readonly line: number; readonly object: unknown } | { readonly line: number; readonly error: LineError; readonly fatal: boolean };

/** How much of the input the rows have read, for progress and the answer's line count. */
export interface ReadCount {
  lines: number;
  /** CSV: the header line was read. */
  header: boolean;
}

const rowOf = (line: number, read: () => unknown): BulkRow => {
  try {
    return { line, object: read() };
  } catch (error) {
    if (!(error instanceof LineError)) throw error;
    return { line, error, fatal: false };
  }
};

/** The end of readable input: bytes that are not UTF-8 (from the line source) or a broken CSV quote. */
function fatalRow(failure: unknown, line: number): BulkRow {
  if (failure instanceof InvalidUtf8Error) return { line: failure.line, error: new LineError(failure.line, failure.detail), fatal: true };
  if (failure instanceof CsvError) return { line, error: new LineError(line, csvFailureMessage(failure)), fatal: true };
  throw failure;
}

export async function* ndjsonRows(lines: AsyncIterable<string>, count: ReadCount): AsyncGenerator<BulkRow> {
  try {
    for await (const raw of lines) {
      const line = (count.lines += 1);
      const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (text.trim() !== '') yield rowOf(line, () => parseNdjsonLine(text, line));
    }
  } catch (error) {
    yield fatalRow(error, count.lines + 1);
  }
}

/** The lines given back their line breaks, for csv-parse (a quoted field may span lines), counted as they go. */
async function* rejoined(lines: AsyncIterable<string>, count: ReadCount): AsyncGenerator<string> {
  for await (const line of lines) {
    count.lines += 1;
    yield `${line}\n`;
  }
}

export async function* csvRows(lines: AsyncIterable<string>, count: ReadCount): AsyncGenerator<BulkRow> {
  let columns: string[] | undefined;
  for await (const item of csvRecords(rejoined(lines, count))) {
    if ('failure' in item) {
      yield fatalRow(item.failure, item.line);
      return;
    }
    const { record, line } = item;
    // A line of only spaces is no entry, as in NDJSON.
    if (record.length === 1 && record[0]!.trim() === '') continue;
    if (columns === undefined) {
      const header = rowOf(line, () => csvHeader(record, line));
      if ('error' in header) {
        yield { ...header, fatal: true };
        return;
      }
      columns = header.object as string[];
      count.header = true;
      continue;
    }
    const known = columns;
    yield rowOf(line, () => csvEntry(known, record, line));
  }
}
