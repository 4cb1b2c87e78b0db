/**
 * The watchlist database (LEDGER_WATCHLISTS_DB): the caller's names, kept apart from the event log.
 * `secure_delete` overwrites deleted content with zeros, so a deleted watchlist leaves no name in the file's
 * pages; WAL is checkpointed (TRUNCATE) after a delete so the log file keeps none either. Every statement is
 * parameterised.
 *
 * Its notifier (the ledger's AppendNotifier) wakes every open watchlist feed when notifications commit: at once for
 * commits of this process (the follower, a registration, a removal), and through ONE shared poll of the highest
 * sequence, running only while a feed waits, for commits of another process on the same file (`watch`, the CLI).
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ScreeningEntry, ScreeningMatch } from '../screening';
import { AppendNotifier } from '../store/sqlite/append-notifier';
import type { Position } from '../store/event-store';
import type { WatchlistEntry } from './entry-codec';
import { JoinedBound } from './joined-bound';
import { CandidateBound } from './candidate-bound';
import { entryKeys, isJoinedKey, joinedReading, listedProbe, type EntryKeys, tokenPartners, tokenProbeKeys } from './candidate-keys';
import { EntryTokenIndex, type EntryLocation, type JoinedReading } from './entry-token-index';
import { runAtOnce, type Steps } from '../scheduling/steps';
import type { StoredMatch } from './match-diff';
import type { WatchlistCloudEvent } from './notification';
import { finishInterruptedLoads } from './load-apply';
import { STAGING_SCHEMA, upgradeSchema, WATCHLISTS_SCHEMA } from './schema';

export interface WatchlistSummary {
  readonly id: string;
  readonly entries: number;
  readonly matches: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface StoredNotification {
  readonly seq: number;
  readonly event: WatchlistCloudEvent;
}

/** Entries read per page when the tokens in memory are built (a pause between pages). */
const TOKENS_PAGE = 2_000;
/**
 * Candidate entries read per statement, in key order. One `get` per entry cost 16 us at 300,000 entries (each
 * statement takes and drops the file's read lock, and random keys miss SQLite's page cache); a sorted page of 500
 * through json_each costs under 3 us an entry.
 */
const ENTRIES_PAGE = 500;
/** Candidate locations sorted into key order at a time (entrySteps). */
const SORTED_RUN = 5_000;

/** The joined reading kept in memory for an entry's raw tokens (none without them). */
const readingOf = (raw: readonly string[]): JoinedReading | undefined => (raw.length === 0 ? undefined : joinedReading(raw));

export interface Located {
  readonly watchlistId: string;
  readonly entry: WatchlistEntry;
}

/**
 * The version of the candidate keys (candidate-keys.ts) a file's key index was built with, in its user_version.
 * 3: entries.tokens (the name tokens the follower's bound reads) filled for every entry.
 * 4: entries.raw_tokens (the joined reading the joined bound reads in memory) filled for every entry.
 */
export const KEYS_VERSION = 4;

export interface WatchlistStoreOptions {
  /** How often the shared poll looks for notifications another process committed (default 50 ms). */
  readonly crossProcessPollMs?: number;
}

export class WatchlistStore {
  private readonly s;
  /** Wakes the watchlist feeds when notifications are committed (see the file comment). */
  readonly notifier: AppendNotifier;
  /** Set by `record` and cleared when the outermost transaction ends: the feeds are woken only by commits that recorded. */
  private recordedInTransaction = false;
  /**
   * The entries' name tokens in memory for the candidate bound, built at the first lookup and kept in step with
   * this process's writes; `generation` is the file's entry generation they reflect. Another process's write (or
   * a rolled-back one of this process) moves the file's generation past it, and the next lookup rebuilds them.
   */
  private tokenIndex: { readonly index: EntryTokenIndex; generation: number } | undefined;

  static open(path: string, options: WatchlistStoreOptions = {}): WatchlistStore {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma('busy_timeout = 10000');
    db.pragma('secure_delete = ON');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(WATCHLISTS_SCHEMA + STAGING_SCHEMA);
    upgradeSchema(db);
    const store = new WatchlistStore(db, options);
    store.migrateKeys();
    finishInterruptedLoads(store);
    return store;
  }

  private constructor(
    readonly db: Database.Database,
    options: WatchlistStoreOptions,
  ) {
    this.notifier = new AppendNotifier(() => (this.db.open ? this.headSeq() : 0), options.crossProcessPollMs ?? 50);
    this.s = {
      insertWatchlist: db.prepare<[string, string, string]>('INSERT INTO watchlists (id, created_at, updated_at) VALUES (?, ?, ?)'),
      touch: db.prepare<[string, string]>('UPDATE watchlists SET updated_at = ? WHERE id = ?'),
      watchlist: db.prepare<[string], { id: string; created_at: string; updated_at: string }>('SELECT id, created_at, updated_at FROM watchlists WHERE id = ?'),
      watchlists: db.prepare<[], { id: string; created_at: string; updated_at: string }>('SELECT id, created_at, updated_at FROM watchlists ORDER BY id'),
      countEntries: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM entries WHERE watchlist_id = ?'),
      countMatches: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM matches WHERE watchlist_id = ?'),
      putEntry: db.prepare<[string, string, string, string, string]>(
        `INSERT INTO entries (watchlist_id, entry_id, entry, tokens, raw_tokens) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (watchlist_id, entry_id) DO UPDATE SET entry = excluded.entry, tokens = excluded.tokens, raw_tokens = excluded.raw_tokens`,
      ),
      generation: db.prepare<[], { n: number }>('SELECT n FROM entry_generation WHERE id = 0'),
      tokensPage: db.prepare<[string, string, number], { watchlist_id: string; entry_id: string; tokens: string; raw_tokens: string }>(
        "SELECT watchlist_id, entry_id, tokens, raw_tokens FROM entries WHERE (watchlist_id, entry_id) > (?, ?) AND tokens <> '' ORDER BY watchlist_id, entry_id LIMIT ?",
      ),
      entry: db.prepare<[string, string], { entry: string }>('SELECT entry FROM entries WHERE watchlist_id = ? AND entry_id = ?'),
      entriesIn: db.prepare<[string, string], { entry: string }>(
        'SELECT entry FROM entries WHERE watchlist_id = ? AND entry_id IN (SELECT value FROM json_each(?)) ORDER BY entry_id',
      ),
      entriesPage: db.prepare<[string, string, number], { entry: string }>('SELECT entry FROM entries WHERE watchlist_id = ? AND entry_id > ? ORDER BY entry_id LIMIT ?'),
      entryIds: db.prepare<[string], { entry_id: string }>('SELECT entry_id FROM entries WHERE watchlist_id = ?'),
      putKey: db.prepare<[string, string, string]>('INSERT OR IGNORE INTO entry_keys (key, watchlist_id, entry_id) VALUES (?, ?, ?)'),
      deleteKeys: db.prepare<[string, string]>('DELETE FROM entry_keys WHERE watchlist_id = ? AND entry_id = ?'),
      entryTokenKeys: db.prepare<[string, string], { key: string }>("SELECT key FROM entry_keys WHERE watchlist_id = ? AND entry_id = ? AND key >= 't:' AND key < 't;'"),
      tokenKnown: db.prepare<[string], { token: string }>('SELECT token FROM token_keys WHERE token = ? LIMIT 1'),
      putTokenKey: db.prepare<[string, string]>('INSERT OR IGNORE INTO token_keys (key, token) VALUES (?, ?)'),
      // A token no entry holds any more is dropped: token_keys keeps fragments of the caller's names.
      dropTokenIfUnused: db.prepare<[string, string]>('DELETE FROM token_keys WHERE token = ? AND NOT EXISTS (SELECT 1 FROM entry_keys WHERE key = ?)'),
      dropUnusedTokens: db.prepare("DELETE FROM token_keys WHERE NOT EXISTS (SELECT 1 FROM entry_keys WHERE key = 't:' || token_keys.token)"),
      tokensUnder: db.prepare<[string], { key: string; token: string }>('SELECT key, token FROM token_keys WHERE key IN (SELECT value FROM json_each(?))'),
      deleteEntry: db.prepare<[string, string]>('DELETE FROM entries WHERE watchlist_id = ? AND entry_id = ?'),
      deleteEntryMatches: db.prepare<[string, string]>('DELETE FROM matches WHERE watchlist_id = ? AND entry_id = ?'),
      deleteEntryNotifications: db.prepare<[string, string]>('DELETE FROM notifications WHERE watchlist_id = ? AND entry_id = ?'),
      candidates: db.prepare<[string], { watchlist_id: string; entry: string }>(
        `SELECT e.watchlist_id, e.entry FROM entries e JOIN
           (SELECT DISTINCT watchlist_id, entry_id FROM entry_keys WHERE key IN (SELECT value FROM json_each(?))) k
           ON e.watchlist_id = k.watchlist_id AND e.entry_id = k.entry_id`,
      ),
      matchedEntries: db.prepare<[string], { watchlist_id: string; entry: string }>(
        `SELECT e.watchlist_id, e.entry FROM entries e JOIN
           (SELECT DISTINCT watchlist_id, entry_id FROM matches WHERE subject_id IN (SELECT value FROM json_each(?))) m
           ON e.watchlist_id = m.watchlist_id AND e.entry_id = m.entry_id`,
      ),
      storedMatches: db.prepare<[string, string], { match: string; score: number }>('SELECT match, score FROM matches WHERE watchlist_id = ? AND entry_id = ?'),
      matchesState: db.prepare<[string, string], { subject_id: string; designation_id: string; since_seq: number }>(
        'SELECT subject_id, designation_id, since_seq FROM matches WHERE watchlist_id = ? AND entry_id = ? ORDER BY subject_id, designation_id',
      ),
      putMatch: db.prepare<[string, string, string, string, number, string, number]>(
        `INSERT INTO matches (watchlist_id, entry_id, subject_id, designation_id, score, match, since_seq) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (watchlist_id, entry_id, subject_id, designation_id) DO UPDATE SET score = excluded.score, match = excluded.match, since_seq = excluded.since_seq`,
      ),
      deleteMatch: db.prepare<[string, string, string, string]>('DELETE FROM matches WHERE watchlist_id = ? AND entry_id = ? AND subject_id = ? AND designation_id = ?'),
      currentMatches: db.prepare<[string], { entry_id: string; match: string; since_seq: number }>(
        'SELECT entry_id, match, since_seq FROM matches WHERE watchlist_id = ? ORDER BY entry_id, score DESC, subject_id, designation_id',
      ),
      insertNotification: db.prepare<[string, string, string, string]>('INSERT INTO notifications (watchlist_id, entry_id, type, event) VALUES (?, ?, ?, ?)'),
      history: db.prepare<[string, string], { seq: number; event: string }>('SELECT seq, event FROM notifications WHERE watchlist_id = ? AND entry_id = ? ORDER BY seq'),
      after: db.prepare<[number, number], { seq: number; event: string }>('SELECT seq, event FROM notifications WHERE seq > ? ORDER BY seq LIMIT ?'),
      afterOf: db.prepare<[number, string, number], { seq: number; event: string }>(
        'SELECT seq, event FROM notifications WHERE seq > ? AND watchlist_id = ? ORDER BY seq LIMIT ?',
      ),
      unpublished: db.prepare<[number], { seq: number; event: string }>('SELECT seq, event FROM notifications WHERE published = 0 ORDER BY seq LIMIT ?'),
      markPublished: db.prepare<[string]>('UPDATE notifications SET published = 1 WHERE seq IN (SELECT value FROM json_each(?))'),
      lastSeq: db.prepare<[], { seq: number | null }>('SELECT max(seq) AS seq FROM notifications'),
      // AUTOINCREMENT never reuses a number, and sqlite_sequence keeps the highest one given even when its row is deleted.
      headSeq: db.prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'notifications'"),
      checkpoint: db.prepare<[string], { position: string; log_id: string }>('SELECT position, log_id FROM follower_checkpoint WHERE name = ?'),
      saveCheckpoint: db.prepare<[string, string, string]>(
        'INSERT INTO follower_checkpoint (name, position, log_id) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position, log_id = excluded.log_id',
      ),
    };
  }

  /** Runs `run` in an IMMEDIATE transaction; once the outermost one committed notifications, wakes the feeds. */
  transaction<T>(run: () => T): T {
    try {
      if (this.db.inTransaction) return this.db.transaction(run).immediate();
      try {
        const result = this.db.transaction(run).immediate();
        if (this.recordedInTransaction) this.notifier.notify();
        return result;
      } finally {
        this.recordedInTransaction = false;
      }
    } catch (error) {
      // Rolled back: writes of entries already applied to the tokens in memory are undone in the file only.
      this.tokenIndex = undefined;
      throw error;
    }
  }

  exists(id: string): boolean {
    return this.s.watchlist.get(id) !== undefined;
  }

  create(id: string, now = new Date().toISOString()): void {
    this.s.insertWatchlist.run(id, now, now);
  }

  touch(id: string, now = new Date().toISOString()): void {
    this.s.touch.run(now, id);
  }

  summary(id: string): WatchlistSummary | undefined {
    const row = this.s.watchlist.get(id);
    if (row === undefined) return undefined;
    return { id, entries: this.s.countEntries.get(id)!.n, matches: this.s.countMatches.get(id)!.n, createdAt: row.created_at, updatedAt: row.updated_at };
  }

  list(): WatchlistSummary[] {
    return this.s.watchlists.all().map((row) => this.summary(row.id)!);
  }

  /** Writes (or overwrites) an entry, its name tokens and its candidate keys. Call inside a transaction. */
  putEntry(watchlistId: string, entry: WatchlistEntry): void {
    const derived = entryKeys(entry);
    const before = this.generationBeforeWrite();
    this.s.putEntry.run(watchlistId, entry.id, JSON.stringify(entry), derived.nameTokens.join(' '), derived.rawTokens.join(' '));
    this.keepTokens(before, (index) => index.put(watchlistId, entry.id, derived.nameTokens, readingOf(derived.rawTokens)));
    this.deleteKeys(watchlistId, entry.id);
    this.putKeys(watchlistId, entry.id, derived);
  }

  private putKeys(watchlistId: string, entryId: string, { keys, tokens }: EntryKeys): void {
    for (const key of keys) this.s.putKey.run(key, watchlistId, entryId);
    for (const token of tokens) {
      if (this.s.tokenKnown.get(token) !== undefined) continue;
      for (const key of tokenProbeKeys(token)) this.s.putTokenKey.run(key, token);
    }
  }

  /** Removes an entry's keys, and the tokens that no other entry holds. */
  private deleteKeys(watchlistId: string, entryId: string): void {
    const tokenKeys = this.s.entryTokenKeys.all(watchlistId, entryId).map((r) => r.key);
    this.s.deleteKeys.run(watchlistId, entryId);
    for (const key of tokenKeys) this.s.dropTokenIfUnused.run(key.slice(2), key);
  }

  /**
   * Rebuilds the key index of a file written with older candidate keys (user_version below KEYS_VERSION): the
   * keys derive from the entries, so nothing else changes. Once per file, in one transaction.
   */
  private migrateKeys(): void {
    if (this.db.pragma('user_version', { simple: true }) === KEYS_VERSION) return;
    this.transaction(() => {
      if (this.db.pragma('user_version', { simple: true }) === KEYS_VERSION) return;
      this.db.exec('DELETE FROM entry_keys; DELETE FROM token_keys;');
      // In pages (a statement being iterated cannot share the connection with the writes).
      const page = this.db.prepare<[string, string], { watchlist_id: string; entry_id: string; entry: string }>(
        'SELECT watchlist_id, entry_id, entry FROM entries WHERE (watchlist_id, entry_id) > (?, ?) ORDER BY watchlist_id, entry_id LIMIT 1000',
      );
      for (let rows = page.all('', ''); rows.length > 0; rows = page.all(rows.at(-1)!.watchlist_id, rows.at(-1)!.entry_id)) {
        // putEntry rewrites the same entry with its tokens (versions 3 and 4) and its keys.
        for (const row of rows) this.putEntry(row.watchlist_id, JSON.parse(row.entry) as WatchlistEntry);
      }
      this.db.pragma(`user_version = ${KEYS_VERSION}`);
    });
  }

  entry(watchlistId: string, entryId: string): WatchlistEntry | undefined {
    const row = this.s.entry.get(watchlistId, entryId);
    return row === undefined ? undefined : (JSON.parse(row.entry) as WatchlistEntry);
  }

  entries(watchlistId: string, after = '', limit = 1000): WatchlistEntry[] {
    return this.s.entriesPage.all(watchlistId, after, limit).map((r) => JSON.parse(r.entry) as WatchlistEntry);
  }

  entryIds(watchlistId: string): string[] {
    return this.s.entryIds.all(watchlistId).map((r) => r.entry_id);
  }

  /** Removes an entry with its keys, matches and notifications (they quote its name). Call inside a transaction. */
  removeEntry(watchlistId: string, entryId: string): boolean {
    const before = this.generationBeforeWrite();
    const removed = this.s.deleteEntry.run(watchlistId, entryId).changes > 0;
    this.keepTokens(before, (index) => index.remove(watchlistId, entryId));
    this.deleteKeys(watchlistId, entryId);
    this.s.deleteEntryMatches.run(watchlistId, entryId);
    this.s.deleteEntryNotifications.run(watchlistId, entryId);
    return removed;
  }

  /**
   * Deletes a watchlist and everything derived from it (entries, keys, matches, notifications). Call inside a
   * transaction, then `truncateWal` once it committed.
   */
  deleteWatchlist(id: string): boolean {
    const before = this.generationBeforeWrite();
    this.db.prepare('DELETE FROM entries WHERE watchlist_id = ?').run(id);
    this.keepTokens(before, (index) => index.removeWatchlist(id));
    for (const table of ['entry_keys', 'matches', 'notifications']) {
      this.db.prepare(`DELETE FROM ${table} WHERE watchlist_id = ?`).run(id);
    }
    this.s.dropUnusedTokens.run();
    return this.db.prepare('DELETE FROM watchlists WHERE id = ?').run(id).changes > 0;
  }

  /** Copies the WAL into the file and truncates it, so a deleted name survives in neither (secure_delete zeroes the pages). */
  truncateWal(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /**
   * The entries screening could match with any name or identifier of these segments: those sharing a joined or
   * identifier key (candidate-keys.ts), and those holding a paired token whose bound against one of the names
   * reaches the threshold (candidate-bound.ts).
   */
  candidatesOf(segments: readonly ScreeningEntry[]): Located[] {
    return runAtOnce(this.candidateSteps(segments));
  }

  /**
   * candidatesOf, pausing between its phases, within the walks over the tokens in memory and between entries read
   * (the follower runs it in time slices). What a walk finds is turned into ids at once (slots move when the
   * tokens are rebuilt), and an entry removed meanwhile is left out.
   */
  *candidateSteps(segments: readonly ScreeningEntry[]): Steps<Located[]> {
    const probe = listedProbe(segments);
    const found = probe.tokenProbes.size === 0 ? [] : this.s.tokensUnder.all(JSON.stringify([...probe.tokenProbes.keys()]));
    const partners = tokenPartners(probe, found);
    // Entries found by their joined key alone are kept only if the joined reading can reach the floor; the others
    // can match only by their tokens, which the token path below bounds. Joined keys are looked up in memory, and
    // only the entries whose word count and length leave the joined reading a chance are read from the file to be
    // judged in full; identifier keys (few entries) in the file.
    const joined = new JoinedBound(segments);
    const index = yield* this.entryTokenSteps();
    const joinedChance: EntryLocation[] = [];
    index.forEachJoined(probe.direct.filter(isJoinedKey), (slot, key, words, length) => {
      if (joined.mayKeep(key, words, length)) joinedChance.push(index.location(slot));
    });
    const direct = this.candidates(probe.direct.filter((key) => !isJoinedKey(key)));
    const seen = new Set(direct.map((c) => `${c.watchlistId}/${c.entry.id}`));
    for (const located of yield* this.entrySteps(joinedChance, (key) => seen.has(key))) {
      // One the joined reading cannot match may still match by its tokens: only the kept ones are seen.
      if (!joined.keeps(located.entry)) continue;
      direct.push(located);
      seen.add(`${located.watchlistId}/${located.entry.id}`);
    }
    if (partners.size === 0) return direct;
    const bound = new CandidateBound(segments, partners);
    const reachable: EntryLocation[] = [];
    // The bound reads the tokens in memory; only the entries it keeps are read from the file.
    const tokens: string[] = [];
    yield* index.holderSteps([...partners.keys()], tokens, (slot, length) => {
      if (bound.reachable(tokens, length)) reachable.push(index.location(slot));
    });
    // An entry may be reached twice when the walk paused (entry-token-index.ts holderSteps): read once.
    const once = (key: string) => seen.has(key) || (seen.add(key), false);
    return [...direct, ...(yield* this.entrySteps(reachable, once))];
  }

  /**
   * The entries at these locations (but those `skip` names by "watchlist/entry id") as the file holds them now,
   * in pages of ENTRIES_PAGE in key order within runs of SORTED_RUN locations, with a pause after each page; an
   * entry removed meanwhile is left out. Runs, not one sort: at 1,000,000 entries a batch reaches about 150,000,
   * and sorting them at once held the loop 100-200 ms.
   */
  private *entrySteps(locations: readonly EntryLocation[], skip: (key: string) => boolean): Steps<Located[]> {
    const found: Located[] = [];
    for (let start = 0; start < locations.length; start += SORTED_RUN) {
      const byWatchlist = new Map<string, string[]>();
      for (const { watchlistId, entryId } of locations.slice(start, start + SORTED_RUN)) {
        if (skip(`${watchlistId}/${entryId}`)) continue;
        const ids = byWatchlist.get(watchlistId);
        if (ids === undefined) byWatchlist.set(watchlistId, [entryId]);
        else ids.push(entryId);
      }
      yield;
      for (const watchlistId of [...byWatchlist.keys()].sort()) {
        const ids = byWatchlist.get(watchlistId)!.sort();
        for (let first = 0; first < ids.length; first += ENTRIES_PAGE) {
          const page = this.s.entriesIn.all(watchlistId, JSON.stringify(ids.slice(first, first + ENTRIES_PAGE)));
          for (const { entry } of page) found.push({ watchlistId, entry: JSON.parse(entry) as WatchlistEntry });
          yield;
        }
      }
    }
    return found;
  }

  /**
   * The entries' tokens in memory as the file now holds them: kept from the last lookup, or read again if the file
   * moved. Read in pages with a pause after each (at 1,000,000 entries the first read takes seconds, which the
   * service's loop should not wait for); a write meanwhile, of any process, moves the file's generation, and the
   * read starts again, then without pausing, so that writes coming faster than pages cannot starve it.
   */
  private *entryTokenSteps(): Steps<EntryTokenIndex> {
    for (let attempt = 0; ; attempt += 1) {
      const generation = this.s.generation.get()!.n;
      if (this.tokenIndex?.generation === generation) return this.tokenIndex.index;
      const index = new EntryTokenIndex();
      for (let rows = this.s.tokensPage.all('', '', TOKENS_PAGE); rows.length > 0; rows = this.s.tokensPage.all(rows.at(-1)!.watchlist_id, rows.at(-1)!.entry_id, TOKENS_PAGE)) {
        for (const row of rows) index.put(row.watchlist_id, row.entry_id, row.tokens.split(' '), readingOf(row.raw_tokens === '' ? [] : row.raw_tokens.split(' ')));
        if (attempt === 0) yield;
      }
      if (this.s.generation.get()!.n !== generation) continue;
      this.tokenIndex = { index, generation };
      return index;
    }
  }

  /** The file's entry generation before a write of this process, when tokens are kept in memory (else nothing to keep). */
  private generationBeforeWrite(): number {
    return this.tokenIndex === undefined ? 0 : this.s.generation.get()!.n;
  }

  /** Applies a write of entries to the tokens in memory if they were the file's just before it; otherwise drops them. */
  private keepTokens(before: number, change: (index: EntryTokenIndex) => void): void {
    const kept = this.tokenIndex;
    if (kept === undefined) return;
    if (kept.generation !== before) {
      this.tokenIndex = undefined;
      return;
    }
    change(kept.index);
    kept.generation = this.s.generation.get()!.n;
  }

  /** The entries having any of these keys (candidate lookup through the key index, not a scan). */
  candidates(keys: readonly string[]): Located[] {
    if (keys.length === 0) return [];
    return this.s.candidates.all(JSON.stringify(keys)).map((r) => ({ watchlistId: r.watchlist_id, entry: JSON.parse(r.entry) as WatchlistEntry }));
  }

  /** The entries currently matching any of these subjects (they must be re-screened even if no key is shared any more). */
  entriesMatching(subjectIds: readonly string[]): Located[] {
    if (subjectIds.length === 0) return [];
    return this.s.matchedEntries.all(JSON.stringify(subjectIds)).map((r) => ({ watchlistId: r.watchlist_id, entry: JSON.parse(r.entry) as WatchlistEntry }));
  }

  storedMatches(watchlistId: string, entryId: string): StoredMatch[] {
    return this.s.storedMatches.all(watchlistId, entryId).map((r) => {
      const match = JSON.parse(r.match) as ScreeningMatch;
      return { subjectId: match.subjectId, designationId: match.designationId, score: r.score, match };
    });
  }

  /** An entry's stored matches as one string, to tell whether they moved between two reads. */
  matchesState(watchlistId: string, entryId: string): string {
    return JSON.stringify(this.s.matchesState.all(watchlistId, entryId));
  }

  /** Records one notification and moves the current match it describes. Call inside a transaction. */
  record(event: WatchlistCloudEvent): number {
    const { watchlistId, entryId, subjectId, designationId, match } = event.data;
    const seq = Number(this.s.insertNotification.run(watchlistId, entryId, event.type, JSON.stringify(event)).lastInsertRowid);
    if (event.data.score === null || match === null) this.s.deleteMatch.run(watchlistId, entryId, subjectId, designationId);
    else this.s.putMatch.run(watchlistId, entryId, subjectId, designationId, match.score, JSON.stringify(match), seq);
    if (this.db.inTransaction) this.recordedInTransaction = true;
    else this.notifier.notify();
    return seq;
  }

  currentMatches(watchlistId: string): Array<{ entryId: string; match: ScreeningMatch; sinceSeq: number }> {
    return this.s.currentMatches.all(watchlistId).map((r) => ({ entryId: r.entry_id, match: JSON.parse(r.match) as ScreeningMatch, sinceSeq: r.since_seq }));
  }

  history(watchlistId: string, entryId: string): StoredNotification[] {
    return this.s.history.all(watchlistId, entryId).map(parseNotification);
  }

  notificationsAfter(seq: number, options: { watchlistId?: string; limit?: number } = {}): StoredNotification[] {
    const limit = options.limit ?? 500;
    const rows = options.watchlistId === undefined ? this.s.after.all(seq, limit) : this.s.afterOf.all(seq, options.watchlistId, limit);
    return rows.map(parseNotification);
  }

  lastSeq(): number {
    return this.s.lastSeq.get()?.seq ?? 0;
  }

  /** The highest notification sequence ever given (0: none yet), also when that notification was deleted since. */
  headSeq(): number {
    return this.s.headSeq.get()?.seq ?? 0;
  }

  unpublished(limit: number): StoredNotification[] {
    return this.s.unpublished.all(limit).map(parseNotification);
  }

  markPublished(seqs: readonly number[]): void {
    this.s.markPublished.run(JSON.stringify(seqs));
  }

  checkpoint(name: string): { position: Position; logId: string } | undefined {
    const row = this.s.checkpoint.get(name);
    return row === undefined ? undefined : { position: row.position as Position, logId: row.log_id };
  }

  /** Call inside the transaction that writes the results of the events up to `position`. */
  saveCheckpoint(name: string, position: Position, logId: string): void {
    this.s.saveCheckpoint.run(name, position, logId);
  }

  /** Closes the file and wakes the feeds waiting on it, so they end. */
  close(): void {
    if (this.db.open) this.db.close();
    this.notifier.notify();
  }
}

const parseNotification = (r: { seq: number; event: string }): StoredNotification => ({ seq: r.seq, event: JSON.parse(r.event) as WatchlistCloudEvent });
