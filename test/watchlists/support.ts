/** A projected ledger with a watchlist database and its follower, for the watchlist tests. */
import type { CommandInput } from '../../src/commands/command-handler';
import { buildServer, type ServerOptions } from '../../src/http/server';
import { Ledger } from '../../src/ledger';
import { Projector } from '../../src/projector/projector';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { WatchlistFollower, Watchlists, WatchlistStore } from '../../src/watchlists';
import type { WatchlistStoreOptions } from '../../src/watchlists/watchlist-store';
import { AUTH } from '../http/support';
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

/**
 * The HTTP service with its watchlist routes, listening on a free port, over an in-memory ledger whose projector
 * and watchlist follower run: what the route and feed tests talk to.
 */
export async function watchlistService(dbPath: string, options: { store?: WatchlistStoreOptions; logger?: ServerOptions['logger'] } = {}) {
  const events = SqliteEventStore.open(':memory:');
  const ledger = Ledger.over(events);
  const projector = Projector.open(events, ':memory:');
  await projector.catchUp();
  projector.start();
  const store = WatchlistStore.open(dbPath, options.store);
  const follower = new WatchlistFollower(events, projector, store, { pollMs: 5 });
  follower.start();
  const app = await buildServer({ ledger, projector, auth: AUTH, logger: options.logger ?? false, watchlists: { store, screener: follower.registration } });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    ledger,
    projector,
    store,
    follower,
    app,
    base,
    async close() {
      await app.close();
      await follower.stop();
      store.close();
      await projector.close();
      await ledger.close();
    },
  };
}
