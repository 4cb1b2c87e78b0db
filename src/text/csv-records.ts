/**
 * CSV records from text already decoded (strictly: see utf8.ts), by csv-parse, for every CSV a caller sends:
 * screening batches and watchlist bulk loads. Quoted fields may hold commas, quotes ("") and line breaks; each record
 * comes with the line it ends on, and a failure (a quote never closed, bytes that are not UTF-8 further on) comes
 * last, after every record before it.
 *
 * csv-parse is fed chunk by chunk and hands each record over as it is parsed (on_record), rather than read as a
 * stream: a stream that fails drops the records it had not delivered yet, and a broken quote further on must not
 * lose the rows before it.
 */
import { parse } from 'csv-parse';
import { InvalidUtf8Error } from './utf8';

export type CsvItem = { readonly record: string[]; readonly line: number } | { readonly failure: unknown; readonly line: number };

export async function* csvRecords(text: AsyncIterable<string>): AsyncGenerator<CsvItem> {
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
    for await (const chunk of text) {
      await written(chunk);
      for (const item of parsed.splice(0)) yield (line = item.line, item);
      if (failure !== undefined) break;
    }
  } catch (error) {
    failure ??= error;
  }
  // Reading stopped at a byte that is not UTF-8: the rows before it are given (csv-parse holds the last one until
  // its input ends), then the failure.
  if (failure === undefined || failure instanceof InvalidUtf8Error) await ended();
  for (const item of parsed.splice(0)) yield (line = item.line, item);
  if (failure !== undefined) {
    const at = failure instanceof InvalidUtf8Error ? failure.line : (failure as { lines?: number }).lines;
    yield { failure, line: typeof at === 'number' ? at : line + 1 };
  }
}

/** What a CSV failure says, for a caller's error message. */
export const csvFailureMessage = (failure: unknown): string => (failure instanceof Error ? failure.message : String(failure));
