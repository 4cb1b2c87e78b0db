/** A projected ledger with a watchlist database and its follower, for the watchlist tests. */
import type { CommandInput } from '../../src/commands/command-handler';
import { WatchlistFollower, Watchlists, WatchlistStore } from '../../src/watchlists';
import { projectedLedger } from '../support/projected-ledger';

export const designate = (subjectId: string, name: string, extra: Record<string, unknown> = {}): CommandInput => ({
  type: 'DesignateSubject',
  data: { subjectId, kind: 'person', regime: 'EU:RUS', measures: ['asset-freeze'], legalBasis: ['ACT-1'], effectiveFrom: '2024-01-01', identity: { names: [{ name, quality: 'primary' }] }, ...extra },
});
export const rename = (subjectId: string, name: string, extra: Record<string, unknown> = {}): CommandInput => ({
  type: 'AmendDesignation',
  data: { subjectId, regime: 'EU:RUS', effectiveFrom: '2024-02-01', changes: { identity: { names: [{ name, quality: 'primary' }], ...extra } } },
});
export const delist = (subjectId: string): CommandInput => ({
  type: 'DelistSubject',
  data: { subjectId, regime: 'EU:RUS', effectiveFrom: '2024-03-01', legalBasis: ['ACT-2'], reason: 'delisted' },
});

export function watchlistLedger(dbPath = ':memory:') {
  const ledger = projectedLedger();
  const store = WatchlistStore.open(dbPath);
  const follower = new WatchlistFollower(ledger.store, ledger.projector, store);
  const watchlists = new Watchlists(store, follower.registration);
  let clock = Date.parse('2024-05-01T00:00:00.000Z');
  return {
    ...ledger,
    watchlists,
    store,
    follower,
    /** Records a command a second after the previous one. */
    async run(command: CommandInput) {
      clock += 1000;
      return ledger.record(new Date(clock).toISOString(), command);
    },
    async close() {
      await follower.stop();
      store.close();
      await ledger.close();
    },
  };
}
