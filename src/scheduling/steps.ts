/**
 * Long work written once as a generator that yields wherever it may pause, and run either at once (inside a
 * transaction, in tests, in the CLI: the loop gets no turn) or in time slices (TimeSlice: the loop gets a turn
 * once a slice is spent, so a service doing it keeps answering). One body for both, so the paused and the
 * unpaused runs cannot drift apart. Used by the importers' plan and decider check and by the watchlist follower.
 */
import { TimeSlice } from './time-slice';

/** A computation that pauses (yields nothing) between units of work and returns T. */
export type Steps<T> = Generator<void, T, void>;

/** Runs the steps to their end without pausing. */
export function runAtOnce<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
  }
}

/** Runs the steps, giving the loop a turn whenever the slice is spent at one of their pauses. */
export async function runInSlices<T>(steps: Steps<T>, slice = new TimeSlice()): Promise<T> {
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
    if (slice.spent) await slice.next();
  }
}
