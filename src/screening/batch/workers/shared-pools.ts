/**
 * The service's batch workers: one pool per views file, shared by its batches, so that a batch after the first finds
 * the workers' index built and only brings it up to date. The pool ends its threads a minute after its last batch
 * (worker-pool.ts), so an idle service does not keep their memory (about +170 MB for two).
 */
import { BatchWorkerPool } from './worker-pool';

const pools = new Map<string, BatchWorkerPool>();

export function sharedBatchPool(viewsPath: string, size: number): BatchWorkerPool | undefined {
  if (size === 0) return undefined;
  const key = `${size}:${viewsPath}`;
  let pool = pools.get(key);
  if (pool === undefined) pools.set(key, (pool = new BatchWorkerPool(viewsPath, size)));
  return pool;
}
