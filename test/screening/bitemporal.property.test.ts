/**
 * The screening index's bitemporal filter is exact: for generated histories (designations, amendments that
 * rename, corrections, delistings), the matches at every (asOf, knownAt) equal a naive scan, with the same
 * matcher, of the naive fold of the raw events (test/support/naive-fold.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeRecorded, type CommandInput } from '../../src/commands/command-handler';
import { DEFAULT_THRESHOLD, loadScreeningEntries, nameTokens, prepareName, rawTokens, scoreName, ScreeningIndex } from '../../src/screening';
import { naiveInForce, type RawEvent } from '../support/naive-fold';
import { projectedLedger } from '../support/projected-ledger';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 40);
const subject = fc.constantFrom('alpha', 'bravo', 'charlie');
const regime = fc.constantFrom('EU:RUS', 'UN:DPRK');
const date = fc.constantFrom('2024-01-01', '2024-03-01', '2024-06-01', '2025-01-01', '2026-01-01');
const name = fc.constantFrom('Ivan Petrov', 'Ivan Petrof', 'Petrov Holdings', 'Kim Chol', 'Kim Chol Su', 'Sergei Ivanov');
const QUERIES = ['Ivan Petrov', 'Kim Chol', 'Sergey Ivanov', 'Petrov'];

const command: fc.Arbitrary<CommandInput> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ subjectId: subject, regime, effectiveFrom: date, name }).map(({ name: n, ...d }): CommandInput => ({
    type: 'DesignateSubject', data: { ...d, kind: 'person', measures: ['asset-freeze'], legalBasis: ['ACT-1'], identity: { names: [{ name: n, quality: 'primary' }] } },
  })) },
  { weight: 3, arbitrary: fc.record({ subjectId: subject, regime, effectiveFrom: date, name }).map(({ name: n, ...d }): CommandInput => ({
    type: 'AmendDesignation', data: { ...d, changes: { identity: { names: [{ name: n, quality: 'primary' }] } } },
  })) },
  { weight: 2, arbitrary: fc.record({ subjectId: subject, regime, effectiveFrom: date }).map((d): CommandInput => ({ type: 'DelistSubject', data: { ...d, legalBasis: ['ACT-2'], reason: 'delisted' } })) },
  { weight: 2, arbitrary: fc.record({ subjectId: subject, regime, corrections: fc.oneof(date.map((from) => ({ effectiveFrom: from })), date.map((to) => ({ effectiveTo: to }))) }).map(
    (d): CommandInput => ({ type: 'CorrectDesignation', data: { ...d, reason: 'recorded wrongly' } }),
  ) },
);
const history = fc.array(fc.tuple(command, fc.constantFrom(0, 1, 86_400_000)), { minLength: 3, maxLength: 30 });

describe('screening at (asOf, knownAt) against the naive fold', () => {
  it('given random histories, when screened at every basis, then the matches equal a naive scan of the naive fold', async () => {
    let nonEmpty = 0;
    await fc.assert(
      fc.asyncProperty(history, async (steps) => {
        const ledger = projectedLedger();
        try {
          let clock = Date.parse('2024-05-01T00:00:00.000Z');
          for (const [cmd, gap] of steps) {
            clock += gap;
            await ledger.decide(new Date(clock).toISOString(), cmd);
          }
          await ledger.projector.catchUp();
          const index = new ScreeningIndex(loadScreeningEntries(ledger.projector.db));
          const raw: RawEvent[] = (await ledger.store.readAll({ maxCount: 10_000 })).map((r) => ({ recordedAt: r.envelope.recordedAt, event: decodeRecorded(r) }));
          const instants = [...new Set(raw.map((r) => r.recordedAt))];
          const knownAts = [...instants, ...instants.map((i) => new Date(Date.parse(i) - 1).toISOString()), new Date().toISOString()];
          for (const knownAt of knownAts) {
            for (const asOf of ['2023-12-31', '2024-01-01', '2024-02-29', '2024-06-01', '2025-06-01', '2030-01-01']) {
              const inForce = naiveInForce(raw, asOf, knownAt);
              for (const query of QUERIES) {
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
