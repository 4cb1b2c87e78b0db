/**
 * The importer's side of the archive (src/importers/import/archive-files.ts): the files go in BEFORE the append,
 * so no event names a document the archive lacks, and a file rewritten between parsing and archiving refuses
 * the import with nothing appended.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DocumentArchive } from '../../src/documents';
import { ImportRefusedError, importFiles } from '../../src/importers/import';
import { Ledger } from '../../src/ledger';
import { Projector } from '../../src/projector/projector';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { data } from '../importers/fixtures';

let dir: string;
let store: SqliteEventStore;
let projector: Projector;
const events = () => (store.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'import-archive-'));
  store = SqliteEventStore.open(':memory:');
  projector = Projector.open(store, ':memory:');
});
afterEach(async () => {
  await projector.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('imports archive their files', () => {
  it('puts the file in the archive before appending the events that name it', async () => {
    const archive = DocumentArchive.open(join(dir, 'documents'));
    const eventsWhenArchived: number[] = [];
    const documents = { putFile: async (path: string) => (eventsWhenArchived.push(events()), archive.putFile(path)) };
    const report = await importFiles({ ledger: Ledger.over(store), projector }, 'eu-xml', [data('eu/eu_fsf_excerpt_2020-04-15_a.xml')], { documents });
    expect(report.appendedEvents).toBeGreaterThan(0);
    expect(eventsWhenArchived).toEqual([0]);
    const [first] = await store.readAll({ maxCount: 1 });
    expect(archive.has(first!.envelope.source.sha256!)).toBe(true);
  });

  it('refuses, appending nothing, when the file changed between parsing and archiving', async () => {
    const file = join(dir, 'eu.xml');
    copyFileSync(data('eu/eu_fsf_excerpt_2020-04-15_a.xml'), file);
    const archive = DocumentArchive.open(join(dir, 'documents'));
    // Another process rewrites the file just as the importer archives it.
    const documents = { putFile: async (path: string) => (writeFileSync(path, '<other/>'), archive.putFile(path)) };
    const error = await importFiles({ ledger: Ledger.over(store), projector }, 'eu-xml', [file], { documents }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportRefusedError);
    expect((error as Error).message).toBe('EU-FSF import refused, nothing appended: eu.xml changed on disk while being imported (its sha256 now differs from the bytes parsed); import it again');
    expect(events()).toBe(0);
  });
});
