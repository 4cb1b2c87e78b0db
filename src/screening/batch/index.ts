/** Batch screening and lookback (DESIGN.md section 12): a stream of names at one basis, one answer per line. */
export { decodeBatchOptions, planBatch, type Basis, type BatchOptions, type BatchPlan } from './basis';
export { ndjson, screenBatch, type BatchAnswer, type ScreenAt } from './batch-screener';
export { CSV_COLUMNS, readBatchInput, type BatchFormat, type RawLine } from './input';
export { decodeBatchLine, LINE_FIELDS, type BatchLine } from './line-codec';
export { matchChanges } from './lookback';
export { DEFAULT_START_AFTER, screenBatchText, type BatchThreads } from './parallel-batch';
export { BatchWorkerPool } from './workers/worker-pool';
export { sharedBatchPool } from './workers/shared-pools';
export { batchWorkerCount, BATCH_WORKERS_ENV } from './workers/worker-count';
