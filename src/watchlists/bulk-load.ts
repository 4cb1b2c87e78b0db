/**
 * Streamed bulk load of a watchlist (NDJSON or CSV, up to millions of lines): each line is validated as it
 * arrives and staged in chunks (memory stays flat but for the set of ids seen, needed to name duplicates). All
 * or nothing: if any line is bad, the load is refused naming up to MAX_REPORTED lines and nothing is applied;
 * otherwise the load is committed and its staged entries replace or add to the watchlist (load-apply.ts: in
 * chunks, finished at the next open after a crash). The entries are then screened against the current state in
 * chunks (each chunk its own transaction, so the service keeps answering).
 */
import * as E from 'fp-ts/Either';
import { randomUUID } from 'node:crypto';
import { decodeEntry, type WatchlistEntry } from './entry-codec';
import { csvRows, LineError, ndjsonRows, type BulkFormat, type ReadCount } from './bulk-parse';
import { TimeSlice } from '../scheduling/time-slice';
import { applyCommittedLoad, commitLoad, dropLoad, startLoad } from './load-apply';
import type { WatchlistScreener } from './screener';
import type { WatchlistStore } from './watchlist-store';

export const MAX_REPORTED = 20;
const STAGE_CHUNK = 5_000;
// Small: one entry is screened in 0.3 to 0.7 ms, and 1,000 a transaction held /health for up to 0.7 s. The loop
// gets a turn once a TimeSlice is spent, as everywhere else that may run in the service.
const SCREEN_CHUNK = 50;

export class BulkLoadError extends Error {
  override readonly name = 'BulkLoadError';
  constructor(readonly errors: readonly LineError[]) {
    super(`nothing loaded: ${errors.map((e) => e.message).join('; ')}${errors.length >= MAX_REPORTED ? ' (first errors only)' : ''}`);
  }
}

export interface BulkProgress {
  readonly phase: 'validating' | 'applying' | 'screening';
  readonly lines: number;
  readonly entries: number;
}

export interface BulkResult {
  readonly entries: number;
  readonly lines: number;
  readonly notifications: number;
  /** The load created its watchlist. */
  readonly created: boolean;
}

export async function bulkLoad(
  store: WatchlistStore,
  screener: WatchlistScreener | undefined,
  watchlistId: string,
  lines: AsyncIterable<string>,
  options: { format: BulkFormat; progress?: (p: BulkProgress) => void; progressEvery?: number },
): Promise<BulkResult> {
  const loadId = randomUUID();
  let committed = false;
  let staged: Staged;
  let created: boolean;
  startLoad(store, loadId, watchlistId);
  try {
    staged = await stageLines(store, loadId, lines, options);
    if (staged.errors.length > 0) throw new BulkLoadError(staged.errors);
    options.progress?.({ phase: 'applying', lines: staged.lines, entries: staged.ids.size });
    created = commitLoad(store, loadId, watchlistId);
    committed = true;
    await applyCommittedLoad(store, loadId, watchlistId);
  } finally {
    // A committed load is finished by whoever opens the file next, so its staged entries stay.
    if (!committed) dropLoad(store, loadId);
  }
  const notifications = screener === undefined ? 0 : await screenLoaded(store, screener, watchlistId, [...staged.ids.keys()], (entries) => options.progress?.({ phase: 'screening', lines: staged.lines, entries }));
  return { entries: staged.ids.size, lines: staged.lines, notifications, created };
}

interface Staged {
  /** Entry id -> the line that gave it (to name a repeat). */
  readonly ids: Map<string, number>;
  readonly lines: number;
  /** Empty when every line passed and at least one entry was given. */
  readonly errors: LineError[];
}

/**
 * Validates every line as it streams in and stages the entries in chunks, until the input ends or MAX_REPORTED
 * lines are refused. Staging stops at the first refused line (nothing of a refused load is applied), while the
 * validation goes on, to name more of the bad lines in one answer.
 */
async function stageLines(store: WatchlistStore, loadId: string, lines: AsyncIterable<string>, options: { format: BulkFormat; progress?: (p: BulkProgress) => void; progressEvery?: number }): Promise<Staged> {
  const stage = store.db.prepare<[string, string, string]>('INSERT INTO load_staging (load_id, entry_id, entry) VALUES (?, ?, ?)');
  const ids = new Map<string, number>();
  const errors: LineError[] = [];
  let pending: WatchlistEntry[] = [];
  const flush = () => {
    const chunk = pending;
    pending = [];
    store.transaction(() => chunk.forEach((e) => stage.run(loadId, e.id, JSON.stringify(e))));
  };
  const every = options.progressEvery ?? 100_000;
  const count: ReadCount = { lines: 0, header: false };
  const rows = options.format === 'csv' ? csvRows(lines, count) : ndjsonRows(lines, count);
  let read = 0;
  for await (const row of rows) {
    const entry = 'error' in row ? row.error : entryOf(row.line, row.object, ids);
    if (entry instanceof LineError) {
      errors.push(entry);
      if (errors.length >= MAX_REPORTED || ('error' in row && row.fatal)) break;
    } else {
      ids.set(entry.id, row.line);
      if (errors.length === 0) pending.push(entry);
    }
    if (pending.length >= STAGE_CHUNK) flush();
    if ((read += 1) % every === 0) options.progress?.({ phase: 'validating', lines: count.lines, entries: ids.size });
  }
  if (errors.length === 0 && ids.size === 0) errors.push(new LineError(count.lines, options.format === 'csv' && !count.header ? 'no header line and no entries' : 'no entries'));
  if (errors.length === 0 && pending.length > 0) flush();
  return { ids, lines: count.lines, errors };
}

/** A row's entry, or the LineError naming its bad field or its repeated id. */
function entryOf(line: number, object: unknown, ids: ReadonlyMap<string, number>): WatchlistEntry | LineError {
  const decoded = decodeEntry(object);
  if (E.isLeft(decoded)) return new LineError(line, decoded.left.map((e) => `${e.path}: expected ${e.expected}, got ${e.actual}`).join('; '));
  const earlier = ids.get(decoded.right.id);
  return earlier === undefined ? decoded.right : new LineError(line, `id: the id is already used on line ${earlier}`);
}

/** Screens the loaded entries against the current state, SCREEN_CHUNK a transaction, giving the loop a turn once a slice is spent. */
async function screenLoaded(store: WatchlistStore, screener: WatchlistScreener, watchlistId: string, ids: readonly string[], progress: (entries: number) => void, slice = new TimeSlice()): Promise<number> {
  let notifications = 0;
  for (let i = 0; i < ids.length; i += SCREEN_CHUNK) {
    const chunk = ids.slice(i, i + SCREEN_CHUNK);
    notifications += store.transaction(() =>
      screener.screenRegistered(watchlistId, chunk.map((id) => store.entry(watchlistId, id)).filter((e): e is WatchlistEntry => e !== undefined)),
    );
    if (i % 5_000 === 0) progress(Math.min(i + SCREEN_CHUNK, ids.length));
    if (slice.spent) await slice.next();
  }
  return notifications;
}
