/**
 * The evidence rule (DESIGN.md section 11, src/importers/import/effective-dates.ts): a file is evidence of the
 * whole list on its publication date, so a designation new to the ledger starts no earlier than the day after
 * the latest earlier import of the list that lacked it, whatever listing date the publisher prints. Given/when/
 * then cases, then the guarantee itself as a property over generated sequences of snapshots.
 */
import fc from 'fast-check';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importSnapshot } from '../../src/importers/import';
import type { Listing, ListSnapshot } from '../../src/importers/listing';
import { checkSequence } from './evidence-sequence';
import { useTempLedger } from './temp-ledger';
import { unListing } from './synthetic-listings';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 60);

/** An entry of the UN's Iran list, with its original listing date. */
const entry = (ref: string, over: Partial<Listing> = {}): Listing => unListing(ref, { regimes: ['UN:IRAN'] as Listing['regimes'], legalBasis: ['UNSC-1737'], listedOn: '2008-03-03', ...over });

const file = (publishedOn: string, entries: Listing[]): ListSnapshot => ({
  list: 'UN',
  authority: 'UN',
  publishedOn,
  files: [{ name: `un-${publishedOn}.xml`, sha256: publishedOn.replace(/\D/g, '').padEnd(64, '0'), bytes: 1 }],
  entries,
});

describe('the evidence rule, case by case', () => {
  const t = useTempLedger('evidence-');
  const { open, close } = t;
  const inForce = async (subjectId: string, asOf: string) => ((await t.projector.queries.subject(subjectId, { asOf }))?.designations ?? []).length > 0;
  const designated = async (subjectId: string) => (await t.projector.queries.subjectHistory(subjectId)).find((e) => e.type === 'SubjectDesignated')!.data as { effectiveFrom: string; reasons?: string };

  it('given no earlier import of the list, when a file is imported, then its printed listing dates stand', async () => {
    const ctx = open();
    const report = await importSnapshot(ctx, file('2016-01-10', [entry('IRi.001')]));
    expect(report.changes[0]!.designations[0]!.effectiveFrom).toBe('2008-03-03');
    expect((await designated('UN:IRi.001')).reasons).toBeUndefined();
  });

  it('given an earlier file without the entry, when a later file lists it with an older date, then it starts the day after that file, and the event says why', async () => {
    const ctx = open();
    await importSnapshot(ctx, file('2016-01-10', [entry('QDi.001')]));
    const report = await importSnapshot(ctx, file('2025-09-28', [entry('QDi.001'), entry('IRi.001', { remarks: 'Snapback.' })]));
    expect(report.changes[0]).toMatchObject({ entry: 'IRi.001', status: 'added', designations: [{ effectiveFrom: '2016-01-11' }] });
    const event = await designated('UN:IRi.001');
    expect(event.effectiveFrom).toBe('2016-01-11');
    expect(event.reasons).toBe(
      'Snapback.\n\n[ledger, evidence rule] In force from 2016-01-11, not from the printed listing date 2008-03-03: the UN list published 2016-01-10, imported earlier, did not contain this entry, so it was not in force on that date.',
    );
    expect(await inForce('UN:IRi.001', '2016-01-10')).toBe(false);
    expect(await inForce('UN:IRi.001', '2016-01-11')).toBe(true);
  });

  it('given an earlier file without the entry, when the printed date is after that file, then the printed date stands, with no note', async () => {
    const ctx = open();
    await importSnapshot(ctx, file('2016-01-10', [entry('QDi.001')]));
    const report = await importSnapshot(ctx, file('2016-02-10', [entry('QDi.001'), entry('QDi.002', { listedOn: '2016-01-20' })]));
    expect(report.changes[0]!.designations[0]!.effectiveFrom).toBe('2016-01-20');
    expect((await designated('UN:QDi.002')).reasons).toBeUndefined();
  });

  it('given an entry present, then absent in two files, when it is back with its original date, then it starts the day after the latest file that lacked it', async () => {
    const ctx = open();
    await importSnapshot(ctx, file('2015-06-01', [entry('IRi.001')]));
    await importSnapshot(ctx, file('2016-01-17', [entry('QDi.001')]));
    await importSnapshot(ctx, file('2020-05-05', [entry('QDi.001'), entry('QDi.002', { listedOn: '2020-01-01' })]));
    const back = await importSnapshot(ctx, file('2025-09-28', [entry('QDi.001'), entry('QDi.002', { listedOn: '2020-01-01' }), entry('IRi.001')]));
    expect(back.changes[0]).toMatchObject({ entry: 'IRi.001', designations: [{ effectiveFrom: '2020-05-06' }] });
    for (const [asOf, expected] of [['2015-06-01', true], ['2016-01-17', false], ['2020-05-05', false], ['2020-05-06', true], ['2025-09-28', true]] as const) {
      expect(await inForce('UN:IRi.001', asOf), asOf).toBe(expected);
    }
  });

  it('given a file of the same date without the entry, when a second file of that date lists it, then the import before that date is the evidence', async () => {
    const ctx = open();
    await importSnapshot(ctx, file('2016-01-10', [entry('QDi.001')]));
    await importSnapshot(ctx, file('2016-02-10', [entry('QDi.001'), entry('QDi.003', { listedOn: '2016-02-10' })]));
    const second = await importSnapshot(ctx, { ...file('2016-02-10', [entry('QDi.001'), entry('QDi.003', { listedOn: '2016-02-10' }), entry('IRi.001')]), files: [{ name: 'second.xml', sha256: 'f'.repeat(64), bytes: 1 }] });
    // Two files of one date contradict each other on that date; the later one wins for it (README "Order"), so
    // the evidence against the entry is the import before, of 2016-01-10.
    expect(second.changes[0]).toMatchObject({ entry: 'IRi.001', designations: [{ effectiveFrom: '2016-01-11' }] });
    expect(await inForce('UN:IRi.001', '2016-01-10')).toBe(false);
    expect(await inForce('UN:IRi.001', '2016-02-10')).toBe(true);
  });

  it('given the note on a designation, when the same entry comes again, then nothing is amended; a changed remark amends only the remark', async () => {
    const ctx = open();
    await importSnapshot(ctx, file('2016-01-10', []));
    await importSnapshot(ctx, file('2016-02-10', [entry('IRi.001', { remarks: 'Old.' })]));
    const same = await importSnapshot(ctx, file('2016-03-10', [entry('IRi.001', { remarks: 'Old.' })]));
    // Only the file's own record (ListFileImported), no amendment.
    expect(same.appendedEvents).toBe(1);
    expect(same.designations).toEqual({ designated: 0, amended: 0, delisted: 0 });
    const changed = await importSnapshot(ctx, file('2016-04-10', [entry('IRi.001', { remarks: 'New.' })]));
    expect(changed.changes[0]!.designations).toEqual([{ action: 'amend', regime: 'UN:IRAN', fields: ['reasons'], effectiveFrom: '2016-04-10' }]);
  });

  it('given earlier imports in the log, when the process restarts with rebuilt read models, then the rule still knows them', async () => {
    let ctx = open();
    await importSnapshot(ctx, file('2016-01-10', [entry('QDi.001')]));
    await close();
    rmSync(join(t.dir, 'views.db'));
    ctx = open();
    const report = await importSnapshot(ctx, file('2016-02-10', [entry('QDi.001'), entry('IRi.001')]));
    expect(report.changes[0]!.designations[0]!.effectiveFrom).toBe('2016-01-11');
  });
});

// Generated sequences of one list's files: entries appear, vanish and re-appear, some with listing dates far
// older than any file, some between files; a regime may be added to or dropped from an entry.
const REFS = ['IRi.001', 'IRi.002', 'QDi.003', 'KPi.004', 'KPi.005'];
const PRINTED = ['2006-12-23', '2008-03-03', '2010-06-09', '2016-03-01', '2017-09-15', '2019-01-01', undefined];
const REGIME_SETS = [['UN:IRAN'], ['UN:DPRK'], ['UN:DPRK', 'UN:IRAN']];
const appearance = fc.record({ printed: fc.constantFrom(...PRINTED), regimes: fc.constantFrom(...REGIME_SETS), remarks: fc.constantFrom(undefined, 'Listed pursuant to paragraph 12.') });
const snapshotAt = (publishedOn: string) =>
  fc
    .tuple(...REFS.map(() => fc.option(appearance, { nil: undefined, freq: 2 })))
    .map((picked) => file(publishedOn, picked.flatMap((a, i) => (a === undefined ? [] : [entry(REFS[i]!, { listedOn: a.printed, regimes: a.regimes as Listing['regimes'], ...(a.remarks === undefined ? {} : { remarks: a.remarks }) })]))));
const dates = fc.uniqueArray(fc.integer({ min: 0, max: 1500 }), { minLength: 2, maxLength: 6 }).map((days) => days.sort((a, b) => a - b).map((d) => new Date(Date.parse('2016-01-01T00:00:00Z') + d * 86_400_000).toISOString().slice(0, 10)));
/**
 * Some files say exactly what the one before said under a new date (the UN's 2024-09-21 and 2024-09-26): such a
 * no-op import appends only its ListFileImported, which must still count as evidence against later entries.
 */
const sequence = dates
  .chain((ds) => fc.tuple(...ds.map((d) => fc.tuple(snapshotAt(d), fc.boolean()))))
  .map((picked) =>
    picked.reduce<ListSnapshot[]>((files, [f, repeat]) => [...files, files.length > 0 && repeat ? { ...f, entries: files.at(-1)!.entries } : f], []),
  );

describe('the evidence rule, as a property', () => {
  it('after importing any sequence of files, asOf each publication date the ledger holds exactly that file, as known then and as known now', async () => {
    await fc.assert(
      fc.asyncProperty(sequence, async (files) => {
        const { mismatches, reimportEvents } = await checkSequence(files);
        expect(mismatches).toEqual([]);
        expect(reimportEvents).toBe(0);
      }),
      { numRuns: RUNS },
    );
  }, 240_000);
});
