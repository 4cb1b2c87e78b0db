/**
 * A batch screening worker: its own read-only connection to the views file and its own kept-current index
 * (IndexKeeper, as the service's), and for each batch a snapshot of that index at the batch's position. It answers
 * chunks of raw lines with the steps of the one-thread path (line-answer.ts), as NDJSON text.
 *
 * The index must be at the batch's position exactly (every receipt of a batch carries one position): the position
 * and the segments are read in one read transaction, and when the file is no longer at the batch's position (its
 * projector moved on meanwhile) the worker says where it is and holds nothing; the batch goes on without it.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { IndexKeeper } from '../../index-keeper';
import type { Screener } from '../../screening-index';
import { receiptOf } from '../../screening-service';
import type { BatchPlan } from '../basis';
import { answerChunk } from '../chunk-answers';
import type { ChunkAnswers, FromBatchWorker, ToBatchWorker } from './protocol';
import { viewsPosition } from './views-position';

const { viewsPath } = workerData as { viewsPath: string };
const db = new Database(viewsPath, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 10000');
const keeper = new IndexKeeper(db);
const batches = new Map<number, { index: Screener; position: string | null; plan: BatchPlan }>();
const port = parentPort!;
const reply = (message: FromBatchWorker) => port.postMessage(message);

function prepare(batch: number, position: string | null, plan: BatchPlan): void {
  const started = performance.now();
  const at = db.transaction(() => {
    const current = viewsPosition(db);
    if (current === position) batches.set(batch, { index: keeper.indexAt(current ?? undefined).snapshot(), position, plan });
    return current;
  })();
  reply({ kind: 'ready', batch, at, ms: Math.round(performance.now() - started) });
}

function screen(batch: number, lines: Extract<ToBatchWorker, { kind: 'screen' }>['lines']): ChunkAnswers {
  const held = batches.get(batch);
  if (held === undefined) throw new Error(`batch ${batch} is not prepared on this worker`);
  const { index, position, plan } = held;
  return answerChunk(lines, plan, (query, basis) => receiptOf(index, position ?? undefined, query, basis));
}

port.on('message', (message: ToBatchWorker) => {
  try {
    if (message.kind === 'prepare') prepare(message.batch, message.position, message.plan);
    else if (message.kind === 'screen') reply({ kind: 'answers', batch: message.batch, chunk: message.chunk, answers: screen(message.batch, message.lines) });
    else batches.delete(message.batch);
  } catch (error) {
    reply({ kind: 'failed', batch: message.batch, ...(message.kind === 'screen' ? { chunk: message.chunk } : {}), message: error instanceof Error ? error.message : String(error) });
  }
});
