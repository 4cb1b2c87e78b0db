/**
 * The follower against a naive scan: for random histories (designations, renames, delistings) with the follower
 * catching up at random points, the current matches it keeps equal screening every entry against the whole
 * current state (ScreeningService, no key index, no per-batch scope), and replaying its notifications in order
 * gives the same set.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_LIMIT, ScreeningService } from '../../src/screening';
import { delist, designate, rename, watchlistLedger } from './support';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 25);
const subject = fc.constantFrom('alpha', 'bravo', 'charlie');
const name = fc.constantFrom('Ivan Petrov', 'Ivan Petrof', 'Petrov Holdings', 'Kim Chol', 'Kim Chol Su', 'Sergei Ivanov');
const step = fc.record({
  command: fc.oneof(
    fc.tuple(subject, name).map(([s, n]) => designate(s, n)),
    fc.tuple(subject, name).map(([s, n]) => rename(s, n)),
    subject.map((s) => delist(s)),
  ),
  catchUp: fc.boolean(),
});
const ENTRIES = [
  { id: 'w1', name: 'Ivan Petrov' },
  { id: 'w2', name: 'Kim Chol' },
  { id: 'w3', name: 'Sergey Ivanov', birthDate: '1970' },
  { id: 'w4', name: 'Maria Schmidt' },
];

describe('watchlist follower against a naive scan', () => {
  it('given random histories, when the follower has caught up, then its current matches equal screening every entry against the whole state', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 15 }), fc.boolean(), async (steps, registerFirst) => {
        const ledger = watchlistLedger();
        try {
          if (registerFirst) ledger.watchlists.create('w', ENTRIES);
          for (const [i, { command, catchUp }] of steps.entries()) {
            // Refused commands (delisting what is not listed) are part of the history too: nothing is appended.
            await ledger.decide(new Date(Date.parse('2024-05-01T00:00:00Z') + i * 1000).toISOString(), command);
            if (catchUp) await ledger.follower.catchUp();
          }
          await ledger.projector.catchUp();
          if (!registerFirst) ledger.watchlists.create('w', ENTRIES);
          await ledger.follower.catchUp();

          const service = new ScreeningService(ledger.projector);
          const naive = ENTRIES.flatMap(({ id, ...query }) => service.screen({ ...query, limit: MAX_LIMIT }).matches.map((m) => `${id} ${m.subjectId} ${m.designationId} ${m.score}`)).sort();
          const kept = ledger.watchlists.matches('w').map((m) => `${m.entryId} ${m.match.subjectId} ${m.match.designationId} ${m.match.score}`).sort();
          expect(kept).toEqual(naive);

          const replayed = new Map<string, number>();
          for (const { event } of ledger.store.notificationsAfter(0, { limit: 100_000 })) {
            const key = `${event.data.entryId} ${event.data.subjectId} ${event.data.designationId}`;
            if (event.data.score === null) replayed.delete(key);
            else replayed.set(key, event.data.score);
          }
          expect([...replayed].map(([k, s]) => `${k} ${s}`).sort()).toEqual(naive);
        } finally {
          await ledger.close();
        }
      }),
      { numRuns: RUNS },
    );
  });
});
