/**
 * Every imported file leaves its ListFileImported (DESIGN.md section 11): given/when/then over the importer, for
 * what is appended (re-run, identical file under a new date, dry run), what the evidence rule reads from it
 * (list_imports), a retraction, and a log written before the event existed.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../events';
import { importSnapshot } from '../../src/importers/import';
import { retractImport } from '../../src/importers/import/retract';
import { appendPlanned } from '../../src/importers/import/append';
import { loadListView } from '../../src/importers/import/current-view';
import { planImport } from '../../src/importers/import/plan';
import { importCorrelationId, importerActor, importSource } from '../../src/importers/import/provenance';
import type { Listing, ListSnapshot } from '../../src/importers/listing';
import { useTempLedger } from './temp-ledger';
import { unListing } from './synthetic-listings';

const entry = (ref: string, over: Partial<Listing> = {}): Listing => unListing(ref, { regimes: ['UN:IRAN'] as Listing['regimes'], legalBasis: ['UNSC-1737'], listedOn: '2008-03-03', ...over });
const file = (publishedOn: string, entries: Listing[], sha = publishedOn.replace(/\D/g, '').padEnd(64, '0')): ListSnapshot => ({
  list: 'UN',
  authority: 'UN',
  publishedOn,
  files: [{ name: `un-${publishedOn}.xml`, sha256: sha, bytes: 1 }],
  entries,
});
const operator = { id: 'ops@example.org', kind: 'person' } as Actor;

describe('the record of each imported file', () => {
  const t = useTempLedger('list-file-');
  const { open, close } = t;
  const listStream = async () => (await t.store.readStream('list-UN')).map((e) => e.data as { publishedOn: string; changes: unknown });
  const rows = () => t.projector.db.prepare('SELECT published_on, evidence, retracted FROM list_imports ORDER BY published_on').all();
  const startOf = async (ctx: ReturnType<typeof open>, subjectId: string) =>
    ((await ctx.projector.queries.subjectHistory(subjectId)).find((e) => e.type === 'SubjectDesignated')!.data as { effectiveFrom: string }).effectiveFrom;

  it('given an imported file, when the same file is imported again, then nothing is appended', async () => {
    const ctx = open();
    expect((await importSnapshot(ctx, file('2016-01-10', [entry('QDi.001')]))).appendedEvents).toBe(2);
    expect(await importSnapshot(ctx, file('2016-01-10', [entry('QDi.001')]))).toMatchObject({ appendedEvents: 0, duplicateCommands: 0 });
    expect(await listStream()).toHaveLength(1);
  });

  it('given an imported file, when an identical file under a new date is imported, then exactly its ListFileImported is appended, with no changes', async () => {
    const ctx = open();
    await importSnapshot(ctx, file('2016-01-10', [entry('QDi.001')]));
    expect((await importSnapshot(ctx, file('2016-02-10', [entry('QDi.001')]))).appendedEvents).toBe(1);
    expect(await listStream()).toEqual([
      expect.objectContaining({ publishedOn: '2016-01-10', changes: { designated: 1, amended: 0, delisted: 0 } }),
      expect.objectContaining({ publishedOn: '2016-02-10', changes: { designated: 0, amended: 0, delisted: 0 } }),
    ]);
    const [, second] = await t.store.readStream('list-UN');
    expect(second!.envelope).toMatchObject({ actor: { id: 'importer:UN', kind: 'importer' }, source: { sha256: '20160210'.padEnd(64, '0'), fileName: 'un-2016-02-10.xml' } });
  });

  it('given an imported file, when a dry run of a new one is made, then nothing is appended', async () => {
    const ctx = open();
    await importSnapshot(ctx, file('2016-01-10', [entry('QDi.001')]));
    expect((await importSnapshot(ctx, file('2016-02-10', [entry('QDi.001')]), { dryRun: true })).appendedEvents).toBe(0);
    expect(await listStream()).toHaveLength(1);
  });

  it('given a file without an entry whose import changed nothing, when the entry appears with an old date, then it starts the day after that no-op file', async () => {
    const ctx = open();
    await importSnapshot(ctx, file('2016-01-10', [entry('QDi.001')]));
    await importSnapshot(ctx, file('2016-02-10', [entry('QDi.001')])); // changes nothing
    await importSnapshot(ctx, file('2016-03-10', [entry('QDi.001'), entry('IRi.001')]));
    expect(await startOf(ctx, 'UN:IRi.001')).toBe('2016-02-11');
  });

  it('given a retracted import, then its file stops counting as evidence', async () => {
    const ctx = open();
    await importSnapshot(ctx, file('2016-01-10', [entry('QDi.001')]));
    await retractImport(ctx, { list: 'UN', publishedOn: '2016-01-10', reason: 'wrong file', actor: operator });
    expect(rows()).toEqual([{ published_on: '2016-01-10', evidence: 'ListFileImported', retracted: 1 }]);
    await importSnapshot(ctx, file('2016-02-10', [entry('QDi.001'), entry('IRi.001')]));
    // No import that counts lacked IRi.001: its printed listing date stands.
    expect(await startOf(ctx, 'UN:IRi.001')).toBe('2008-03-03');
    // The same after a rebuild of the read model from the log.
    await ctx.projector.rebuild(['list-imports']);
    expect(rows()).toEqual([
      { published_on: '2016-01-10', evidence: 'ListFileImported', retracted: 1 },
      { published_on: '2016-02-10', evidence: 'ListFileImported', retracted: 0 },
    ]);
  });

  it('given a log written before ListFileImported existed, when the read models are rebuilt, then its imports still count as evidence', async () => {
    let ctx = open();
    // What the importer appended before this change: the designation commands only.
    const old = file('2016-01-10', [entry('QDi.001')]);
    await ctx.projector.catchUp();
    const plan = planImport(old, loadListView(ctx.projector.db, 'UN', old.publishedOn));
    await appendPlanned(ctx.ledger.commands, plan.changes.flatMap((c) => c.commands), { actor: importerActor('UN'), source: importSource(old), correlationId: importCorrelationId(old) });
    await close();
    rmSync(join(t.dir, 'views.db'));
    ctx = open();
    await ctx.projector.catchUp();
    expect(rows()).toEqual([{ published_on: '2016-01-10', evidence: 'import-events', retracted: 0 }]);
    await expect(importSnapshot(ctx, file('2015-12-01', []))).rejects.toThrow(/already holds the list published 2016-01-10/);
    await importSnapshot(ctx, file('2016-02-10', [entry('QDi.001'), entry('IRi.001')]));
    expect(await startOf(ctx, 'UN:IRi.001')).toBe('2016-01-11');
  });
});
