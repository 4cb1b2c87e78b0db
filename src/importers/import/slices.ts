/**
 * Long pure loops of an import (plan, decider check) are written as generators that `yield` after each unit
 * of work, so that the caller chooses how to run them: at once (tests, the CLI), or in time slices that give
 * the event loop back between them, so that an import inside the HTTP service leaves it answering (issue 10
 * item 10: the UK OFSI file held the loop for 1.7 s). The work and its result are the same either way.
 */
import { SLICE_MS, TimeSlice } from '../../scheduling/time-slice';

/** A computation that pauses (yields nothing) between units of work and returns T. */
export type Steps<T> = Generator<undefined, T, undefined>;

export { SLICE_MS };

export function runAtOnce<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

export async function runInSlices<T>(steps: Steps<T>, sliceMs = SLICE_MS): Promise<T> {
  const slice = new TimeSlice(sliceMs);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (slice.spent) await slice.next();
  }
}
