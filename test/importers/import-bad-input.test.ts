/**
 * Bad files through the whole import: each must end in a ListParseError that names the file and the line, and
 * the store must not have changed (parsing finishes before anything is planned or appended).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportRefusedError, importFiles } from '../../src/importers/import';
import { ListParseError } from '../../src/importers/errors';
import type { Format } from '../../src/importers/listing';
import { Ledger } from '../../src/ledger';
import { Projector } from '../../src/projector/projector';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { BILLION_LAUGHS_UN, cleanupTmp, data, tmpFile } from './fixtures';

const store = SqliteEventStore.open(':memory:');
const projector = Projector.open(store, ':memory:');
const ctx = { ledger: Ledger.over(store), projector };
const eventCount = () => (store.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
let before: number;

beforeAll(async () => {
  // A ledger that already holds a list, so "unchanged" means something.
  await importFiles(ctx, 'un-xml', [data('un/un_consolidated_2017-06-20.xml')]);
  before = eventCount();
}, 60_000);
afterAll(async () => {
  await projector.close();
  await store.close();
  cleanupTmp();
});

async function refused(format: Format, file: string, options = {}): Promise<ListParseError> {
  const error = await importFiles(ctx, format, [file], options).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ListParseError);
  expect((error as Error).message).not.toContain('\n');
  expect(eventCount()).toBe(before);
  return error as ListParseError;
}

const un = readFileSync(data('un/un_consolidated_2017-06-30.xml'));

describe('a bad file appends nothing', () => {
  it('a truncated file', async () => {
    const error = await refused('un-xml', tmpFile('un_consolidated_2017-06-30.xml', un.subarray(0, 700_000)));
    expect(error.message).toMatch(/^un_consolidated_2017-06-30\.xml line \d+: /);
    expect(error.line).toBeGreaterThan(1);
  });

  it('a file of another format', async () => {
    const error = await refused('un-xml', data('ofac/2019-01_watchman/sdn.csv'));
    expect(error.message).toBe('sdn.csv line 1: not an XML document (starts with "36,\\"AEROCARIBBEAN AI")');
    const asCsv = await refused('ofac-csv', tmpFile('xml/sdn.csv', un), { publishedOn: '2017-06-30' });
    expect(asCsv.message).toMatch(/^sdn\.csv line 1: expected 12 fields/);
  });

  it('invalid XML', async () => {
    const text = un.toString('utf8');
    const broken = text.replace('</REFERENCE_NUMBER>', '</REFERENCE>');
    const error = await refused('un-xml', tmpFile('broken.xml', broken));
    expect(error.message).toMatch(/^broken\.xml line \d+: invalid XML: unexpected close tag/);
  });

  it('a "billion laughs" XML is refused before any expansion', async () => {
    const error = await refused('un-xml', tmpFile('lol.xml', BILLION_LAUGHS_UN));
    expect(error.message).toMatch(/^lol\.xml line 13: DOCTYPE declares entities; refused/);
  });

  it('an unknown encoding', async () => {
    const text = un.toString('utf8').replace(/^<\?xml[^>]*\?>/, '<?xml version="1.0" encoding="x-klingon-8"?>');
    const error = await refused('un-xml', tmpFile('enc.xml', text));
    expect(error.message).toBe('enc.xml line 1: XML declaration names unknown encoding "x-klingon-8"');
  });

  it('an OFAC set without its publication date', async () => {
    const error = await refused('ofac-csv', data('ofac/2019-01_watchman/sdn.csv'));
    expect(error.message).toBe('sdn.csv: OFAC CSV files carry no publication date: give it as publishedOn (CLI --published-on), YYYY-MM-DD');
  });
});

describe('a good file the ledger cannot take appends nothing either', () => {
  it('an older file of a list than the one already imported', async () => {
    await importFiles(ctx, 'un-xml', [data('un/un_consolidated_2017-06-30.xml')]);
    const count = eventCount();
    const error = await importFiles(ctx, 'un-xml', [data('un/un_consolidated_2017-06-20.xml')]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportRefusedError);
    expect(eventCount()).toBe(count);
  }, 30_000);
});
