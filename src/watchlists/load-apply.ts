/**
 * Applying a validated bulk load. A load is recorded (`bulk_loads`, with the process that runs it) when it starts
 * staging; every line has passed before anything is applied (bulk-load.ts); the load is then recorded as committed
 * and moved into the watchlist a chunk per transaction, with a turn of the event loop between chunks. One transaction for the whole load held the
 * service for about 6 s per 100,000 entries (a minute for a million: /health, feeds and the follower with it).
 * Atomic still in the sense that matters after a crash: a committed load that a process did not finish is
 * finished when the file is next opened, so a load is either refused whole or applied whole. While it applies,
 * readers can see it part-applied, as a progress. A load whose process died while it was still staging is removed
 * at the next open, so the caller's names it staged do not stay in the file.
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

/** The statements of a load's life, prepared once per connection: a 1,000,000-entry load applies 1,000 chunks. */
function statementsOf(db: Database.Database) {
  return {
    start: db.prepare<[string, string, number, string]>("INSERT INTO bulk_loads (load_id, watchlist_id, state, pid, started_at) VALUES (?, ?, 'staging', ?, ?)"),
    commit: db.prepare<[string]>("UPDATE bulk_loads SET state = 'committed' WHERE load_id = ?"),
    chunk: db.prepare<[string, number], { entry_id: string; entry: string }>('SELECT entry_id, entry FROM load_staging WHERE load_id = ? ORDER BY entry_id LIMIT ?'),
    dropApplied: db.prepare<[string, string]>('DELETE FROM load_staging WHERE load_id = ? AND entry_id <= ?'),
    dropStaged: db.prepare<[string]>('DELETE FROM load_staging WHERE load_id = ?'),
    dropLoad: db.prepare<[string]>('DELETE FROM bulk_loads WHERE load_id = ?'),
    loads: db.prepare<[], { load_id: string; watchlist_id: string; state: string; pid: number }>('SELECT load_id, watchlist_id, state, pid FROM bulk_loads ORDER BY started_at'),
  };
}
const prepared = new WeakMap<Database.Database, ReturnType<typeof statementsOf>>();
function statements(db: Database.Database): ReturnType<typeof statementsOf> {
  let found = prepared.get(db);
  if (found === undefined) prepared.set(db, (found = statementsOf(db)));
  return found;
}

/** Removes a load and what it staged (in the caller's transaction). */
function forget(store: LoadTarget, loadId: string): void {
  const sql = statements(store.db);
  sql.dropStaged.run(loadId);
  sql.dropLoad.run(loadId);
}

function applyChunk(store: LoadTarget, loadId: string, watchlistId: string): ChunkOutcome {
  if (!store.exists(watchlistId)) {
    forget(store, loadId);
    return 'watchlist-gone';
  }
  const sql = statements(store.db);
  const rows = sql.chunk.all(loadId, APPLY_CHUNK);
  for (const row of rows) store.putEntry(watchlistId, JSON.parse(row.entry) as WatchlistEntry);
  if (rows.length === APPLY_CHUNK) {
    sql.dropApplied.run(loadId, rows[rows.length - 1]!.entry_id);
    return 'more';
  }
  store.touch(watchlistId);
  forget(store, loadId);
  return 'done';
}

/** Records a load about to stage its lines, owned by this process. */
export function startLoad(store: LoadTarget, loadId: string, watchlistId: string, now: Date = new Date()): void {
  store.transaction(() => statements(store.db).start.run(loadId, watchlistId, process.pid, now.toISOString()));
}

/** Drops a load that was refused (or failed) before it committed, with what it staged. */
export function dropLoad(store: LoadTarget, loadId: string): void {
  store.transaction(() => forget(store, loadId));
}

/** Records a validated, fully staged load as committed, creating its watchlist if missing (then true). */
export function commitLoad(store: LoadTarget, loadId: string, watchlistId: string): boolean {
  return store.transaction(() => {
    const created = !store.exists(watchlistId);
    if (created) store.create(watchlistId);
    statements(store.db).commit.run(loadId);
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

/** Whether a process runs (processes sharing a SQLite file share its machine: WAL needs shared memory). */
function running(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * At open, before anything reads: finishes the committed loads a process did not (it was killed while applying),
 * and removes the loads whose process died while staging. A load another live process is staging is left alone.
 */
export function finishInterruptedLoads(store: LoadTarget): { finished: number; removed: number } {
  const loads = statements(store.db).loads.all();
  let finished = 0;
  let removed = 0;
  for (const { load_id, watchlist_id, state, pid } of loads) {
    if (state === 'committed') {
      while (store.transaction(() => applyChunk(store, load_id, watchlist_id)) === 'more');
      finished += 1;
    } else if (!running(pid)) {
      dropLoad(store, load_id);
      removed += 1;
    }
  }
  return { finished, removed };
}
