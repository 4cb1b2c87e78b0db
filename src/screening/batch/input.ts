/**
 * A batch body, streamed, as raw lines with their line numbers: NDJSON (one JSON object a line, blank lines
 * skipped) or CSV (a header row naming id, name and any of kind, birthDate, country; parsed by csv-parse, so
 * quoted fields may hold commas, quotes and line breaks). Nothing is held beyond the line being read.
 */
import type { Readable } from 'node:stream';
import { csvRecords } from '../../text/csv-records';
import { InvalidUtf8Error, utf8Lines, utf8Text } from '../../text/utf8';

export type BatchFormat = 'ndjson' | 'csv';

export type RawLine =
  /** A CSV row, as an object of its cells. */
  | { readonly line: number; readonly value: unknown }
  /**
   * An NDJSON line, parsed where it is screened (line-answer.ts): a worker thread parses its own lines, and a
   * string is cheaper to hand over to it than the object parsed from it.
   */
  | { readonly line: number; readonly json: string }
  /** `fatal`: the rest of the input cannot be read (a broken CSV quote, a body over its limit). */
  | { readonly line: number; readonly problem: string; readonly fatal: boolean };

export const CSV_COLUMNS = ['id', 'name', 'kind', 'birthDate', 'country'] as const;

export const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function* ndjsonLines(source: Readable): AsyncGenerator<RawLine> {
  let line = 0;
  try {
    for await (const text of utf8Lines(source)) {
      line += 1;
      if (text.trim() === '') continue;
      yield { line, json: text };
    }
  } catch (error) {
    yield { line: error instanceof InvalidUtf8Error ? error.line : line + 1, problem: messageOf(error), fatal: true };
  }
}

function checkHeader(header: string[]): string[] {
  const columns = header.map((c) => c.trim());
  const unknown = columns.filter((c) => !(CSV_COLUMNS as readonly string[]).includes(c));
  if (unknown.length > 0) throw new Error(`unknown column(s) ${unknown.join(', ')} in the header (known: ${CSV_COLUMNS.join(', ')})`);
  if (!columns.includes('id') || !columns.includes('name')) throw new Error('the header must name the columns id and name');
  if (new Set(columns).size !== columns.length) throw new Error('a column is named twice in the header');
  return columns;
}

async function* csvLines(source: Readable): AsyncGenerator<RawLine> {
  let columns: string[] | undefined;
  // Decoded strictly first: csv-parse would turn bytes that are not UTF-8 into U+FFFD without a word.
  for await (const item of csvRecords(utf8Text(source))) {
    if ('failure' in item) {
      yield { line: item.line, problem: messageOf(item.failure), fatal: true };
      return;
    }
    const { record, line } = item;
    if (columns === undefined) {
      try {
        columns = checkHeader(record);
      } catch (error) {
        yield { line, problem: messageOf(error), fatal: true };
        return;
      }
      continue;
    }
    if (record.length !== columns.length) {
      yield { line, problem: `${record.length} field(s), the header has ${columns.length}`, fatal: false };
      continue;
    }
    const value: Record<string, string> = {};
    // An empty optional cell means "not given", as an absent field does in NDJSON.
    columns.forEach((column, i) => {
      if (record[i] !== '' || column === 'id' || column === 'name') value[column] = record[i]!;
    });
    yield { line, value };
  }
}

export function readBatchInput(source: Readable, format: BatchFormat): AsyncGenerator<RawLine> {
  return format === 'csv' ? csvLines(source) : ndjsonLines(source);
}
