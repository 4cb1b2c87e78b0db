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
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { decodeEntry, type WatchlistEntry } from './entry-codec';
import { csvEntry, csvHeader, LineError, parseNdjsonLine, type BulkFormat } from './bulk-parse';
import { InvalidUtf8Error } from '../text/utf8';
import { applyCommittedLoad, commitLoad, dropLoad, startLoad } from './load-apply';
import type { WatchlistScreener } from './screener';
import type { WatchlistStore } from './watchlist-store';

export const MAX_REPORTED = 20;
const STAGE_CHUNK = 5_000;
// Small: one entry is screened in 0.3 to 0.7 ms, and 1,000 a transaction held /health for up to 0.7 s.
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
  const stage = store.db.prepare<[string, string, string]>('INSERT INTO load_staging (load_id, entry_id, entry) VALUES (?, ?, ?)');
  const seen = new Map<string, number>();
  const errors: LineError[] = [];
  let pending: WatchlistEntry[] = [];
  const flush = () => {
    const chunk = pending;
    pending = [];
    store.transaction(() => chunk.forEach((e) => stage.run(loadId, e.id, JSON.stringify(e))));
  };
  const every = options.progressEvery ?? 100_000;
  let lineNo = 0;
  let columns: string[] | undefined;
  let committed = false;
  let created = false;
  startLoad(store, loadId, watchlistId);
  try {
    try {
      for await (const raw of lines) {
        lineNo += 1;
        const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
        if (text.trim() === '') continue;
        try {
          if (options.format === 'csv' && columns === undefined) {
            columns = csvHeader(text, lineNo);
            continue;
          }
          const object = options.format === 'csv' ? csvEntry(columns!, text, lineNo) : parseNdjsonLine(text, lineNo);
          const decoded = decodeEntry(object);
          if (E.isLeft(decoded)) throw new LineError(lineNo, decoded.left.map((e) => `${e.path}: expected ${e.expected}, got ${e.actual}`).join('; '));
          const earlier = seen.get(decoded.right.id);
          if (earlier !== undefined) throw new LineError(lineNo, `id: the id is already used on line ${earlier}`);
          seen.set(decoded.right.id, lineNo);
          if (errors.length === 0) pending.push(decoded.right);
        } catch (error) {
          if (!(error instanceof LineError)) throw error;
          errors.push(error);
          if (errors.length >= MAX_REPORTED) break;
        }
        if (pending.length >= STAGE_CHUNK) flush();
        if (lineNo % every === 0) options.progress?.({ phase: 'validating', lines: lineNo, entries: seen.size });
      }
    } catch (error) {
      // Bytes that are not UTF-8 end the reading there: the rest cannot be trusted to be what the caller meant.
      if (!(error instanceof InvalidUtf8Error)) throw error;
      errors.push(new LineError(error.line, error.detail));
    }
    if (errors.length === 0 && seen.size === 0) errors.push(new LineError(lineNo, options.format === 'csv' && columns === undefined ? 'no header line and no entries' : 'no entries'));
    if (errors.length > 0) throw new BulkLoadError(errors);
    if (pending.length > 0) flush();
    options.progress?.({ phase: 'applying', lines: lineNo, entries: seen.size });
    created = commitLoad(store, loadId, watchlistId);
    committed = true;
    await applyCommittedLoad(store, loadId, watchlistId);
  } finally {
    // A committed load is finished by whoever opens the file next, so its staged entries stay.
    if (!committed) dropLoad(store, loadId);
  }
  let notifications = 0;
  if (screener !== undefined) {
    const ids = [...seen.keys()];
    for (let i = 0; i < ids.length; i += SCREEN_CHUNK) {
      const chunk = ids.slice(i, i + SCREEN_CHUNK);
      notifications += store.transaction(() =>
        screener.screenRegistered(watchlistId, chunk.map((id) => store.entry(watchlistId, id)).filter((e): e is WatchlistEntry => e !== undefined)),
      );
      if (i % 5_000 === 0) options.progress?.({ phase: 'screening', lines: lineNo, entries: Math.min(i + SCREEN_CHUNK, ids.length) });
      await yieldToLoop();
    }
  }
  return { entries: seen.size, lines: lineNo, notifications, created };
}
