/**
 * How many screening workers a batch uses: the CLI's --workers, else LEDGER_SCREENING_BATCH_WORKERS, else one per core
 * the process may use (os.availableParallelism), at most MAX_WORKERS. 0 screens on the calling thread only.
 */
import { availableParallelism } from 'node:os';

export const BATCH_WORKERS_ENV = 'LEDGER_SCREENING_BATCH_WORKERS';
/** Each worker holds its own index (about +53 MB): past a few cores the memory costs more than the lines gain. */
export const MAX_WORKERS = 8;

/** The count, or an error message naming where the bad value came from. */
export function batchWorkerCount(option?: string, env: NodeJS.ProcessEnv = process.env): number | { error: string } {
  const [given, source] = option !== undefined ? [option, '--workers'] : [env[BATCH_WORKERS_ENV], BATCH_WORKERS_ENV];
  if (given === undefined || given.trim() === '') return Math.min(availableParallelism(), MAX_WORKERS);
  if (!/^\d+$/.test(given.trim()) || Number(given) > MAX_WORKERS) return { error: `${source}: expected a whole number from 0 to ${MAX_WORKERS}, got "${given.slice(0, 40)}"` };
  return Number(given);
}
