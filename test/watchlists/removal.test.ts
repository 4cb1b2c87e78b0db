/**
 * Removing an entry ends its matches (DESIGN.md section 13): DELETE of an entry, a replace that leaves it out and
 * the deletion of its watchlist each record an Ended notification per current match, in the transaction of the
 * removal, in the outbox (relayed like the others), keeping ids only: no name of the caller survives.
 */
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { designate, watchlistLedger } from './support';

const CUSTOMER = 'Ivan Petrov';
let ledger: ReturnType<typeof watchlistLedger>;
const dirs: string[] = [];
afterEach(async () => {
  await ledger.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Two listed spellings of one customer's name, so the entry has two current matches. */
async function twoMatches(dbPath = ':memory:') {
  ledger = watchlistLedger(dbPath);
  await ledger.run(designate('petrov', 'Ivan Petrov'));
  await ledger.run(designate('petrov2', 'Ivan Petrof'));
  await ledger.projector.catchUp();
  ledger.watchlists.create('crm', [{ id: 'c1', name: CUSTOMER }, { id: 'c2', name: 'Maria Schmidt' }]);
  expect(ledger.watchlists.matches('crm').map((m) => m.match.subjectId).sort()).toEqual(['petrov', 'petrov2']);
}

const rows = () => ledger.store.notificationsAfter(0, { limit: 10_000 });
const ended = () => rows().filter((n) => n.event.data.cause.by !== 'registration' && n.event.data.cause.by !== 'event');

describe('ended matches on removal', () => {
  it('given an entry with two matches, when it is removed, then one Ended notification per match, ids only, in order, after its history', async () => {
    await twoMatches();
    const lastBefore = ledger.store.lastSeq();
    expect(ledger.watchlists.remove('crm', ['c1'])).toEqual({ removed: 1, unknown: [] });
    const all = rows();
    expect(all.every((n) => n.seq > lastBefore)).toBe(true);
    expect(all.map((n) => [n.event.type, n.event.subject, n.event.data.subjectId, n.event.data.cause])).toEqual([
      ['org.sanctions-ledger.WatchlistMatchEnded.v1', 'crm/c1', 'petrov', { by: 'entry-removed' }],
      ['org.sanctions-ledger.WatchlistMatchEnded.v1', 'crm/c1', 'petrov2', { by: 'entry-removed' }],
    ]);
    expect(all[0]!.event.data).toMatchObject({ score: null, match: null, receipt: null });
    expect(all[0]!.event.data.previousScore).toBeGreaterThan(0);
    expect(JSON.stringify(all)).not.toContain(CUSTOMER);
    expect(ledger.store.unpublished(100).map((n) => n.seq)).toEqual(all.map((n) => n.seq));
    expect(ledger.watchlists.matches('crm')).toEqual([]);
  });

  it('given an entry without matches, when it is removed, then no notification is recorded', async () => {
    await twoMatches();
    const before = rows().length;
    ledger.watchlists.remove('crm', ['c2']);
    expect(rows()).toHaveLength(before);
  });

  it('given a replace that leaves a matching entry out, then its matches end with reason entry-removed', async () => {
    await twoMatches();
    ledger.watchlists.replace('crm', [{ id: 'c2', name: 'Maria Schmidt' }]);
    expect(ended().map((n) => `${n.event.subject} ${n.event.data.subjectId} ${n.event.data.cause.by}`)).toEqual(['crm/c1 petrov entry-removed', 'crm/c1 petrov2 entry-removed']);
  });

  it('given a deleted watchlist, then its matches end with reason watchlist-deleted and no name stays in the file, its WAL or the notification rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'watchlist-removal-'));
    dirs.push(dir);
    const dbPath = join(dir, 'watchlists.db');
    await twoMatches(dbPath);
    ledger.watchlists.delete('crm');
    const left = rows();
    expect(left.map((n) => `${n.event.subject} ${n.event.data.subjectId} ${n.event.data.cause.by}`)).toEqual(['crm/c1 petrov watchlist-deleted', 'crm/c1 petrov2 watchlist-deleted']);
    for (const n of left) expect(Object.keys(n.event.data).sort()).toEqual(['cause', 'designationId', 'entryId', 'match', 'previousScore', 'receipt', 'score', 'subjectId', 'watchlistId']);
    expect(left.every((n) => n.event.data.match === null && n.event.data.receipt === null)).toBe(true);
    for (const file of [dbPath, `${dbPath}-wal`].filter(existsSync)) {
      const bytes = readFileSync(file);
      expect(bytes.includes(Buffer.from(CUSTOMER))).toBe(false);
      expect(bytes.includes(Buffer.from('Maria Schmidt'))).toBe(false);
    }
    expect(() => ledger.watchlists.matches('crm')).toThrow(/no watchlist/);
  });

  it('given a removed entry, when an Ended row cannot be written, then nothing of the removal is applied', async () => {
    await twoMatches();
    const before = rows();
    ledger.store.db.exec(`CREATE TRIGGER refuse_ended BEFORE INSERT ON notifications WHEN json_extract(NEW.event, '$.data.cause.by') = 'entry-removed' BEGIN SELECT RAISE(ABORT, 'refused'); END`);
    expect(() => ledger.watchlists.remove('crm', ['c1'])).toThrow(/refused/);
    expect(rows()).toEqual(before);
    expect(ledger.watchlists.matches('crm')).toHaveLength(2);
    expect(ledger.store.entry('crm', 'c1')?.name).toBe(CUSTOMER);
  });
});
