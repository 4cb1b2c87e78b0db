/** One generator body run at once (no loop turn) or in slices (a turn at its pauses once a slice is spent). */
import { describe, expect, it } from 'vitest';
import { runAtOnce, runInSlices, type Steps } from '../../src/scheduling/steps';
import { TimeSlice } from '../../src/scheduling/time-slice';
import { countLoopTurns } from '../support/loop-turns';

/** Counts to `n`, pausing after each unit, and reports how many loop turns (setImmediate callbacks) it saw. */
function* counting(n: number, turns: () => number): Steps<{ total: number; turnsSeen: number }> {
  let total = 0;
  for (let i = 0; i < n; i += 1) {
    total += 1;
    yield;
  }
  return { total, turnsSeen: turns() };
}


describe('steps', () => {
  it('given work with pauses, when run at once, then it ends with its value and the loop gets no turn', () => {
    const counter = countLoopTurns();
    expect(runAtOnce(counting(50, counter.turns))).toEqual({ total: 50, turnsSeen: 0 });
    counter.stop();
  });

  it('given work with pauses, when run in slices that are always spent, then the loop gets a turn at every pause', async () => {
    const counter = countLoopTurns();
    const result = await runInSlices(counting(20, counter.turns), new TimeSlice(0));
    counter.stop();
    expect(result.total).toBe(20);
    expect(result.turnsSeen).toBeGreaterThanOrEqual(20);
  });

  it('given work with pauses, when run in a slice never spent, then it ends in one turn', async () => {
    const counter = countLoopTurns();
    const result = await runInSlices(counting(20, counter.turns), new TimeSlice(60_000));
    counter.stop();
    expect(result).toEqual({ total: 20, turnsSeen: 0 });
  });
});
