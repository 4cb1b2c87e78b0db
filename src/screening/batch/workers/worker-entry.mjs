// @ts-check
/**
 * Entry point of a batch screening worker (worker-pool.ts starts it). A worker does not inherit the main thread's
 * TypeScript loader, so it registers tsx itself before loading the worker's body (as the store's append thread does).
 */
import { register } from 'tsx/esm/api';

register();
await import('./batch-worker.ts');
