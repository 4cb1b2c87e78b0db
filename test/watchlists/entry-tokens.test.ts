/**
 * The entries' name tokens the follower's bound reads from memory (entry-token-index.ts) must be the file's: after
 * this process's own writes, after another process's writes, after a rolled-back transaction and after compaction;
 * and a file of the older layout (no entries.tokens) is upgraded on open.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ScreeningEntry } from '../../src/screening';
import { WatchlistStore } from '../../src/watchlists';
import { EntryTokenIndex } from '../../src/watchlists/entry-token-index';
import { KEYS_VERSION } from '../../src/watchlists/watchlist-store';

const listed = (name: string): ScreeningEntry => ({
  subjectId: 's', designationId: 'd', kind: 'person', authority: 'EU', regime: 'EU:RUS', primaryName: name,
  names: [{ name, quality: 'primary' }], identifiers: [], birthDates: [], countries: [],
  effectiveFrom: '2020-01-01', effectiveTo: '9999-12-31', recordedFrom: '2020-01-01T00:00:00.000Z', recordedTo: '9999-12-31T23:59:59.999Z',
});
const found = (store: WatchlistStore, name: string) => store.candidatesOf([listed(name)]).map((c) => `${c.watchlistId}/${c.entry.id}`).sort();
/**
 * Found only through the tokens in memory: the name run together ("iven...") shares no joined key with a listed
 * "Ivan Petrov" ("ivan...", "petr..."), so the key index in the file cannot find it by itself.
 */
const BY_TOKENS_ONLY = 'Iven Petrov';
const tempFile = () => join(mkdtempSync(join(tmpdir(), 'entry-tokens-')), 'watchlists.db');

describe('entry tokens in memory', () => {
  it('given a lookup already made, when this process adds, renames and removes entries, then the next lookups see each change', () => {
    const store = WatchlistStore.open(':memory:');
    try {
      store.create('w');
      store.transaction(() => store.putEntry('w', { id: 'a', name: 'Ivan Petrov' }));
      expect(found(store, 'Ivan Petrov')).toEqual(['w/a']);
      store.transaction(() => store.putEntry('w', { id: 'b', name: BY_TOKENS_ONLY }));
      expect(found(store, 'Ivan Petrov')).toEqual(['w/a', 'w/b']);
      store.transaction(() => store.putEntry('w', { id: 'a', name: 'Olga Smirnova' }));
      expect(found(store, 'Ivan Petrov')).toEqual(['w/b']);
      expect(found(store, 'Olga Smirnova')).toEqual(['w/a']);
      store.transaction(() => store.removeEntry('w', 'b'));
      expect(found(store, 'Ivan Petrov')).toEqual([]);
      store.transaction(() => store.deleteWatchlist('w'));
      expect(found(store, 'Olga Smirnova')).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('given two processes on one file, when the second adds and removes entries, then the first one\'s next lookup sees them', () => {
    const path = tempFile();
    const follower = WatchlistStore.open(path);
    const cli = WatchlistStore.open(path);
    try {
      follower.create('w');
      follower.transaction(() => follower.putEntry('w', { id: 'a', name: 'Ivan Petrov' }));
      expect(found(follower, 'Ivan Petrov')).toEqual(['w/a']);
      cli.transaction(() => cli.putEntry('w', { id: 'b', name: BY_TOKENS_ONLY }));
      expect(found(follower, 'Ivan Petrov')).toEqual(['w/a', 'w/b']);
      cli.transaction(() => cli.removeEntry('w', 'a'));
      // The follower writes too before looking again: its own write must not hide the other one's.
      follower.transaction(() => follower.putEntry('w', { id: 'c', name: 'Maria Schmidt' }));
      expect(found(follower, 'Ivan Petrov')).toEqual(['w/b']);
    } finally {
      cli.close();
      follower.close();
    }
  });

  it('given a lookup already made, when a transaction that added one entry and removed another rolls back, then the lookup finds what the file holds', () => {
    const store = WatchlistStore.open(':memory:');
    try {
      store.create('w');
      store.transaction(() => store.putEntry('w', { id: 'a', name: BY_TOKENS_ONLY }));
      expect(found(store, 'Ivan Petrov')).toEqual(['w/a']);
      expect(() =>
        store.transaction(() => {
          store.putEntry('w', { id: 'b', name: 'Ivan Petrof' });
          store.removeEntry('w', 'a');
          throw new Error('refused');
        }),
      ).toThrow('refused');
      expect(found(store, 'Ivan Petrov')).toEqual(['w/a']);
    } finally {
      store.close();
    }
  });

  it('given a file of the layout before entries.tokens, when it is opened, then every entry gets its tokens and is found', () => {
    const path = tempFile();
    const old = new Database(path);
    // The version 2 layout of entries, key index left empty as it does not matter here.
    old.exec(`CREATE TABLE watchlists (id TEXT PRIMARY KEY, created_at TEXT NOT NULL, updated_at TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE entries (watchlist_id TEXT NOT NULL, entry_id TEXT NOT NULL, entry TEXT NOT NULL, PRIMARY KEY (watchlist_id, entry_id)) WITHOUT ROWID;
      INSERT INTO watchlists VALUES ('w', '2026-01-01', '2026-01-01');
      INSERT INTO entries VALUES ('w', 'a', '{"id":"a","name":"Ivan Petrov"}');
      PRAGMA user_version = 2;`);
    old.close();
    const store = WatchlistStore.open(path);
    try {
      expect(store.db.prepare("SELECT tokens FROM entries WHERE entry_id = 'a'").get()).toEqual({ tokens: 'ivan petrov' });
      expect(store.db.pragma('user_version', { simple: true })).toBe(KEYS_VERSION);
      expect(found(store, 'Ivan Petrov')).toEqual(['w/a']);
    } finally {
      store.close();
    }
  });
});

describe('EntryTokenIndex against a naive map', () => {
  const op = fc.oneof(
    fc.record({ kind: fc.constant('put' as const), watchlist: fc.constantFrom('w1', 'w2'), entry: fc.integer({ min: 0, max: 30 }), tokens: fc.array(fc.constantFrom('ivan', 'olga', 'li', 'x'), { maxLength: 4 }) }),
    fc.record({ kind: fc.constant('remove' as const), watchlist: fc.constantFrom('w1', 'w2'), entry: fc.integer({ min: 0, max: 30 }) }),
    fc.record({ kind: fc.constant('drop' as const), watchlist: fc.constantFrom('w1', 'w2') }),
  );

  it('given any sequence of puts, removals and watchlist drops (compaction included), then every live holder of a token is visited once with its tokens', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), fc.subarray(['ivan', 'olga', 'li', 'x', 'absent']), (ops, probe) => {
        const index = new EntryTokenIndex({ compactAfter: 3 });
        const model = new Map<string, string[]>();
        for (const o of ops) {
          if (o.kind === 'put') {
            index.put(o.watchlist, `e${o.entry}`, o.tokens);
            model.set(`${o.watchlist}/e${o.entry}`, o.tokens);
          } else if (o.kind === 'remove') {
            index.remove(o.watchlist, `e${o.entry}`);
            model.delete(`${o.watchlist}/e${o.entry}`);
          } else {
            index.removeWatchlist(o.watchlist);
            for (const key of [...model.keys()]) if (key.startsWith(`${o.watchlist}/`)) model.delete(key);
          }
        }
        const visited: string[] = [];
        const scratch: string[] = [];
        index.forEachHolder(probe, scratch, (slot, length) => {
          const { watchlistId, entryId } = index.location(slot);
          visited.push(`${watchlistId}/${entryId}`);
          expect(scratch.slice(0, length)).toEqual(model.get(`${watchlistId}/${entryId}`));
        });
        const expected = [...model].filter(([, tokens]) => tokens.some((t) => probe.includes(t))).map(([key]) => key);
        expect(visited.sort()).toEqual(expected.sort());
        expect(index.size).toBe(model.size);
      }),
      { numRuns: 300 },
    );
  });
});
