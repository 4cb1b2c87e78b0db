/**
 * Long pure loops of an import (plan, decider check) are written as generators that `yield` after each unit
 * of work, so that the caller chooses how to run them: at once (tests, the CLI), or in time slices that give
 * the event loop back between them, so that an import inside the HTTP service leaves it answering (issue 10
 * item 10: the UK OFSI file held the loop for 1.7 s). The work and its result are the same either way.
 */
import { performance } from 'node:perf_hooks';

/** A computation that pauses (yields nothing) between units of work and returns T. */
export type Steps<T> = Generator<undefined, T, undefined>;

/** How long one slice may hold the event loop. */
export const SLICE_MS = 5;

export function runAtOnce<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function runInSlices<T>(steps: Steps<T>, sliceMs = SLICE_MS): Promise<T> {
  let sliceStarted = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - sliceStarted >= sliceMs) {
      // setImmediate, not a microtask: the loop polls sockets (and timers run) before the next slice.
      await nextTurn();
      sliceStarted = performance.now();
    }
  }
}
