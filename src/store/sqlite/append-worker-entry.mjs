// @ts-check
/**
 * Entry point of the store's append thread (append-thread.ts starts it). A worker does not inherit the main
 * thread's TypeScript loader, so it registers tsx itself before loading the thread's body.
 */
import { register } from 'tsx/esm/api';

register();
await import('./append-worker.ts');
