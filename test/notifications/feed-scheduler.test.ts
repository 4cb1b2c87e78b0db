/**
 * Issue 10 item 9: feed work is cut into turns of the event loop. Without timings: the units are busy-waits on
 * the same clock as the scheduler, so how many fit in a turn is fixed by the slice, not by the machine.
 */
import { describe, expect, it } from 'vitest';
import { FeedScheduler } from '../../src/notifications/feed-scheduler';
import { countLoopTurns } from '../support/loop-turns';

const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

/** `workers` loops of `units` busy units of `unitMs`, each pausing between units; records which worker ran in which turn. */
async function run(scheduler: FeedScheduler, workers: number, units: number, unitMs: number) {
  const loop = countLoopTurns();
  const log: Array<{ worker: number; turn: number }> = [];
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let unit = 0; unit < units; unit++) {
        const pause = scheduler.pause();
        if (pause !== undefined) await pause;
        busy(unitMs);
        log.push({ worker, turn: loop.turns() });
      }
    }),
  );
  loop.stop();
  return log;
}

describe('FeedScheduler', () => {
  it('lets the event loop turn between slices: a turn holds about one slice of work plus one unit per resumed worker', async () => {
    // Given a 4 ms slice, at most 8 workers resumed per turn, and 20 workers of 30 units of 1 ms
    const scheduler = new FeedScheduler(4, 8);
    const log = await run(scheduler, 20, 30, 1);
    // Then every unit ran, and no turn ran more than slice/unit + 8 units
    expect(log).toHaveLength(600);
    const perTurn = new Map<number, number>();
    for (const { turn } of log) perTurn.set(turn, (perTurn.get(turn) ?? 0) + 1);
    expect(Math.max(...perTurn.values())).toBeLessThanOrEqual(4 + 8);
    expect(perTurn.size).toBeGreaterThanOrEqual(600 / 12);
  });

  it('starves no worker: all progress together instead of one running to its end first', async () => {
    const scheduler = new FeedScheduler(2, 4);
    const log = await run(scheduler, 10, 20, 0.5);
    // Then by the time any worker has finished, every other has done at least a third of its units
    const firstDone = log.findIndex(({ worker }, i) => log.slice(0, i + 1).filter((e) => e.worker === worker).length === 20);
    const upTo = log.slice(0, firstDone + 1);
    for (let worker = 0; worker < 10; worker++) expect(upTo.filter((e) => e.worker === worker).length).toBeGreaterThanOrEqual(7);
  });

  it('costs nothing while the slice is young: pause() answers undefined, no promise, no new turn', async () => {
    const scheduler = new FeedScheduler(1_000, 8);
    // Given a slice just opened (the first call waits for one)
    await scheduler.pause();
    // Then the next calls carry on at once
    for (let i = 0; i < 100; i++) expect(scheduler.pause()).toBeUndefined();
    expect(scheduler.slices).toBe(1);
  });
});
