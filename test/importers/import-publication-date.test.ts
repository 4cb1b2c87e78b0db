/**
 * Issue 10 item 1: a list file dated in the future is refused (exit 2 / HTTP 400 naming the file and the date),
 * nothing appended, so it cannot lock the list against the real current file. Tolerance: one day (UTC+14).
 */
import Fastify from 'fastify';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importRoute } from '../../src/importers/http-route';
import { ListParseError } from '../../src/importers/errors';
import { importSnapshot } from '../../src/importers/import';
import { checkPublicationDate, latestAcceptedPublicationDate } from '../../src/importers/import/publication-date';
import type { Listing, ListSnapshot } from '../../src/importers/listing';
import { Ledger } from '../../src/ledger';
import { Projector } from '../../src/projector/projector';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { countEvents, runCli } from '../support/cli';
import { data, OFAC_2019 } from './fixtures';

let dir: string;
let db: string;
let cli: (args: string[]) => ReturnType<typeof runCli>;
/** The real 2017-06-20 UN file with one digit of dateGenerated changed: 2017 -> 2097. */
let tampered: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'import-future-'));
  db = join(dir, 'ledger.db');
  cli = (args) => runCli(['--db', db, '--views', join(dir, 'views.db'), ...args]);
  const real = readFileSync(data('un/un_consolidated_2017-06-20.xml'), 'utf8');
  const dated = real.replace(/dateGenerated=(["'])2017-/, 'dateGenerated=$12097-');
  expect(dated).not.toBe(real);
  tampered = join(dir, 'consolidated.xml');
  writeFileSync(tampered, dated);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the publication date tolerance (pure)', () => {
  const snapshot = (publishedOn: string) => ({ list: 'UN' as const, publishedOn, files: [{ name: 'consolidated.xml', sha256: 'x', bytes: 1 }] });
  const now = new Date('2026-12-02T23:30:00.000Z');

  it('given an import at 2026-12-02 UTC, when the file is dated that day or the next, then it is accepted', () => {
    expect(latestAcceptedPublicationDate(now)).toBe('2026-12-03');
    expect(() => checkPublicationDate(snapshot('2026-12-02'), now)).not.toThrow();
    expect(() => checkPublicationDate(snapshot('2026-12-03'), now)).not.toThrow();
  });

  it('given an import at 2026-12-02 UTC, when the file is dated two days ahead, then a ListParseError names the file and the date', () => {
    expect(() => checkPublicationDate(snapshot('2026-12-04'), now)).toThrow(ListParseError);
    expect(() => checkPublicationDate(snapshot('2026-12-04'), now)).toThrow(/^consolidated\.xml: publication date 2026-12-04 is in the future .*up to 2026-12-03/);
  });
});

describe('sanctions-ledger import with a future publication date', () => {
  it('given an empty ledger, when a UN file whose dateGenerated says 2097 is imported, then it exits 2 naming the file and the date and appends nothing', () => {
    const result = cli(['import', 'un-xml', tampered]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^sanctions-ledger: consolidated\.xml: publication date 2097-06-20 is in the future \(this import runs on \d{4}-\d\d-\d\d UTC;.*nothing appended\n$/);
    expect(countEvents(db)).toBe(0);
  }, 60_000);

  it('given the same file, when it is only a dry run, then it is refused just the same', () => {
    const result = cli(['import', 'un-xml', tampered, '--dry-run']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('publication date 2097-06-20 is in the future');
  }, 60_000);

  it('given ofac-csv, when --published-on is 2091-01-10, then it exits 2 naming sdn.csv and the date and appends nothing', () => {
    const result = cli(['import', 'ofac-csv', ...OFAC_2019, '--published-on', '2091-01-10']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^sanctions-ledger: sdn\.csv: publication date 2091-01-10 is in the future/);
    expect(countEvents(db)).toBe(0);
  }, 60_000);

  it('given the refusals, when the real file is imported next, then it imports normally', () => {
    const result = cli(['import', 'un-xml', data('un/un_consolidated_2017-06-20.xml')]);
    expect(result.status).toBe(0);
    expect(countEvents(db)).toBe(1025); // +1: the file's own ListFileImported
  }, 60_000);
});

describe('POST /imports/un-xml with a future publication date', () => {
  it('given the route, when the tampered file is uploaded, then it answers 400 invalid-list-file naming the file and the date, nothing appended', async () => {
    const store = SqliteEventStore.open(':memory:');
    const projector = Projector.open(store, ':memory:');
    const app = Fastify();
    try {
      await app.register(importRoute, { ledger: Ledger.over(store), projector, requireWriter: async () => {} });
      const response = await app.inject({ method: 'POST', url: '/imports/un-xml?fileName=consolidated.xml', payload: readFileSync(tampered), headers: { 'content-type': 'application/xml' } });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: 'invalid-list-file', file: 'consolidated.xml' });
      expect(response.json()).not.toHaveProperty('line');
      expect(response.json().message).toMatch(/^consolidated\.xml: publication date 2097-06-20 is in the future/);
      expect((store.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n).toBe(0);
    } finally {
      await app.close();
      await projector.close();
      await store.close();
    }
  }, 60_000);
});

describe('effective dates derived from a file never fall after its publication date', () => {
  const listing = (ref: string, over: Partial<Listing> = {}): Listing => ({
    list: 'UN',
    authority: 'UN',
    authorityReference: ref,
    kind: 'person',
    identity: { names: [{ name: `PERSON ${ref}`, quality: 'primary' }] } as Listing['identity'],
    regimes: ['UN:DPRK'] as Listing['regimes'],
    measures: ['asset-freeze'],
    legalBasis: ['UNSC-1718'],
    listedOn: '2016-11-30',
    ...over,
  });
  const snapshot = (publishedOn: string, entries: Listing[]): ListSnapshot => ({
    list: 'UN',
    authority: 'UN',
    publishedOn,
    files: [{ name: `un-${publishedOn}.xml`, sha256: publishedOn.replace(/\D/g, '').padEnd(64, '0'), bytes: 1 }],
    entries,
  });

  it('given a file whose LISTED_ON and LAST_DAY_UPDATED are after its own date, when imported, then additions and amendments take effect on the publication date', async () => {
    const store = SqliteEventStore.open(':memory:');
    const projector = Projector.open(store, ':memory:');
    const ctx = { ledger: Ledger.over(store), projector };
    try {
      await importSnapshot(ctx, snapshot('2020-01-10', [listing('KPi.001')]));
      const report = await importSnapshot(
        ctx,
        snapshot('2020-02-10', [listing('KPi.001', { remarks: 'changed', lastUpdated: ['2020-03-01'] }), listing('KPi.002', { listedOn: '2020-03-01' })]),
      );
      expect(report.changes.map((c) => [c.entry, c.designations[0]!.action, c.designations[0]!.effectiveFrom])).toEqual([
        ['KPi.001', 'amend', '2020-02-10'],
        ['KPi.002', 'designate', '2020-02-10'],
      ]);
    } finally {
      await projector.close();
      await store.close();
    }
  });

  it('given an import whose own instant is 2020-02-08, when the file is dated 2020-02-10, then importSnapshot refuses it and appends nothing', async () => {
    const store = SqliteEventStore.open(':memory:');
    const projector = Projector.open(store, ':memory:');
    try {
      const run = importSnapshot({ ledger: Ledger.over(store), projector }, snapshot('2020-02-10', [listing('KPi.001')]), { now: () => new Date('2020-02-08T12:00:00Z') });
      await expect(run).rejects.toThrow(/^un-2020-02-10\.xml: publication date 2020-02-10 is in the future \(this import runs on 2020-02-08 UTC/);
      expect((store.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n).toBe(0);
    } finally {
      await projector.close();
      await store.close();
    }
  });
});
