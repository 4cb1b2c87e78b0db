/**
 * Applying a validated bulk load. Every line has passed before anything is applied (bulk-load.ts); the load is
 * then recorded as committed (a `bulk_loads` row, with its staged entries) and moved into the watchlist a chunk
 * per transaction, with a turn of the event loop between chunks. One transaction for the whole load held the
 * service for about 6 s per 100,000 entries (a minute for a million: /health, feeds and the follower with it).
 * Atomic still in the sense that matters after a crash: a committed load that a process did not finish is
 * finished when the file is next opened, so a load is either refused whole or applied whole. While it applies,
 * readers can see it part-applied, as a progress.
 */
import type Database from 'better-sqlite3';
import { TimeSlice } from '../scheduling/time-slice';
import type { WatchlistEntry } from './entry-codec';

export const APPLY_CHUNK = 1_000;

/** What applying needs of the store (watchlist-store.ts), named here so that the two need not import each other. */
export interface LoadTarget {
  readonly db: Database.Database;
  transaction<T>(run: () => T): T;
  exists(watchlistId: string): boolean;
  create(watchlistId: string): void;
  putEntry(watchlistId: string, entry: WatchlistEntry): void;
  touch(watchlistId: string): void;
}

/** The watchlist was deleted while its load was being applied: the rest of the load is dropped. */
export class WatchlistDeletedDuringLoadError extends Error {
  override readonly name = 'WatchlistDeletedDuringLoadError';
  constructor(readonly watchlistId: string) {
    super(`watchlist ${JSON.stringify(watchlistId)} was deleted while its bulk load was being applied; the rest of the load is dropped`);
  }
}

type ChunkOutcome = 'more' | 'done' | 'watchlist-gone';

function applyChunk(store: LoadTarget, loadId: string, watchlistId: string): ChunkOutcome {
  const forget = () => {
    store.db.prepare('DELETE FROM load_staging WHERE load_id = ?').run(loadId);
    store.db.prepare('DELETE FROM bulk_loads WHERE load_id = ?').run(loadId);
  };
  if (!store.exists(watchlistId)) {
    forget();
    return 'watchlist-gone';
  }
  const rows = store.db
    .prepare<[string, number], { entry_id: string; entry: string }>('SELECT entry_id, entry FROM load_staging WHERE load_id = ? ORDER BY entry_id LIMIT ?')
    .all(loadId, APPLY_CHUNK);
  for (const row of rows) store.putEntry(watchlistId, JSON.parse(row.entry) as WatchlistEntry);
  if (rows.length === APPLY_CHUNK) {
    store.db.prepare('DELETE FROM load_staging WHERE load_id = ? AND entry_id <= ?').run(loadId, rows[rows.length - 1]!.entry_id);
    return 'more';
  }
  store.touch(watchlistId);
  forget();
  return 'done';
}

/** Records a validated, fully staged load as committed, creating its watchlist if missing (then true). */
export function commitLoad(store: LoadTarget, loadId: string, watchlistId: string, now: Date = new Date()): boolean {
  return store.transaction(() => {
    const created = !store.exists(watchlistId);
    if (created) store.create(watchlistId);
    store.db.prepare('INSERT INTO bulk_loads (load_id, watchlist_id, committed_at) VALUES (?, ?, ?)').run(loadId, watchlistId, now.toISOString());
    return created;
  });
}

/** Applies a committed load, giving the loop a turn whenever a slice is spent. */
export async function applyCommittedLoad(store: LoadTarget, loadId: string, watchlistId: string, slice = new TimeSlice()): Promise<void> {
  for (;;) {
    const outcome = store.transaction(() => applyChunk(store, loadId, watchlistId));
    if (outcome === 'done') return;
    if (outcome === 'watchlist-gone') throw new WatchlistDeletedDuringLoadError(watchlistId);
    if (slice.spent) await slice.next();
  }
}

/** Finishes the committed loads a process did not (it was killed while applying); at open, before anything reads. */
export function finishInterruptedLoads(store: LoadTarget): number {
  const loads = store.db.prepare<[], { load_id: string; watchlist_id: string }>('SELECT load_id, watchlist_id FROM bulk_loads ORDER BY committed_at').all();
  for (const { load_id, watchlist_id } of loads) {
    while (store.transaction(() => applyChunk(store, load_id, watchlist_id)) === 'more');
  }
  return loads.length;
}
