/**
 * Watchlist operations shared by the HTTP routes and the CLI: create, replace, add and remove entries, list,
 * delete, and the queries (current matches, one entry's history). Every change of entries is screened at once
 * against the current state, in the same transaction that stores it (DESIGN.md section 13).
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_CLOUDEVENT_SOURCE } from '../notifications/cloud-event';
import { bulkLoad } from './bulk-load';
import type { WatchlistEntry } from './entry-codec';
import type { StoredMatch } from './match-diff';
import type { RemovalReason } from './notification';
import { endedOnRemoval } from './removal';
import type { WatchlistScreener } from './screener';
import type { WatchlistStore } from './watchlist-store';

export class UnknownWatchlistError extends Error {
  override readonly name = 'UnknownWatchlistError';
  constructor(readonly watchlistId: string) {
    super(`no watchlist "${watchlistId}"`);
  }
}

export class UnknownEntryError extends Error {
  override readonly name = 'UnknownEntryError';
  constructor(
    readonly watchlistId: string,
    readonly entryId: string,
  ) {
    super(`no entry "${entryId}" in watchlist "${watchlistId}"`);
  }
}

export class WatchlistExistsError extends Error {
  override readonly name = 'WatchlistExistsError';
  constructor(readonly watchlistId: string) {
    super(`watchlist "${watchlistId}" already exists (PUT replaces it)`);
  }
}

export interface Changed {
  readonly watchlistId: string;
  readonly entries: number;
  readonly notifications: number;
}

export interface WatchlistsOptions {
  /** The CloudEvents `source` of the Ended notifications of removed entries (default the screener's, which the follower shares). */
  readonly source?: string;
  readonly now?: () => Date;
}

export class Watchlists {
  private readonly source: string;

  constructor(
    readonly store: WatchlistStore,
    private readonly screener: WatchlistScreener | undefined,
    private readonly options: WatchlistsOptions = {},
  ) {
    this.source = options.source ?? screener?.source ?? DEFAULT_CLOUDEVENT_SOURCE;
  }

  /**
   * Removes an entry and records an Ended notification (ids only) for each match it had, after its history is
   * gone, in the caller's transaction: the removal and its notifications commit together.
   */
  private removeEntry(watchlistId: string, entryId: string, reason: RemovalReason): boolean {
    const had = this.store.storedMatches(watchlistId, entryId);
    if (!this.store.removeEntry(watchlistId, entryId)) return false;
    this.recordEnded(watchlistId, entryId, had, reason);
    return true;
  }

  private recordEnded(watchlistId: string, entryId: string, had: readonly StoredMatch[], reason: RemovalReason): void {
    const time = (this.options.now?.() ?? new Date()).toISOString();
    const context = { watchlistId, entryId, reason, time, newId: randomUUID, source: this.source };
    for (const event of endedOnRemoval(had, context)) this.store.record(event);
  }

  private screen(watchlistId: string, entries: readonly WatchlistEntry[]): number {
    return this.screener?.screenRegistered(watchlistId, entries) ?? 0;
  }

  /** Throws UnknownWatchlistError (404) unless the watchlist exists. */
  known(id: string): void {
    if (!this.store.exists(id)) throw new UnknownWatchlistError(id);
  }

  create(id: string, entries: readonly WatchlistEntry[]): Changed {
    return this.store.transaction(() => {
      if (this.store.exists(id)) throw new WatchlistExistsError(id);
      this.store.create(id);
      entries.forEach((e) => this.store.putEntry(id, e));
      return { watchlistId: id, entries: entries.length, notifications: this.screen(id, entries) };
    });
  }

  /** The watchlist becomes exactly these entries (created if missing, and then `created` says so); entries left out are removed. */
  replace(id: string, entries: readonly WatchlistEntry[]): Changed & { readonly created: boolean } {
    return this.store.transaction(() => {
      const created = !this.store.exists(id);
      if (created) this.store.create(id);
      const keep = new Set(entries.map((e) => e.id));
      for (const old of this.store.entryIds(id)) if (!keep.has(old)) this.removeEntry(id, old, 'entry-removed');
      entries.forEach((e) => this.store.putEntry(id, e));
      this.store.touch(id);
      return { watchlistId: id, entries: entries.length, notifications: this.screen(id, entries), created };
    });
  }

  /** Adds entries, or overwrites those whose id exists (re-screened: a changed name may end or start matches). */
  add(id: string, entries: readonly WatchlistEntry[]): Changed {
    return this.store.transaction(() => {
      this.known(id);
      entries.forEach((e) => this.store.putEntry(id, e));
      this.store.touch(id);
      return { watchlistId: id, entries: entries.length, notifications: this.screen(id, entries) };
    });
  }

  /** Removes entries with their matches and history (each match gets an Ended notification); returns the ids that did not exist. */
  remove(id: string, entryIds: readonly string[]): { removed: number; unknown: string[] } {
    return this.store.transaction(() => {
      this.known(id);
      const unknown = entryIds.filter((e) => !this.removeEntry(id, e, 'entry-removed'));
      this.store.touch(id);
      return { removed: entryIds.length - unknown.length, unknown };
    });
  }

  /** Streamed bulk load (bulk-load.ts): all or nothing, then screened. */
  load(id: string, lines: AsyncIterable<string>, options: Parameters<typeof bulkLoad>[4]) {
    return bulkLoad(this.store, this.screener, id, lines, options);
  }

  /** Deletes a watchlist with everything of it; its current matches each get an Ended notification (ids only). */
  delete(id: string): void {
    this.store.transaction(() => {
      this.known(id);
      const had = new Map<string, StoredMatch[]>();
      for (const { entryId, match } of this.store.currentMatches(id)) {
        had.set(entryId, [...(had.get(entryId) ?? []), { subjectId: match.subjectId, designationId: match.designationId, score: match.score, match }]);
      }
      this.store.deleteWatchlist(id);
      for (const [entryId, matches] of had) this.recordEnded(id, entryId, matches, 'watchlist-deleted');
    });
    this.store.truncateWal();
  }

  list() {
    return this.store.list();
  }

  get(id: string, after?: string, limit?: number) {
    const summary = this.store.summary(id);
    if (summary === undefined) throw new UnknownWatchlistError(id);
    return { ...summary, entries: this.store.entries(id, after, limit), entryCount: summary.entries };
  }

  matches(id: string) {
    this.known(id);
    return this.store.currentMatches(id);
  }

  history(id: string, entryId: string) {
    this.known(id);
    if (this.store.entry(id, entryId) === undefined) throw new UnknownEntryError(id, entryId);
    return this.store.history(id, entryId).map((n) => ({ seq: n.seq, ...n.event }));
  }
}
