/**
 * Cooperative time slices for long work on the event loop (issue 10 items 9-10). Node answers a request only
 * between two macrotasks, and awaiting a promise that is already resolved (as every better-sqlite3 call wrapped
 * in an async method is) gives the loop nothing: a long loop of such awaits holds it as firmly as a synchronous
 * one. Work that may run inside the service tests `spent` between units (a getter, so a young slice costs no
 * microtask) and, once the slice is older than its budget, awaits `next()`: one turn of the loop (setImmediate:
 * sockets are polled and timers run first), then a new slice.
 */
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** How long one slice may hold the event loop. */
export const SLICE_MS = 5;

export class TimeSlice {
  private started = performance.now();

  constructor(private readonly budgetMs = SLICE_MS) {}

  /** True when the slice has used its budget. */
  get spent(): boolean {
    return performance.now() - this.started >= this.budgetMs;
  }

  /** Gives the loop one turn, then starts a new slice. */
  async next(): Promise<void> {
    await nextTurn();
    this.started = performance.now();
  }
}
