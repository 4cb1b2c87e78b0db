/**
 * The OFAC CSV set over HTTP (issue 10, items 2, 4 and 15), through the real service: the whole set as
 * multipart/form-data, the refusal of a set lacking companion files the list was last imported with, unknown
 * and repeated query parameters, compressed uploads and a bad publishedOn.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/importers/import';
import { asWriter, testService, type TestService } from '../http/support';
import { data, OFAC_2019 } from './fixtures';
import { filesBody, MULTIPART_TYPE } from './multipart-body';

let service: TestService;
const eventCount = async () => (await service.store.readAll({})).length;

const postSet = (url: string, paths: readonly string[]) => {
  return service.app.inject({ method: 'POST', url, payload: filesBody(paths), headers: { ...asWriter, 'content-type': MULTIPART_TYPE } });
};
const postRaw = (url: string, payload: Buffer, headers: Record<string, string> = {}) =>
  service.app.inject({ method: 'POST', url, payload, headers: { ...asWriter, 'content-type': 'text/csv', ...headers } });

const aliasesOf306 = async () => {
  const response = await service.app.inject({ url: '/subjects/OFAC-SDN:306', headers: asWriter });
  return JSON.stringify(response.json());
};

beforeAll(async () => {
  service = await testService({ withImports: true });
  // Given the full 2019 set imported the way the CLI does it (`import ofac-csv sdn.csv add.csv alt.csv sdn_comments.csv`).
  await importFiles({ ledger: service.ledger, projector: service.projector }, 'ofac-csv', OFAC_2019, { publishedOn: '2019-01-04' });
}, 120_000);
afterAll(() => service.close());

describe('POST /imports/ofac-csv with the whole set', () => {
  it('the same full set as multipart appends nothing and OFAC-SDN:306 keeps its alias', async () => {
    const before = await eventCount();
    expect(await aliasesOf306()).toContain('NATIONAL BANK OF CUBA');
    const response = await postSet('/imports/ofac-csv?publishedOn=2019-01-04', OFAC_2019);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ list: 'OFAC-SDN', appendedEvents: 0, entries: { added: 0, amended: 0, delisted: 0 } });
    expect(response.json().files.map((f: { name: string }) => f.name)).toEqual(['sdn.csv', 'add.csv', 'alt.csv', 'sdn_comments.csv']);
    expect(await eventCount()).toBe(before);
    expect(await aliasesOf306()).toContain('NATIONAL BANK OF CUBA');
  }, 120_000);

  it('sdn.csv alone (raw body) is refused with 422 naming the missing companions, and appends nothing', async () => {
    const before = await eventCount();
    const response = await postRaw('/imports/ofac-csv?publishedOn=2019-01-04', readFileSync(OFAC_2019[0]!));
    expect(response.statusCode, response.body).toBe(422);
    expect(response.json()).toMatchObject({ error: 'missing-companion-files', missingFiles: ['add.csv', 'alt.csv', 'sdn_comments.csv'] });
    expect(response.json().message).toMatch(/lacks add\.csv, alt\.csv, sdn_comments\.csv/);
    expect(await eventCount()).toBe(before);
    expect(await aliasesOf306()).toContain('NATIONAL BANK OF CUBA');
  }, 60_000);

  it('a set lacking one companion (multipart without alt.csv) is refused naming alt.csv', async () => {
    const before = await eventCount();
    const response = await postSet('/imports/ofac-csv?publishedOn=2019-01-04', OFAC_2019.filter((p) => !p.endsWith('alt.csv')));
    expect(response.statusCode).toBe(422);
    expect(response.json().missingFiles).toEqual(['alt.csv']);
    expect(await eventCount()).toBe(before);
  }, 60_000);
});

describe('query parameters of the import route', () => {
  it('an unknown parameter (dryrun=true) is a 400 naming it, and nothing is appended', async () => {
    const before = await eventCount();
    const response = await postSet('/imports/ofac-csv?publishedOn=2019-01-04&dryrun=true', OFAC_2019);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid-parameter', parameter: 'dryrun' });
    expect(await eventCount()).toBe(before);
  });

  it('a repeated single-valued parameter is a 400 naming it', async () => {
    const response = await postSet('/imports/ofac-csv?publishedOn=2019-01-04&dryRun=true&dryRun=false', OFAC_2019);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid-parameter', parameter: 'dryRun' });
  });

  it('a bad publishedOn is a 400 naming publishedOn, not "line 0"', async () => {
    const response = await postSet('/imports/ofac-csv?publishedOn=2019-02-30', OFAC_2019);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid-parameter', parameter: 'publishedOn' });
    expect(response.json().message).not.toMatch(/line 0/);
  });
});

describe('compressed uploads', () => {
  const un = readFileSync(data('un/un_consolidated_2017-06-30.xml'));

  it('Content-Encoding: gzip is refused with 415 "compressed content is not supported"', async () => {
    const response = await postRaw('/imports/un-xml', gzipSync(un), { 'content-type': 'application/xml', 'content-encoding': 'gzip' });
    expect(response.statusCode).toBe(415);
    expect(response.json().message).toMatch(/^compressed content is not supported; send the XML/);
  });

  it('gzip bytes sent as octet-stream are refused the same way', async () => {
    const before = await eventCount();
    const response = await postRaw('/imports/un-xml', gzipSync(un), { 'content-type': 'application/octet-stream' });
    expect(response.statusCode).toBe(415);
    expect(response.json().message).toMatch(/^compressed content is not supported/);
    expect(await eventCount()).toBe(before);
  });
});
