/**
 * Importing the real UN Consolidated List files in publication order into one ledger: the diffs the parser
 * author found between these files (SOURCES.md) must come out as exactly those commands, with the dates the
 * importer documents, and the ledger asOf each file's date must say what that file says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles, importSnapshot, type ImportReport } from '../../src/importers/import';
import type { ListSnapshot } from '../../src/importers/listing';
import { Ledger } from '../../src/ledger';
import { Projector } from '../../src/projector/projector';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { byRef, data, parsed } from './fixtures';

const un = (date: string) => data(`un/un_consolidated_${date}.xml`);

function freshLedger() {
  const store = SqliteEventStore.open(':memory:');
  const ledger = Ledger.over(store);
  const projector = Projector.open(store, ':memory:');
  return {
    store,
    projector,
    ctx: { ledger, projector },
    eventCount: () => (store.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n,
    close: async () => {
      await projector.close();
      await store.close();
    },
  };
}

/** Every (subject, regime) of the file in force asOf its publication date with its attributes; nothing else of the UN. */
async function expectStateMatches(ledger: ReturnType<typeof freshLedger>, snapshot: ListSnapshot) {
  const state = await ledger.projector.queries.state({ asOf: snapshot.publishedOn, authority: 'UN' });
  const actual = state.designations.map((d) => ({ key: `${d.subjectId}|${d.regime}`, name: d.primaryName, measures: d.measures, legalBasis: d.legalBasis, ref: d.authorityReference }));
  const expected = snapshot.entries.flatMap((e) =>
    e.regimes.map((regime) => ({ key: `UN:${e.authorityReference}|${regime}`, name: e.identity.names[0]!.name, measures: e.measures, legalBasis: e.legalBasis, ref: e.authorityReference })),
  );
  const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : 1);
  expect(actual.sort(byKey)).toEqual(expected.sort(byKey));
}

describe('UN 2017-06-20, 2017-06-30, 2017-07-03 imported in order', () => {
  const ledger = freshLedger();
  const reports: ImportReport[] = [];
  afterAll(() => ledger.close());

  beforeAll(async () => {
    for (const date of ['2017-06-20', '2017-06-30', '2017-07-03']) reports.push(await importFiles(ledger.ctx, 'un-xml', [un(date)]));
  }, 60_000);

  it('the first import designates every entry once, from its LISTED_ON date', async () => {
    expect(reports[0]).toMatchObject({ entries: { added: 1024, amended: 0, delisted: 0, unchanged: 0 }, designations: { designated: 1024 }, appendedEvents: 1025 }); // +1: the file's own ListFileImported
    const first = await parsed('un-xml', [un('2017-06-20')]);
    const qdi168 = byRef(first, 'QDi.168');
    const history = await ledger.projector.queries.subjectHistory('UN:QDi.168');
    expect(history[0]).toMatchObject({ type: 'SubjectDesignated', effectiveFrom: qdi168.listedOn, data: { regime: 'UN:AL-QAIDA', legalBasis: ['UNSC-1267'], publishedOn: '2017-06-20' } });
  });

  it('the second import is exactly one amendment: QDi.058, its remarks only, dated the publication date', async () => {
    expect(reports[1]).toMatchObject({ entries: { added: 0, amended: 1, delisted: 0, unchanged: 1023 }, designations: { designated: 0, amended: 1, delisted: 0 }, appendedEvents: 2 });
    expect(reports[1]!.changes).toEqual([
      { status: 'amended', entry: 'QDi.058', subjectId: 'UN:QDi.058', name: 'BOUBEKEUR BOULGHITI', designations: [{ action: 'amend', regime: 'UN:AL-QAIDA', effectiveFrom: '2017-06-30', fields: ['reasons'] }] },
    ]);
    const [, amended] = await ledger.projector.queries.subjectHistory('UN:QDi.058');
    const after = byRef(await parsed('un-xml', [un('2017-06-30')]), 'QDi.058');
    // Its latest LAST_DAY_UPDATED (2017-06-20) is not after the previous file's date: the change is dated 06-30.
    expect(after.lastUpdated).toContain('2017-06-20');
    expect(amended).toMatchObject({ type: 'DesignationAmended', effectiveFrom: '2017-06-30', data: { changes: { reasons: after.remarks }, legalBasis: ['UN-LIST-2017-06-30'] } });
    expect(Object.keys((amended!.data as { changes: object }).changes)).toEqual(['reasons']);
  });

  it('the third import is exactly three delistings, QDi.168-170, on 2017-07-03 citing the snapshot', async () => {
    expect(reports[2]).toMatchObject({ entries: { added: 0, amended: 0, delisted: 3, unchanged: 1021 }, designations: { designated: 0, amended: 0, delisted: 3 }, appendedEvents: 4 });
    expect(reports[2]!.changes.map((c) => c.subjectId)).toEqual(['UN:QDi.168', 'UN:QDi.169', 'UN:QDi.170']);
    const delisted = (await ledger.projector.queries.subjectHistory('UN:QDi.169')).at(-1)!;
    expect(delisted).toMatchObject({ type: 'SubjectDelisted', effectiveFrom: '2017-07-03', data: { legalBasis: ['UN-LIST-2017-07-03'], publishedOn: '2017-07-03' } });
    expect((delisted.data as { reason: string }).reason).toMatch(/absent in the UN list published 2017-07-03 .*snapshot reference UN-LIST-2017-07-03/);
  });

  it('every event names the importer as actor and the file (name, sha256) as source', async () => {
    const [event] = await ledger.projector.queries.subjectHistory('UN:QDi.170');
    const file = reports[0]!.files[0]!;
    expect(event!.actor).toEqual({ id: 'importer:UN', kind: 'importer' });
    expect(event!.source).toEqual({ publisher: 'United Nations Security Council', documentRef: file.name, fileName: file.name, sha256: file.sha256 });
    expect(event!.commandId).toMatch(/^import:UN:2017-06-20:QDi\.170:UN:AL-QAIDA:designate:[0-9a-f]{16}$/);
  });

  it('asOf each publication date the ledger says what that file says, entry for entry', async () => {
    for (const date of ['2017-06-20', '2017-06-30', '2017-07-03']) await expectStateMatches(ledger, await parsed('un-xml', [un(date)]));
    // The amended remark is in force from 06-30, not before; the identity is the file's.
    const before = await ledger.projector.queries.subject('UN:QDi.058', { asOf: '2017-06-29' });
    const after = await ledger.projector.queries.subject('UN:QDi.058', { asOf: '2017-06-30' });
    expect(before!.designations[0]!.reasons).toBe(byRef(await parsed('un-xml', [un('2017-06-20')]), 'QDi.058').remarks);
    expect(after!.designations[0]!.reasons).toBe(byRef(await parsed('un-xml', [un('2017-06-30')]), 'QDi.058').remarks);
    expect(after!.designations[0]!.identity).toEqual(byRef(await parsed('un-xml', [un('2017-06-30')]), 'QDi.058').identity);
    expect((await ledger.projector.queries.subject('UN:QDi.168', { asOf: '2017-07-03' }))!.designations).toEqual([]);
  });

  it('importing any of the three again appends nothing; an older one than the latest is refused', async () => {
    const before = ledger.eventCount();
    const again = await importFiles(ledger.ctx, 'un-xml', [un('2017-07-03')]);
    expect(again).toMatchObject({ entries: { added: 0, amended: 0, delisted: 0, unchanged: 1021 }, appendedEvents: 0 });
    await expect(importFiles(ledger.ctx, 'un-xml', [un('2017-06-30')])).rejects.toThrow(
      'UN import refused, nothing appended: the ledger already holds the list published 2017-07-03, later than this file\'s 2017-06-30 (un_consolidated_2017-06-30.xml)',
    );
    expect(ledger.eventCount()).toBe(before);
  });
});

describe('UN 2024-09-21 then 2024-09-26 (same content, new dateGenerated)', () => {
  const ledger = freshLedger();
  afterAll(() => ledger.close());

  it('the second import changes nothing and appends only its own record, ListFileImported', async () => {
    const first = await importFiles(ledger.ctx, 'un-xml', [un('2024-09-21')]);
    expect(first).toMatchObject({ entries: { added: 875 }, appendedEvents: 876 });
    const count = ledger.eventCount();
    const second = await importFiles(ledger.ctx, 'un-xml', [un('2024-09-26')]);
    expect(second).toMatchObject({ publishedOn: '2024-09-26', entries: { added: 0, amended: 0, delisted: 0, unchanged: 875 }, appendedEvents: 1, changes: [] });
    expect(ledger.eventCount()).toBe(count + 1);
    const recorded = (await ledger.store.readStream('list-UN')).map((e) => e.data as { publishedOn: string; sha256: string; entryCount: number; changes: unknown });
    expect(recorded.map((d) => [d.publishedOn, d.entryCount, d.changes])).toEqual([
      ['2024-09-21', 875, { designated: 875, amended: 0, delisted: 0 }],
      ['2024-09-26', 875, { designated: 0, amended: 0, delisted: 0 }],
    ]);
    expect(recorded[1]!.sha256).toBe(second.files[0]!.sha256);
    await expectStateMatches(ledger, await parsed('un-xml', [un('2024-09-26')]));
  }, 60_000);

  it('importing 2024-09-26 again appends nothing', async () => {
    const count = ledger.eventCount();
    expect(await importFiles(ledger.ctx, 'un-xml', [un('2024-09-26')])).toMatchObject({ appendedEvents: 0, duplicateCommands: 0 });
    expect(ledger.eventCount()).toBe(count);
  }, 60_000);

  it('then an entry new to the ledger with an old listing date starts the day after 2024-09-26, the last file that lacked it', async () => {
    // A later file: the 2024-09-26 one plus an entry re-added with its original listing date (as the 2025 snapback did).
    const real = await parsed('un-xml', [un('2024-09-26')]);
    const template = real.entries[0]!;
    const relisted = { ...template, authorityReference: 'IRi.999', listedOn: '2006-12-23', lastUpdated: [] };
    const later: ListSnapshot = { ...real, publishedOn: '2024-10-01', files: [{ name: 'un-2024-10-01.xml', sha256: 'c'.repeat(64), bytes: 1 }], entries: [...real.entries, relisted] };
    const report = await importSnapshot(ledger.ctx, later);
    expect(report.changes).toMatchObject([{ entry: 'IRi.999', status: 'added', designations: template.regimes.map(() => ({ action: 'designate', effectiveFrom: '2024-09-27' })) }]);
  }, 60_000);
});

describe('UN 2017-07-03 then 2024-09-21 (seven years later)', () => {
  const ledger = freshLedger();
  afterAll(() => ledger.close());

  it('dates additions by LISTED_ON and amendments by LAST_DAY_UPDATED when newer than the previous file', async () => {
    await importFiles(ledger.ctx, 'un-xml', [un('2017-07-03')]);
    const report = await importFiles(ledger.ctx, 'un-xml', [un('2024-09-21')]);
    const later = await parsed('un-xml', [un('2024-09-21')]);
    expect(report.entries).toEqual({ added: 156, amended: 592, delisted: 302, unchanged: 127 });
    for (const change of report.changes) {
      const entry = change.status === 'delisted' ? undefined : byRef(later, change.entry);
      for (const d of change.designations) {
        if (d.action === 'delist') expect(d.effectiveFrom).toBe('2024-09-21');
        if (d.action === 'designate') expect(d.effectiveFrom).toBe(entry!.listedOn);
        if (d.action === 'amend') {
          const updated = entry!.lastUpdated?.filter((u) => u > '2017-07-03').sort().at(-1);
          expect(d.effectiveFrom, change.entry).toBe(updated ?? '2024-09-21');
        }
      }
    }
    await expectStateMatches(ledger, later);
  }, 60_000);
});
