/** Messages between a batch and its screening workers (batch-worker.ts). Plain data: they are structured-cloned. */
import type { BatchPlan } from '../basis';
import type { RawLine } from '../input';

/**
 * A chunk's answers as NDJSON text, one string (cheaper to hand over than one a line), and for each line that
 * decoded to a query its id, line number and where its answer ends in `text` (it starts where the one before it
 * ends): the reader checks the ids against those before them, in order, and makes a repeat's answer an error.
 */
export interface ChunkAnswers {
  readonly text: string;
  readonly ids: readonly string[];
  readonly lines: readonly number[];
  /** Per query line: where its answer starts and ends in `text`. */
  readonly starts: readonly number[];
  readonly ends: readonly number[];
}

export type ToBatchWorker =
  /** Bring the index to `position` and hold a snapshot of it for batch `batch` (answered with `ready`). */
  | { readonly kind: 'prepare'; readonly batch: number; readonly position: string | null; readonly plan: BatchPlan }
  | { readonly kind: 'screen'; readonly batch: number; readonly chunk: number; readonly lines: readonly RawLine[] }
  | { readonly kind: 'end'; readonly batch: number };

export type FromBatchWorker =
  /** `at`: the views' position the worker read; the snapshot is held only when it is the batch's position. */
  | { readonly kind: 'ready'; readonly batch: number; readonly at: string | null; readonly ms: number }
  | { readonly kind: 'answers'; readonly batch: number; readonly chunk: number; readonly answers: ChunkAnswers }
  | { readonly kind: 'failed'; readonly batch: number; readonly chunk?: number; readonly message: string };
