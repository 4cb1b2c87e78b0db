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
import { BatchWorkerPool, batchWorkerCount, decodeBatchOptions, planBatch, readBatchInput, receiptOf, screenBatchText, ScreeningService, type BatchFormat } from '../screening';
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
  readonly workers?: string;
}

/**
 * A file this large (about 40,000 lines of an id and a name) is screened with the workers from its first line,
 * their index built while this thread builds its own and starts; a smaller file or stdin asks for them only once
 * it has passed DEFAULT_START_AFTER lines. Starting them costs about 2.4 s and 4.6 CPU s on 2 cores (two indexes
 * built from the views file), which a batch of 20,000 names does not win back (README "Batch throughput").
 */
const LARGE_FILE_BYTES = 2 * 1024 * 1024;

function formatOf(options: BatchCliOptions): BatchFormat {
  const format = options.format ?? (options.batch.toLowerCase().endsWith('.csv') ? 'csv' : 'ndjson');
  if (format !== 'ndjson' && format !== 'csv') fail(EXIT.invalidInput, `--format: expected ndjson or csv, got "${format.slice(0, 40)}"`);
  return format;
}

async function openInput(source: string): Promise<{ input: Readable; bytes?: number }> {
  if (source === '-') return { input: process.stdin };
  try {
    const handle = await open(source, 'r');
    const stat = await handle.stat();
    if (!stat.isFile()) {
      await handle.close();
      return fail(EXIT.invalidInput, `--batch: ${source} is not a file`);
    }
    return { input: handle.createReadStream(), bytes: stat.size };
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
  const workers = batchWorkerCount(options.workers);
  if (typeof workers !== 'number') fail(EXIT.invalidInput, workers.error);
  const { input, bytes } = await openInput(options.batch);
  await withLedger(async (ledger, global) => {
    const viewsPath = viewsPathFrom(global);
    const projector = Projector.open(ledger.store, viewsPath);
    const pool = workers === 0 ? undefined : new BatchWorkerPool(viewsPath, workers as number);
    try {
      await projector.catchUp();
      const large = bytes !== undefined && bytes >= LARGE_FILE_BYTES;
      if (large) pool?.warmUp();
      // One index for the whole batch: every line answers at the same position (the workers' too).
      const { index, position } = new ScreeningService(projector).current();
      const threads = { pool, position: position ?? null, ...(large ? { startAfter: 0 } : {}) };
      await writeAll(screenBatchText(readBatchInput(input, format), plan, (query, basis) => receiptOf(index, position, query, basis), threads));
    } finally {
      await pool?.close();
      await projector.close();
    }
  }, READS);
}
