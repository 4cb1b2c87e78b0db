/**
 * `sanctions-ledger watchlist ...` as a real child process over real SQLite files seeded with the worked example
 * (Ro Kwang Chol is listed under two regimes): create, add, replace, remove, list, matches, history, delete, bulk
 * loads from NDJSON and CSV with progress, and bad input (exit 2 naming the field or line, nothing applied;
 * exit 4 for an existing watchlist). The CLI has no roles (it opens the files directly): the reader-cannot-change
 * rule is tested over HTTP (http.test.ts).
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliAsync } from './cli-process';

const LISTED = 'Ro Kwang Chol';
const CUSTOMER = 'Maria Schmidt';
let dir: string;
let paths: { ledger: string; views: string; watchlists: string };
const cli = (args: readonly string[], input?: string) =>
  runCliAsync(['--db', paths.ledger, '--views', paths.views, 'watchlist', ...args, '--watchlists-db', paths.watchlists], input === undefined ? {} : { input });
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
/** The notification rows as stored, read directly (not through the code under test). */
const notifications = (watchlistId: string) => {
  const db = new Database(paths.watchlists, { readonly: true });
  try {
    return (db.prepare('SELECT type, event FROM notifications WHERE watchlist_id = ? ORDER BY seq').all(watchlistId) as Array<{ type: string; event: string }>).map((r) => ({ type: r.type, event: JSON.parse(r.event) }));
  } finally {
    db.close();
  }
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'watchlist-cli-'));
  paths = { ledger: join(dir, 'ledger.db'), views: join(dir, 'views.db'), watchlists: join(dir, 'watchlists.db') };
  const seeded = await runCliAsync(['--db', paths.ledger, '--views', paths.views, 'seed']);
  expect(seeded.status, seeded.stderr).toBe(0);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sanctions-ledger watchlist: changes and queries', () => {
  it('given a listed name among the entries, when the watchlist is created, then both regimes match at once and a second create exits 4', async () => {
    const entries = file('crm.json', JSON.stringify({ entries: [{ id: 'c1', name: LISTED }, { id: 'c2', name: CUSTOMER }] }));
    const created = await cli(['create', 'crm', entries]);
    expect(created.stderr).toBe('');
    expect(created.status).toBe(0);
    expect(created.stdout.trim()).toBe('crm: 2 entries screened, 2 match notification(s)');
    const again = await cli(['create', 'crm', entries]);
    expect(again.status).toBe(4);
    expect(again.stderr).toContain('watchlist "crm" already exists');
  });

  it('given the watchlist, when listed, shown by matches and by history, then each prints its lines with receipts and no customer name', async () => {
    const listed = await cli(['list']);
    expect(listed.stdout).toMatch(/^crm\t2 entries\t2 matches\tupdated \S+$/m);
    const matches = await cli(['matches', 'crm']);
    expect(matches.stdout.trim().split('\n')).toEqual(['c1\t1.0000\tEU:RUS\tro-kwang-chol', 'c1\t1.0000\tUS:RUSSIA-EO14024\tro-kwang-chol']);
    const history = await cli(['history', 'crm', 'c1']);
    expect(history.stdout.trim().split('\n')).toHaveLength(2);
    expect(history.stdout).toMatch(/^1\t\S+\torg\.sanctions-ledger\.WatchlistMatchCreated\.v1\tro-kwang-chol\t1\treceipt [0-9a-f]{64}$/m);
    for (const run of [listed, matches, history]) expect(run.stdout + run.stderr).not.toContain(CUSTOMER);
  });

  it('given entries on stdin, when added, then they are screened; when the watchlist is unknown, then exit 2 naming it', async () => {
    const added = await cli(['add', 'crm', '-'], JSON.stringify([{ id: 'c3', name: 'Olga Ivanova', country: 'RU' }]));
    expect(added.status, added.stderr).toBe(0);
    expect(added.stdout.trim()).toBe('crm: 1 entries screened, 0 match notification(s)');
    const unknown = await cli(['add', 'nope', '-'], '[]');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('no watchlist "nope"');
  });

  it('given a matching entry, when it is removed, then its matches end with reason entry-removed (ids only) and an unknown entry exits 2', async () => {
    const removed = await cli(['remove', 'crm', 'c1']);
    expect(removed.status, removed.stderr).toBe(0);
    expect(removed.stdout.trim()).toBe('1 entries removed');
    const rows = notifications('crm');
    expect(rows.map((r) => [r.type, r.event.data.entryId, r.event.data.subjectId, r.event.data.cause])).toEqual([
      ['org.sanctions-ledger.WatchlistMatchEnded.v1', 'c1', 'ro-kwang-chol', { by: 'entry-removed' }],
      ['org.sanctions-ledger.WatchlistMatchEnded.v1', 'c1', 'ro-kwang-chol', { by: 'entry-removed' }],
    ]);
    expect(new Set(rows.map((r) => r.event.data.designationId)).size).toBe(2);
    expect(rows.every((r) => r.event.data.match === null && r.event.data.receipt === null)).toBe(true);
    expect((await cli(['matches', 'crm'])).stdout.trim()).toBe('no matches');
    const unknown = await cli(['remove', 'crm', 'zz']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('no such entries in crm: zz');
  });

  it('given a replace with the listed name back and c2 left out, then the list is exactly the new entries', async () => {
    const replaced = await cli(['replace', 'crm', '-'], JSON.stringify({ entries: [{ id: 'c9', name: LISTED }] }));
    expect(replaced.status, replaced.stderr).toBe(0);
    expect(replaced.stdout.trim()).toBe('crm: 1 entries screened, 2 match notification(s)');
    expect((await cli(['list'])).stdout).toMatch(/^crm\t1 entries\t2 matches/m);
  });

  it('given the watchlist, when deleted, then it is gone, its matches ended with reason watchlist-deleted, and a second delete exits 2', async () => {
    const deleted = await cli(['delete', 'crm']);
    expect(deleted.status, deleted.stderr).toBe(0);
    expect(deleted.stdout.trim()).toBe('crm deleted');
    const rows = notifications('crm');
    expect(rows.map((r) => `${r.event.data.entryId} ${r.event.data.cause.by}`)).toEqual(['c9 watchlist-deleted', 'c9 watchlist-deleted']);
    expect(JSON.stringify(rows)).not.toContain(LISTED);
    expect((await cli(['list'])).stdout.trim()).toBe('no watchlists');
    expect((await cli(['matches', 'crm'])).status).toBe(2);
    expect((await cli(['delete', 'crm'])).status).toBe(2);
  });
});

describe('sanctions-ledger watchlist load', () => {
  it('given an NDJSON file, when loaded, then progress goes to stderr and every line is an entry, screened', async () => {
    const lines = [{ id: 'n1', name: LISTED }, ...Array.from({ length: 20 }, (_, i) => ({ id: `n${i + 2}`, name: `Customer Number${i}` }))];
    const loaded = await cli(['load', 'bulk', file('bulk.ndjson', lines.map((l) => JSON.stringify(l)).join('\n'))]);
    expect(loaded.status, loaded.stderr).toBe(0);
    expect(loaded.stdout.trim()).toBe('bulk: 21 entries loaded from 21 lines, 2 match notification(s)');
    expect(loaded.stderr).toContain('applying: 21 entries (21 lines)');
    expect(loaded.stderr).toContain('screening: ');
    expect(loaded.stderr).not.toContain('Customer Number');
  });

  it('given CSV on stdin with a quoted name and identifiers, when loaded with --format csv, then the rows are entries', async () => {
    const csv = 'id,name,country,identifiers\nk1,"Schmidt, Maria",DE,passport:C01X00T47\nk2,Olga Ivanova,,\n';
    const loaded = await cli(['load', 'csvlist', '-', '--format', 'csv'], csv);
    expect(loaded.status, loaded.stderr).toBe(0);
    expect(loaded.stdout.trim()).toBe('csvlist: 2 entries loaded from 3 lines, 0 match notification(s)');
    expect(loaded.stderr).toContain('applying: 2 entries');
    expect((await cli(['list'])).stdout).toMatch(/^csvlist\t2 entries\t0 matches/m);
  });

  it.each([
    ['a malformed NDJSON line 3', 'bad.ndjson', '{"id":"a","name":"A B"}\n{"id":"b","name":"C D"}\n{"id":"c"\n', /line 3: /],
    ['a repeated id on line 2', 'dup.ndjson', '{"id":"a","name":"A B"}\n{"id":"a","name":"C D"}\n', /line 2: .*a/],
    ['an empty name on CSV line 3', 'empty.csv', 'id,name\na,A B\nb, \n', /line 3: name/],
    ['an unknown CSV column', 'cols.csv', 'id,name,nickname\na,A B,x\n', /nickname/],
  ])('given %s, when loaded, then exit 2 names it and nothing is loaded', async (_what, name, text, message) => {
    const loaded = await cli(['load', 'refused', file(name, text)]);
    expect(loaded.status).toBe(2);
    expect(loaded.stderr).toMatch(message);
    expect((await cli(['list'])).stdout).not.toContain('refused');
  });
});

describe('sanctions-ledger watchlist: bad input', () => {
  it.each([
    ['duplicate entry ids', 'entries.1.id', [{ id: 'd', name: 'A B' }, { id: 'd', name: 'C D' }]],
    ['an empty name', 'entries.0.name', [{ id: 'e', name: '  ' }]],
    ['an unknown field', 'entries.0.nickname', [{ id: 'e', name: 'A B', nickname: 'x' }]],
  ])('given %s, when created, then exit 2 names %s and no watchlist is created', async (_what, path, entries) => {
    const created = await cli(['create', 'badlist', '-'], JSON.stringify(entries));
    expect(created.status).toBe(2);
    expect(created.stderr).toContain(path);
    expect((await cli(['list'])).stdout).not.toContain('badlist');
  });

  it('given a file that is not JSON, an id with a slash, an unknown watchlist or a bad --format, then exit 2 naming it', async () => {
    const notJson = await cli(['create', 'x', file('broken.json', '{"entries": [')]);
    expect(notJson.status).toBe(2);
    expect(notJson.stderr).toContain('broken.json');
    const slash = await cli(['matches', 'a/b']);
    expect(slash.status).toBe(2);
    expect(slash.stderr).toContain('<id>');
    const history = await cli(['history', 'nope', 'e1']);
    expect(history.status).toBe(2);
    expect(history.stderr).toContain('no watchlist "nope"');
    const format = await cli(['load', 'x', '-', '--format', 'xml'], '');
    expect(format.status).toBe(2);
    expect(format.stderr).toContain('--format');
  });
});
