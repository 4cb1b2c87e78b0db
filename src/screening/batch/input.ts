/**
 * A batch body, streamed, as raw lines with their line numbers: NDJSON (one JSON object a line, blank lines
 * skipped) or CSV (a header row naming id, name and any of kind, birthDate, country; parsed by csv-parse, so
 * quoted fields may hold commas, quotes and line breaks). Nothing is held beyond the line being read.
 */
import { parse } from 'csv-parse';
import type { Readable } from 'node:stream';
import { InvalidUtf8Error, utf8Lines, utf8Text } from '../../text/utf8';

export type BatchFormat = 'ndjson' | 'csv';

export type RawLine =
  | { readonly line: number; readonly value: unknown }
  /** `fatal`: the rest of the input cannot be read (a broken CSV quote, a body over its limit). */
  | { readonly line: number; readonly problem: string; readonly fatal: boolean };

export const CSV_COLUMNS = ['id', 'name', 'kind', 'birthDate', 'country'] as const;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function* ndjsonLines(source: Readable): AsyncGenerator<RawLine> {
  let line = 0;
  try {
    for await (const text of utf8Lines(source)) {
      line += 1;
      if (text.trim() === '') continue;
      try {
        yield { line, value: JSON.parse(text) as unknown };
      } catch (error) {
        yield { line, problem: `not valid JSON (${messageOf(error)})`, fatal: false };
      }
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

/**
 * csv-parse is fed chunk by chunk and hands each record over as it is parsed (on_record), rather than read as a
 * stream: a stream that fails drops the records it had not delivered yet, and a broken quote further on must not
 * lose the rows before it.
 */
async function* csvRecords(source: Readable): AsyncGenerator<{ record: string[]; line: number } | { failure: unknown; line: number }> {
  const parsed: Array<{ record: string[]; line: number }> = [];
  let failure: unknown;
  let line = 0;
  const parser = parse({
    relax_column_count: true,
    skip_empty_lines: true,
    bom: true,
    on_record: (record: string[], context: { lines: number }) => {
      parsed.push({ record, line: context.lines });
      return null; // handed over here, not pushed to the (unread) readable side
    },
  });
  parser.on('error', (error) => (failure ??= error));
  parser.resume();
  const written = (chunk: string) => new Promise<void>((done) => parser.write(chunk, () => done()));
  const ended = () => new Promise<void>((done) => parser.end(() => done()).once('error', () => done()));
  try {
    // Decoded strictly here: csv-parse would turn bytes that are not UTF-8 into U+FFFD without a word.
    for await (const chunk of utf8Text(source)) {
      await written(chunk);
      for (const item of parsed.splice(0)) yield (line = item.line, item);
      if (failure !== undefined) break;
    }
  } catch (error) {
    failure ??= error;
  }
  // Reading stopped at a byte that is not UTF-8: the rows before it are answered (csv-parse holds the last one
  // until its input ends), the bad line ends the answer.
  if (failure === undefined || failure instanceof InvalidUtf8Error) await ended();
  for (const item of parsed.splice(0)) yield (line = item.line, item);
  if (failure !== undefined) {
    const at = failure instanceof InvalidUtf8Error ? failure.line : (failure as { lines?: number }).lines;
    yield { failure, line: typeof at === 'number' ? at : line + 1 };
  }
}

async function* csvLines(source: Readable): AsyncGenerator<RawLine> {
  let columns: string[] | undefined;
  for await (const item of csvRecords(source)) {
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
