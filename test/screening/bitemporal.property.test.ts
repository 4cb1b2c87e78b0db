/**
 * The screening index's bitemporal filter is exact: for generated histories (designations, amendments that
 * rename, corrections, delistings: histories.ts), the matches at every (asOf, knownAt) equal a naive scan, with the same
 * matcher, of the naive fold of the raw events (test/support/naive-fold.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeRecorded } from '../../src/commands/command-handler';
import { DEFAULT_THRESHOLD, loadScreeningEntries, nameTokens, prepareName, rawTokens, scoreName, ScreeningIndex } from '../../src/screening';
import { naiveInForce, type RawEvent } from '../support/naive-fold';
import { projectedLedger } from '../support/projected-ledger';
import { history, HISTORY_AS_OFS, HISTORY_QUERIES, HistoryClock } from './histories';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 40);

describe('screening at (asOf, knownAt) against the naive fold', () => {
  it('given random histories, when screened at every basis, then the matches equal a naive scan of the naive fold', async () => {
    let nonEmpty = 0;
    await fc.assert(
      fc.asyncProperty(history, async (steps) => {
        const ledger = projectedLedger();
        try {
          await new HistoryClock().record(ledger, steps);
          await ledger.projector.catchUp();
          const index = new ScreeningIndex(loadScreeningEntries(ledger.projector.db));
          const raw: RawEvent[] = (await ledger.store.readAll({ maxCount: 10_000 })).map((r) => ({ recordedAt: r.envelope.recordedAt, event: decodeRecorded(r) }));
          const instants = [...new Set(raw.map((r) => r.recordedAt))];
          const knownAts = [...instants, ...instants.map((i) => new Date(Date.parse(i) - 1).toISOString()), new Date().toISOString()];
          for (const knownAt of knownAts) {
            for (const asOf of HISTORY_AS_OFS) {
              const inForce = naiveInForce(raw, asOf, knownAt);
              for (const query of HISTORY_QUERIES) {
                const q = prepareName(nameTokens(query), rawTokens(query));
                const expected = inForce
                  .map((d) => ({ key: `${d.subjectId}|${d.designationId}`, score: Math.round(scoreName(q, prepareName(nameTokens(d.primaryName), rawTokens(d.primaryName))).score * 10_000) / 10_000 }))
                  .filter((m) => m.score >= DEFAULT_THRESHOLD)
                  .sort((a, b) => a.key.localeCompare(b.key));
                const actual = index
                  .screen({ name: query, limit: 100 }, { asOf, knownAt })
                  .map((m) => ({ key: `${m.subjectId}|${m.designationId}`, score: m.score }))
                  .sort((a, b) => a.key.localeCompare(b.key));
                expect(actual, `${query} asOf ${asOf} knownAt ${knownAt}`).toEqual(expected);
                if (expected.length > 0) nonEmpty++;
              }
            }
          }
        } finally {
          await ledger.close();
          await new Promise((r) => setImmediate(r));
        }
      }),
      { numRuns: RUNS },
    );
    // The property must really compare matches, not only empty answers.
    expect(nonEmpty).toBeGreaterThan(RUNS);
  }, 300_000);
});
