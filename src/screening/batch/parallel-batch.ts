/**
 * A batch screened on worker threads as well (workers/): the same answers as the one-thread path, byte for byte
 * and in input order, with both cores. Lines are read as the window allows (at most `perWorker` chunks of
 * `chunkLines` lines in flight per worker: backpressure, the batch is never held whole) and the answers are
 * written in input order as they come back; the ids are checked for repeats here, in order, as the one-thread path
 * does. Until a worker holds the index at the batch's position (it builds it from the views file, about 1.5 s the
 * first time) lines are screened on this thread; a worker that cannot reach that position (the views moved on
 * meanwhile) or fails is left out and its chunks are screened here, so every answer is at the batch's position.
 * Workers are asked for only once the batch has passed `startAfter` lines: a small batch is done before they
 * would be ready.
 */
import { TimeSlice } from '../../scheduling/time-slice';
import type { BatchPlan } from './basis';
import { ndjson, screenBatch } from './batch-screener';
import type { RawLine } from './input';
import { answerChunk, IdsInOrder } from './chunk-answers';
import type { ScreenAt } from './line-answer';
import type { ChunkAnswers } from './workers/protocol';
import type { BatchWorkerPool, WorkerBatch } from './workers/worker-pool';

export interface BatchThreads {
  /** The workers to use (none: this thread only). */
  readonly pool?: BatchWorkerPool;
  /** The views' position the batch is pinned at (the local index's): the workers must hold exactly this one. */
  readonly position: string | null;
  readonly startAfter?: number;
  readonly chunkLines?: number;
  readonly perWorker?: number;
}

/**
 * Lines on this thread before workers are asked for, when they are not running: starting them costs about 2.4 s
 * and 4.6 CPU s on 2 cores (each builds its index from the views file), a loss for a batch of 20,000 names and a
 * gain from about 40,000 (README "Batch throughput"). Running workers only bring their index up to date.
 */
export const DEFAULT_START_AFTER = 20_000;
export const WARM_START_AFTER = 1_000;
const DEFAULT_CHUNK_LINES = 200;
const DEFAULT_PER_WORKER = 3;

interface Slot {
  readonly lines: readonly RawLine[];
  answers?: ChunkAnswers;
  /** Settles when the worker has answered (or failed: then `answers` stays unset and the lines are screened here). */
  pending?: Promise<void>;
}

/** The batch's answers as NDJSON text, in input order (one string per line or per chunk of lines). */
export async function* screenBatchText(lines: AsyncIterable<RawLine>, plan: BatchPlan, screenAt: ScreenAt, threads: BatchThreads, slice = new TimeSlice()): AsyncGenerator<string> {
  const { pool } = threads;
  if (pool === undefined || pool.size === 0) {
    yield* ndjson(screenBatch(lines, plan, screenAt, slice));
    return;
  }
  const startAfter = threads.startAfter ?? (pool.warm ? WARM_START_AFTER : DEFAULT_START_AFTER);
  const chunkLines = threads.chunkLines ?? DEFAULT_CHUNK_LINES;
  const perWorker = threads.perWorker ?? DEFAULT_PER_WORKER;
  const ids = new IdsInOrder();
  const input = lines[Symbol.asyncIterator]();
  let read = 0;
  let inputDone = false;
  /** The next raw line, or undefined at the end (a fatal line is the last one read). */
  const next = async (): Promise<RawLine | undefined> => {
    if (inputDone) return undefined;
    const item = await input.next();
    if (item.done === true) {
      inputDone = true;
      return undefined;
    }
    read += 1;
    if ('problem' in item.value && item.value.fatal) inputDone = true;
    return item.value;
  };
  const window: Slot[] = [];
  let batch: WorkerBatch | undefined;
  try {
    for (;;) {
      if (slice.spent) await slice.next();
      while (window.length > 0 && window[0]!.answers !== undefined) yield ids.check(window.shift()!.answers!);
      if (inputDone && window.length === 0) return;
      if (batch === undefined && read >= startAfter) batch = pool.batch(threads.position, plan);
      const workers = batch?.ready() ?? [];
      // No worker holds the index yet: this thread screens, a line at a time (after the chunks already sent).
      if (!inputDone && workers.length === 0 && window.length === 0) {
        const raw = await next();
        if (raw !== undefined) window.push({ lines: [raw], answers: answerChunk([raw], plan, screenAt) });
        continue;
      }
      const free = workers.find((w) => batch!.inFlight(w) < perWorker && workers.every((o) => batch!.inFlight(o) >= batch!.inFlight(w)));
      if (!inputDone && free !== undefined) {
        const chunk: RawLine[] = [];
        while (chunk.length < chunkLines) {
          const raw = await next();
          if (raw === undefined) break;
          chunk.push(raw);
        }
        if (chunk.length === 0) continue;
        const slot: Slot = { lines: chunk };
        slot.pending = batch!.screen(free, chunk).then(
          (answers) => void (slot.answers = answers),
          () => undefined,
        );
        window.push(slot);
        continue;
      }
      // The window is full, or the input is read: wait for the oldest chunk.
      const head = window[0]!;
      await head.pending;
      head.answers ??= answerChunk(head.lines, plan, screenAt);
    }
  } finally {
    batch?.end();
    await input.return?.(undefined);
  }
}
