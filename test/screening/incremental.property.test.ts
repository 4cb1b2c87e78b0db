/**
 * The screening index kept current (src/screening/index-keeper.ts) answers exactly like one built afresh: for
 * generated histories (histories.ts) projected in random batches, after every batch the kept index gives the same
 * matches (scores, names, reasons) as a new ScreeningIndex over designation_segments, for every query and basis,
 * whatever the keeping policy (always applied, rebuilt on large change sets, compacted). And a snapshot taken
 * after a batch still answers as then once later batches have been applied (a batch screening pinned to it).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadScreeningEntries, ScreeningIndex, ScreeningService, type Basis, type Screener } from '../../src/screening';
import { projectedLedger } from '../support/projected-ledger';
import { history, HISTORY_AS_OFS, HISTORY_QUERIES, HistoryClock, type HistoryStep } from './histories';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 40);
const QUERIES = [...HISTORY_QUERIES.map((name) => ({ name, limit: 100 })), { name: 'Nobody Known', identifiers: [{ value: 'PA 1001' }], limit: 100 }];
const policy = fc.record({ rebuildShare: fc.constantFrom(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, 0.5, 0), garbageShare: fc.constantFrom(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, 1, 0.25) });
/** Where the history is cut into projector batches: after how many steps (taken modulo the history's length). */
const cuts = fc.array(fc.nat(30), { minLength: 3, maxLength: 10 });

function batchesOf(steps: readonly HistoryStep[], at: readonly number[]): HistoryStep[][] {
  const points = [...new Set(at.map((after) => after % (steps.length + 1))), steps.length].sort((a, b) => a - b);
  let from = 0;
  return points.map((to) => {
    const batch = steps.slice(from, to);
    from = to;
    return batch;
  });
}

/** Every query at every basis: the knownAts just before and at each instant recorded so far, and now. */
function answers(screener: Screener, bases: readonly Basis[]) {
  return bases.flatMap((basis) => QUERIES.map((query) => screener.screen(query, basis)));
}

function basesOf(instants: readonly string[]): Basis[] {
  const knownAts = [...instants, ...instants.map((i) => new Date(Date.parse(i) - 1).toISOString()), '9000-01-01T00:00:00.000Z'];
  return knownAts.flatMap((knownAt) => HISTORY_AS_OFS.map((asOf) => ({ asOf, knownAt })));
}

describe('the screening index kept current', () => {
  it('given random histories in random batches and any keeping policy, when kept current after each batch, then it answers like a fresh index, and earlier snapshots as then', async () => {
    let applied = 0;
    let nonEmpty = 0;
    await fc.assert(
      fc.asyncProperty(history, cuts, policy, async (steps, at, keeping) => {
        const ledger = projectedLedger();
        try {
          const service = new ScreeningService(ledger.projector, keeping);
          const clock = new HistoryClock();
          const pinned: Array<{ snapshot: Screener; bases: Basis[]; expected: ReturnType<typeof answers> }> = [];
          for (const batch of batchesOf(steps, at)) {
            // Given the batch projected,
            await clock.record(ledger, batch);
            await ledger.projector.catchUp();
            // when the index is brought to the projector's position,
            const { index } = service.current();
            if (service.lastUpdate.kind === 'applied') applied++;
            // then it answers every query at every basis like an index built afresh from the segments.
            const instants = (await ledger.store.readAll({ maxCount: 10_000 })).map((r) => r.envelope.recordedAt);
            const bases = basesOf([...new Set(instants)]);
            const expected = answers(new ScreeningIndex(loadScreeningEntries(ledger.projector.db)), bases);
            expect(answers(index, bases)).toEqual(expected);
            nonEmpty += expected.filter((matches) => matches.length > 0).length > 0 ? 1 : 0;
            pinned.push({ snapshot: index, bases, expected });
          }
          // And every snapshot, after all the later batches, still answers as at its own position.
          for (const { snapshot, bases, expected } of pinned) expect(answers(snapshot, bases)).toEqual(expected);
        } finally {
          await ledger.close();
          await new Promise((r) => setImmediate(r));
        }
      }),
      { numRuns: RUNS },
    );
    // The property must really exercise replacement (not only rebuilds) and compare real matches.
    // Applied updates counted 19 to 40 over 40 runs (half the policies rebuild on any large change set, and each
    // run's first batch is a build): a quarter keeps the check from passing on rebuilds alone without flaking.
    expect(applied).toBeGreaterThan(RUNS / 4);
    expect(nonEmpty).toBeGreaterThan(RUNS);
  }, 600_000);
});
