/**
 * A validated bulk load is applied a chunk at a time (the service keeps answering) and is still whole or nothing:
 * a load killed while it applies is finished at the next open, with a real process killed by SIGKILL too.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TimeSlice } from '../../src/scheduling/time-slice';
import { WatchlistStore } from '../../src/watchlists';
import { applyCommittedLoad, APPLY_CHUNK, commitLoad, startLoad, WatchlistDeletedDuringLoadError } from '../../src/watchlists/load-apply';
import { CLI } from '../support/cli';

const dir = mkdtempSync(join(tmpdir(), 'load-apply-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const count = (store: WatchlistStore, sql: string) => (store.db.prepare(sql).get() as { n: number }).n;
const entryCount = (store: WatchlistStore) => count(store, 'SELECT count(*) AS n FROM entries');
const leftOver = (store: WatchlistStore) => count(store, 'SELECT count(*) AS n FROM load_staging') + count(store, 'SELECT count(*) AS n FROM bulk_loads');

/** Stages `n` entries under a load id, as bulk-load.ts does while it validates the lines. */
function staged(store: WatchlistStore, loadId: string, n: number): void {
  startLoad(store, loadId, 'customers');
  const insert = store.db.prepare('INSERT INTO load_staging (load_id, entry_id, entry) VALUES (?, ?, ?)');
  store.transaction(() => {
    for (let i = 0; i < n; i += 1) insert.run(loadId, `e${String(i).padStart(5, '0')}`, JSON.stringify({ id: `e${String(i).padStart(5, '0')}`, name: `Person Number ${i}` }));
  });
}

describe('applying a bulk load', () => {
  it('given a committed load whose process died before applying all of it, when the file is opened, then every entry is there and nothing is staged', () => {
    const path = join(dir, 'died.db');
    const store = WatchlistStore.open(path);
    staged(store, 'load-1', APPLY_CHUNK * 2 + 500);
    commitLoad(store, 'load-1', 'customers');
    // the first chunk was applied, then the process was killed
    store.transaction(() => {
      for (const row of store.db.prepare('SELECT entry FROM load_staging ORDER BY entry_id LIMIT ?').all(APPLY_CHUNK) as Array<{ entry: string }>) store.putEntry('customers', JSON.parse(row.entry));
      store.db.prepare('DELETE FROM load_staging WHERE entry_id <= ?').run(`e${String(APPLY_CHUNK - 1).padStart(5, '0')}`);
    });
    store.close();
    const reopened = WatchlistStore.open(path);
    expect(entryCount(reopened)).toBe(APPLY_CHUNK * 2 + 500);
    expect(leftOver(reopened)).toBe(0);
    reopened.close();
  });

  it('given a large load, when applied, then the event loop turns between chunks', async () => {
    const store = WatchlistStore.open(join(dir, 'turns.db'));
    staged(store, 'load-2', APPLY_CHUNK * 3);
    commitLoad(store, 'load-2', 'customers');
    let turns = 0;
    const tick = setInterval(() => (turns += 1), 0);
    await applyCommittedLoad(store, 'load-2', 'customers', new TimeSlice(0));
    clearInterval(tick);
    expect(turns).toBeGreaterThanOrEqual(2);
    expect(entryCount(store)).toBe(APPLY_CHUNK * 3);
    store.close();
  });

  it('given a watchlist deleted while its load applies, when the next chunk comes, then the load stops, naming it, and leaves nothing', async () => {
    const store = WatchlistStore.open(join(dir, 'deleted.db'));
    staged(store, 'load-3', APPLY_CHUNK * 3);
    commitLoad(store, 'load-3', 'customers');
    const applying = applyCommittedLoad(store, 'load-3', 'customers', new TimeSlice(0));
    store.transaction(() => store.deleteWatchlist('customers'));
    await expect(applying).rejects.toBeInstanceOf(WatchlistDeletedDuringLoadError);
    expect(entryCount(store)).toBe(0);
    expect(leftOver(store)).toBe(0);
    store.close();
  });

  it('given a load whose process died while staging, when the file is opened, then its staged names are gone; a live process\'s load is left alone', async () => {
    const path = join(dir, 'staging.db');
    const store = WatchlistStore.open(path);
    staged(store, 'dead-load', 10);
    staged(store, 'live-load', 10);
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => dead.on('close', resolve));
    store.db.prepare('UPDATE bulk_loads SET pid = ? WHERE load_id = ?').run(dead.pid, 'dead-load');
    store.close();
    const reopened = WatchlistStore.open(path);
    const loads = reopened.db.prepare('SELECT DISTINCT load_id FROM load_staging').all() as Array<{ load_id: string }>;
    expect(loads.map((l) => l.load_id)).toEqual(['live-load']);
    expect(count(reopened, "SELECT count(*) AS n FROM bulk_loads WHERE load_id = 'dead-load'")).toBe(0);
    expect(entryCount(reopened)).toBe(0);
    reopened.close();
  });

  it('given a CLI load killed by SIGKILL once it applies, when the file is opened again, then the load is whole or absent, never part of it', async () => {
    const entries = 6 * APPLY_CHUNK;
    const file = join(dir, 'big.ndjson');
    writeFileSync(file, Array.from({ length: entries }, (_, i) => JSON.stringify({ id: `c${i}`, name: `Customer Number ${i}` })).join('\n'));
    const paths = { db: join(dir, 'ledger.db'), views: join(dir, 'views.db'), watchlists: join(dir, 'killed.db') };
    const child = spawn(process.execPath, [CLI, '--db', paths.db, '--views', paths.views, 'watchlist', 'load', 'big', file, '--watchlists-db', paths.watchlists], {
      env: { ...process.env, LEDGER_ACTOR: 'cli-test' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const killed = new Promise<void>((resolve) => child.on('close', () => resolve()));
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      if (text.includes('applying')) child.kill('SIGKILL');
    });
    await killed;
    const store = WatchlistStore.open(paths.watchlists);
    expect([0, entries]).toContain(entryCount(store));
    expect(leftOver(store)).toBe(0);
    store.close();
  }, 120_000);
});
