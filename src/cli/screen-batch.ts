/**
 * `sanctions-ledger screen --batch <file|->`: screens every line of an NDJSON or CSV file (or stdin) at one
 * basis and writes one NDJSON answer a line to stdout, in input order, as it goes (with --since, the matches
 * gained and lost). Exit 0 when every line was answered, bad lines included (their answer is an error line);
 * exit 2 for a bad option or an unreadable file, before anything is written.
 */
import * as E from 'fp-ts/Either';
import { once } from 'node:events';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { Projector } from '../projector/projector';
import { QueryParameterError } from '../queries/types';
import { decodeBatchOptions, ndjson, planBatch, readBatchInput, receiptOf, screenBatch, ScreeningService, type BatchFormat } from '../screening';
import { fail, READS, viewsPathFrom, withLedger } from './context';
import { EXIT } from './exit-codes';
import { optionName } from './option-name';
import { givenOnly, numberOrText } from './screen-options';

export interface BatchCliOptions {
  readonly batch: string;
  readonly format?: string;
  readonly asOf?: string;
  readonly knownAt?: string;
  readonly since?: string;
  readonly regime?: string[];
  readonly threshold?: string;
  readonly limit?: string;
}

function formatOf(options: BatchCliOptions): BatchFormat {
  const format = options.format ?? (options.batch.toLowerCase().endsWith('.csv') ? 'csv' : 'ndjson');
  if (format !== 'ndjson' && format !== 'csv') fail(EXIT.invalidInput, `--format: expected ndjson or csv, got "${format.slice(0, 40)}"`);
  return format;
}

async function openInput(source: string): Promise<Readable> {
  if (source === '-') return process.stdin;
  try {
    const handle = await open(source, 'r');
    if (!(await handle.stat()).isFile()) {
      await handle.close();
      return fail(EXIT.invalidInput, `--batch: ${source} is not a file`);
    }
    return handle.createReadStream();
  } catch (error) {
    return fail(EXIT.invalidInput, `--batch: cannot read ${source} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

async function writeAll(lines: AsyncIterable<string>): Promise<void> {
  for await (const line of lines) {
    if (!process.stdout.write(line)) await once(process.stdout, 'drain');
  }
}

export async function screenBatchCommand(options: BatchCliOptions): Promise<void> {
  const raw = givenOnly({
    asOf: options.asOf,
    knownAt: options.knownAt,
    since: options.since,
    regimes: options.regime,
    threshold: options.threshold === undefined ? undefined : numberOrText(options.threshold),
    limit: options.limit === undefined ? undefined : numberOrText(options.limit),
  });
  const decoded = decodeBatchOptions(raw);
  if (E.isLeft(decoded)) fail(EXIT.invalidInput, decoded.left.map((e) => `${optionName(e.path)}: expected ${e.expected}, got ${e.actual}`).join('; '));
  let plan;
  try {
    plan = planBatch(decoded.right);
  } catch (error) {
    if (error instanceof QueryParameterError) fail(EXIT.invalidInput, `${optionName(error.parameter)}: ${error.message}`);
    throw error;
  }
  const format = formatOf(options);
  const input = await openInput(options.batch);
  await withLedger(async (ledger, global) => {
    const projector = Projector.open(ledger.store, viewsPathFrom(global));
    try {
      await projector.catchUp();
      // One index for the whole batch: every line answers at the same position.
      const { index, position } = new ScreeningService(projector).current();
      await writeAll(ndjson(screenBatch(readBatchInput(input, format), plan, (query, basis) => receiptOf(index, position, query, basis))));
    } finally {
      await projector.close();
    }
  }, READS);
}
