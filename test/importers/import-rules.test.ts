/**
 * The importer's rules on small synthetic snapshots, where each case can be set up exactly: effective dates
 * (listing, relisting, amendment, delisting), field-level amendments, regime-set changes, the all-or-nothing
 * gate, dry runs, and convergence of a re-run after a crash.
 */
import * as E from 'fp-ts/Either';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImportRefusedError, importSnapshot } from '../../src/importers/import';
import { appendPlanned } from '../../src/importers/import/append';
import { loadListView } from '../../src/importers/import/current-view';
import { planImport } from '../../src/importers/import/plan';
import { importCorrelationId, importerActor, importSource } from '../../src/importers/import/provenance';
import { subjectIdOf } from '../../src/importers/import/subject-ids';
import type { Listing, ListSnapshot } from '../../src/importers/listing';
import { Ledger } from '../../src/ledger';
import { Projector } from '../../src/projector/projector';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { unListing } from './synthetic-listings';

function ofacListing(ref: string, programs: string[], over: Partial<Listing> = {}): Listing {
  return {
    list: 'OFAC-SDN',
    authority: 'US',
    authorityReference: ref,
    kind: 'entity',
    identity: { names: [{ name: `COMPANY ${ref}`, quality: 'primary' }] } as Listing['identity'],
    regimes: programs.map((p) => `US:${p}`) as Listing['regimes'],
    measures: ['asset-freeze'],
    legalBasis: programs.map((p) => `OFAC-${p}`),
    ...over,
  };
}

const sha = (seed: string) => seed.replace(/\D/g, '').padEnd(64, '0').slice(0, 64);

function snapshot(publishedOn: string, entries: Listing[]): ListSnapshot {
  const list = entries[0]?.list ?? 'UN';
  return { list, authority: list === 'UN' ? 'UN' : 'US', publishedOn, files: [{ name: `${list.toLowerCase()}-${publishedOn}.xml`, sha256: sha(publishedOn), bytes: 1 }], entries };
}

let store: SqliteEventStore;
let ledger: Ledger;
let projector: Projector;
const ctx = () => ({ ledger, projector });
const eventCount = () => (store.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;

beforeEach(() => {
  store = SqliteEventStore.open(':memory:');
  ledger = Ledger.over(store);
  projector = Projector.open(store, ':memory:');
});
afterEach(async () => {
  await projector.close();
  await store.close();
});

const designation = async (subjectId: string, asOf: string) => (await projector.queries.subject(subjectId, { asOf }))?.designations ?? [];

describe('effective dates', () => {
  it('a new entry takes its listing date, capped at the publication date; OFAC (no listing date) the publication date', async () => {
    const report = await importSnapshot(ctx(), snapshot('2020-01-10', [unListing('KPi.001'), unListing('KPi.002', { listedOn: '2020-02-01' }), unListing('KPi.003', { listedOn: undefined })]));
    expect(report.changes.map((c) => c.designations[0]!.effectiveFrom)).toEqual(['2016-11-30', '2020-01-10', '2020-01-10']);
    const ofac = await importSnapshot(ctx(), snapshot('2019-01-04', [ofacListing('100', ['SDGT'])]));
    expect(ofac.changes[0]!.designations[0]!.effectiveFrom).toBe('2019-01-04');
  });

  it('an entry that disappears is delisted on the publication date of the first file without it, citing that file', async () => {
    await importSnapshot(ctx(), snapshot('2020-01-10', [unListing('KPi.001'), unListing('KPi.002')]));
    const report = await importSnapshot(ctx(), snapshot('2020-02-10', [unListing('KPi.001')]));
    expect(report.changes).toEqual([{ status: 'delisted', entry: 'KPi.002', subjectId: 'UN:KPi.002', name: 'PERSON KPi.002', designations: [{ action: 'delist', regime: 'UN:DPRK', effectiveFrom: '2020-02-10' }] }]);
    const history = await projector.queries.subjectHistory('UN:KPi.002');
    expect(history[1]!.data).toMatchObject({ legalBasis: ['UN-LIST-2020-02-10'], publishedOn: '2020-02-10' });
    expect(await designation('UN:KPi.002', '2020-02-09')).toHaveLength(1);
    expect(await designation('UN:KPi.002', '2020-02-10')).toHaveLength(0);
  });

  it('a relisting with the original listing date starts the day after the file that lacked it (the evidence rule)', async () => {
    await importSnapshot(ctx(), snapshot('2020-01-10', [unListing('KPi.001')]));
    await importSnapshot(ctx(), snapshot('2020-02-10', []));
    const back = await importSnapshot(ctx(), snapshot('2020-03-10', [unListing('KPi.001')]));
    expect(back.changes[0]).toMatchObject({ status: 'added', designations: [{ action: 'designate', effectiveFrom: '2020-02-11' }] });
    expect(await designation('UN:KPi.001', '2020-02-10')).toHaveLength(0);
    expect(await designation('UN:KPi.001', '2020-02-11')).toHaveLength(1);
    // A new listing date after the delisting is the file's own word and stands.
    await importSnapshot(ctx(), snapshot('2020-04-10', []));
    const relisted = await importSnapshot(ctx(), snapshot('2020-05-10', [unListing('KPi.001', { listedOn: '2020-04-20' })]));
    expect(relisted.changes[0]!.designations[0]!.effectiveFrom).toBe('2020-04-20');
  });

  it('an amendment is dated by a last-updated date after the previous file, else by the publication date', async () => {
    await importSnapshot(ctx(), snapshot('2020-01-10', [unListing('KPi.001'), unListing('KPi.002')]));
    const changed = (ref: string, lastUpdated: string[]) => unListing(ref, { lastUpdated, remarks: 'new remark' });
    const report = await importSnapshot(ctx(), snapshot('2020-02-10', [changed('KPi.001', ['2019-05-01', '2020-01-20']), changed('KPi.002', ['2020-01-10'])]));
    expect(report.changes.map((c) => [c.entry, c.designations[0]!.effectiveFrom])).toEqual([
      ['KPi.001', '2020-01-20'],
      ['KPi.002', '2020-02-10'],
    ]);
  });
});

describe('diffs', () => {
  it('an amendment carries only the fields that changed; a removed remark becomes an empty one', async () => {
    await importSnapshot(ctx(), snapshot('2020-01-10', [unListing('KPi.001', { remarks: 'old' })]));
    const report = await importSnapshot(ctx(), snapshot('2020-02-10', [unListing('KPi.001', { measures: ['asset-freeze'] })]));
    expect(report.changes[0]!.designations[0]).toMatchObject({ action: 'amend', fields: ['measures', 'reasons'] });
    const amended = (await projector.queries.subjectHistory('UN:KPi.001'))[1]!;
    expect((amended.data as { changes: unknown }).changes).toEqual({ measures: ['asset-freeze'], reasons: '' });
    expect((await designation('UN:KPi.001', '2020-02-10'))[0]).toMatchObject({ measures: ['asset-freeze'] });
    expect((await designation('UN:KPi.001', '2020-02-09'))[0]).toMatchObject({ measures: ['asset-freeze', 'travel-ban'], reasons: 'old' });
  });

  it('a reordered set or re-keyed object is no change', async () => {
    const identity = { names: [{ name: 'A', quality: 'primary' }], nationalities: ['X'] } as Listing['identity'];
    await importSnapshot(ctx(), snapshot('2020-01-10', [unListing('KPi.001', { identity })]));
    const rekeyed = { nationalities: ['X'], names: [{ quality: 'primary', name: 'A' }] } as unknown as Listing['identity'];
    const report = await importSnapshot(ctx(), snapshot('2020-02-10', [unListing('KPi.001', { identity: rekeyed })]));
    // Only the file's own record (ListFileImported): no designation event.
    expect(report).toMatchObject({ entries: { unchanged: 1 }, appendedEvents: 1 });
  });

  it('an OFAC entry under two programs is two designations; a changed program set adds and delists designations', async () => {
    const first = await importSnapshot(ctx(), snapshot('2019-01-04', [ofacListing('100', ['SDGT', 'IRGC'])]));
    expect(first.designations.designated).toBe(2);
    expect((await designation('OFAC-SDN:100', '2019-01-04')).map((d) => [d.regime, d.legalBasis])).toEqual([
      ['US:IRGC', ['OFAC-IRGC']],
      ['US:SDGT', ['OFAC-SDGT']],
    ]);
    const second = await importSnapshot(ctx(), snapshot('2019-02-01', [ofacListing('100', ['SDGT', 'IFSR'])]));
    expect(second.entries).toMatchObject({ amended: 1, added: 0, delisted: 0 });
    expect(second.changes[0]!.designations).toEqual([
      { action: 'delist', regime: 'US:IRGC', effectiveFrom: '2019-02-01' },
      { action: 'designate', regime: 'US:IFSR', effectiveFrom: '2019-02-01' },
    ]);
    expect((await designation('OFAC-SDN:100', '2019-02-01')).map((d) => d.regime)).toEqual(['US:IFSR', 'US:SDGT']);
  });

  it('subject ids are <list>:<reference>, sanitised to the Identifier codec', () => {
    expect(subjectIdOf('UN', 'QDi.168 ')).toBe('UN:QDi.168');
    expect(subjectIdOf('UK-OFSI', '6887')).toBe('UK-OFSI:6887');
    expect(subjectIdOf('EU-FSF', 'EU 27/28 (x)')).toBe('EU-FSF:EU-27/28--x-');
  });
});

describe('all or nothing', () => {
  it('a file with one entry the deciders would refuse appends nothing and names that entry', async () => {
    // Someone recorded a designation by hand that starts in the future; the file (without the entry) would delist
    // it before it starts, which the decider refuses.
    const handmade = await ledger.execute(
      { type: 'DesignateSubject', data: { subjectId: 'UN:KPi.900', kind: 'person', regime: 'UN:DPRK', identity: { names: [{ name: 'X', quality: 'primary' }] }, measures: ['asset-freeze'], legalBasis: ['UNSC-1718'], effectiveFrom: '2030-01-01' } },
      { actor: { id: 'analyst', kind: 'person' }, source: { publisher: 'analyst' } },
    );
    expect(E.isRight(handmade)).toBe(true);
    const count = eventCount();
    const error = await importSnapshot(ctx(), snapshot('2020-01-10', [unListing('KPi.001'), unListing('KPi.002')])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportRefusedError);
    expect((error as Error).message).toBe(
      'UN import refused, nothing appended: entry KPi.900 (UN:KPi.900, UN:DPRK, delist): delisting-before-designation: effectiveFrom: a delisting on 2020-01-10 cannot precede designation UN:DPRK@2030-01-01 taking effect on 2030-01-01',
    );
    expect(eventCount()).toBe(count);
  });

  it('a dry run appends nothing and reports what would be refused instead of throwing', async () => {
    await importSnapshot(ctx(), snapshot('2020-01-10', [unListing('KPi.001')]));
    const count = eventCount();
    const dry = await importSnapshot(ctx(), snapshot('2020-02-10', [unListing('KPi.002'), unListing('KPi.001', { kind: 'entity' })]), { dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, appendedEvents: 0, entries: { added: 1 } });
    expect(dry.refusals).toEqual([{ entry: 'KPi.001', subjectId: 'UN:KPi.001', rule: 'conflict', message: 'the list now gives kind entity, the ledger holds person: a subject\'s kind cannot be amended, correct it by hand' }]);
    expect(eventCount()).toBe(count);
  });

  it('a re-run after a crash part-way appends the rest with the same command ids, and converges', async () => {
    const file = snapshot('2020-01-10', ['KPi.001', 'KPi.002', 'KPi.003', 'KPi.004'].map((r) => unListing(r)));
    await projector.catchUp();
    const plan = planImport(file, loadListView(projector.db, 'UN', file.publishedOn));
    const commands = plan.changes.flatMap((c) => c.commands);
    const metadata = { actor: importerActor('UN'), source: importSource(file), correlationId: importCorrelationId(file) };
    await appendPlanned(ledger.commands, commands.slice(0, 2), metadata); // ...and the process dies here
    const rerun = await importSnapshot(ctx(), file);
    // The rest, then the file's own record (ListFileImported, last in the batch: only a complete import has it).
    expect(rerun).toMatchObject({ entries: { added: 2, unchanged: 2 }, appendedEvents: 3 });
    const recorded = (await store.readAll({ maxCount: 100 })).map((e) => e.envelope.commandId);
    expect(recorded).toEqual([...commands.map((c) => c.commandId), `import-file:UN:2020-01-10:${file.files[0]!.sha256}`]);
    // Submitting every command again, as a re-run that had not seen the view would: all duplicates.
    expect(await appendPlanned(ledger.commands, commands, metadata)).toEqual({ events: 0, duplicates: 4 });
    expect(eventCount()).toBe(5);
  });
});
