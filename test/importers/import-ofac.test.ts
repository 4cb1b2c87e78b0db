/**
 * The real OFAC SDN CSV files: 2018-01 (sdn.csv alone) then the full 2019-01 set. The entry-level diff must be
 * the one SOURCES.md states (+1347 -36 keyed by ent_num), an entry under several programs is one designation
 * per program, and with no listing date in the files everything is dated by publication date.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles, type ImportReport } from '../../src/importers/import';
import { Ledger } from '../../src/ledger';
import { Projector } from '../../src/projector/projector';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { OFAC_2019, data, parsed } from './fixtures';

const OFAC_2018 = [data('ofac/2018-01_archerimpact/sdn.csv')];

function freshLedger() {
  const store = SqliteEventStore.open(':memory:');
  const ledger = Ledger.over(store);
  const projector = Projector.open(store, ':memory:');
  return {
    projector,
    ctx: { ledger, projector },
    eventCount: () => (store.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n,
    close: async () => {
      await projector.close();
      await store.close();
    },
  };
}

describe('OFAC sdn.csv 2018-01 then the 2019-01 set', () => {
  const ledger = freshLedger();
  let first: ImportReport;
  let second: ImportReport;
  afterAll(() => ledger.close());

  beforeAll(async () => {
    first = await importFiles(ledger.ctx, 'ofac-csv', OFAC_2018, { publishedOn: '2018-01-26' });
    second = await importFiles(ledger.ctx, 'ofac-csv', OFAC_2019, { publishedOn: '2019-01-04' });
  }, 120_000);

  it('the first import adds all 6068 entries, one designation per (entry, program)', async () => {
    const snapshot = await parsed('ofac-csv', OFAC_2018, { publishedOn: '2018-01-26' });
    const programs = snapshot.entries.reduce((n, e) => n + e.regimes.length, 0);
    expect(first).toMatchObject({ list: 'OFAC-SDN', entries: { added: 6068, amended: 0, delisted: 0, unchanged: 0 }, designations: { designated: programs }, appendedEvents: programs + 1 }); // +1: ListFileImported
  });

  it('the second import adds 1347 entries and delists 36, dated by publication date', async () => {
    expect(second.entries).toMatchObject({ added: 1347, delisted: 36 });
    expect(second.entries.added + second.entries.amended + second.entries.unchanged).toBe(7379);
    const dates = new Set(second.changes.flatMap((c) => c.designations.map((d) => d.effectiveFrom)));
    expect([...dates]).toEqual(['2019-01-04']);
    const delisted = second.changes.filter((c) => c.status === 'delisted');
    expect(delisted).toHaveLength(36);
    const subject = await ledger.projector.queries.subject(delisted[0]!.subjectId, { asOf: '2019-01-04' });
    expect(subject!.designations).toEqual([]);
  });

  it('an entry under two programs is two designations on one subject, each with its own legal basis', async () => {
    const snapshot = await parsed('ofac-csv', OFAC_2019, { publishedOn: '2019-01-04' });
    const entry = snapshot.entries.find((e) => e.regimes.length === 2 && e.regimes.includes('US:SDGT' as never))!;
    const subject = await ledger.projector.queries.subject(`OFAC-SDN:${entry.authorityReference}`, { asOf: '2019-01-04' });
    expect(subject!.designations.map((d) => [d.regime, d.legalBasis, d.measures])).toEqual(
      [...entry.regimes].sort().map((regime) => [regime, [`OFAC-${regime.slice(3)}`], ['asset-freeze']]),
    );
  });

  it('a program added to or removed from an entry is a designation added or delisted, the entry counted as amended', () => {
    const regimeChanges = second.changes.filter((c) => c.status === 'amended' && c.designations.some((d) => d.action !== 'amend'));
    expect(regimeChanges.length).toBeGreaterThan(0);
    for (const change of regimeChanges) expect(change.designations.every((d) => d.effectiveFrom === '2019-01-04')).toBe(true);
  });

  it('asOf each publication date the ledger holds exactly the file entries under their programs', async () => {
    for (const [files, publishedOn] of [[OFAC_2018, '2018-01-26'], [OFAC_2019, '2019-01-04']] as const) {
      const snapshot = await parsed('ofac-csv', [...files], { publishedOn });
      const state = await ledger.projector.queries.state({ asOf: publishedOn, authority: 'US' });
      const actual = state.designations.map((d) => `${d.subjectId}|${d.regime}|${d.primaryName}`).sort();
      const expected = snapshot.entries.flatMap((e) => e.regimes.map((r) => `OFAC-SDN:${e.authorityReference}|${r}|${e.identity.names[0]!.name}`)).sort();
      expect(actual).toEqual(expected);
    }
  });

  it('re-importing the 2019 set appends nothing', async () => {
    const count = ledger.eventCount();
    const again = await importFiles(ledger.ctx, 'ofac-csv', OFAC_2019, { publishedOn: '2019-01-04' });
    expect(again).toMatchObject({ entries: { added: 0, amended: 0, delisted: 0, unchanged: 7379 }, appendedEvents: 0 });
    expect(ledger.eventCount()).toBe(count);
  }, 30_000);
});
