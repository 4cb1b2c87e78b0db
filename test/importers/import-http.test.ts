/**
 * The import route as a plugin on a bare Fastify instance (the server that registers it is another module's):
 * raw file bodies, query parameters, the writer check before the body is read, and every error status.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importRoute } from '../../src/importers/http-route';
import { Ledger } from '../../src/ledger';
import { Projector } from '../../src/projector/projector';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { data } from './fixtures';

const store = SqliteEventStore.open(':memory:');
const projector = Projector.open(store, ':memory:');
const spoolDir = mkdtempSync(join(tmpdir(), 'import-route-'));
const eventCount = () => (store.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
let app: FastifyInstance;
let bodiesRead = 0;

/** Stands in for the server's bearer-token check: writers send `Authorization: Bearer writer`. */
async function requireWriter(request: FastifyRequest, reply: FastifyReply) {
  if (request.headers.authorization !== 'Bearer writer') return reply.code(403).send({ error: 'forbidden', message: 'writers only' });
}

beforeAll(async () => {
  app = Fastify();
  app.addHook('preHandler', async () => {
    bodiesRead++;
  });
  await app.register(importRoute, { ledger: Ledger.over(store), projector, requireWriter, bodyLimit: 3 * 1024 * 1024, tmpDir: spoolDir });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await projector.close();
  await store.close();
  rmSync(spoolDir, { recursive: true, force: true });
});

const post = (url: string, body: Buffer | string, contentType = 'application/xml', auth = 'Bearer writer') =>
  app.inject({ method: 'POST', url, payload: body, headers: { 'content-type': contentType, ...(auth ? { authorization: auth } : {}) } });

const un0620 = readFileSync(data('un/un_consolidated_2017-06-20.xml'));
const un0630 = readFileSync(data('un/un_consolidated_2017-06-30.xml'));

describe('POST /imports/{format}', () => {
  it('imports the uploaded file and answers with the summary; a dry run appends nothing', async () => {
    const first = await post('/imports/un-xml?fileName=un_consolidated_2017-06-20.xml', un0620);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ list: 'UN', publishedOn: '2017-06-20', dryRun: false, entries: { added: 1024 }, appendedEvents: 1025, files: [{ name: 'un_consolidated_2017-06-20.xml' }] });
    const [event] = await projector.queries.subjectHistory('UN:QDi.058');
    expect(event!.source).toMatchObject({ fileName: 'un_consolidated_2017-06-20.xml', publisher: 'United Nations Security Council' });

    const dry = await post('/imports/un-xml?dryRun=true', un0630, 'application/octet-stream');
    expect(dry.statusCode).toBe(200);
    expect(dry.json()).toMatchObject({ dryRun: true, appendedEvents: 0, entries: { amended: 1 }, changes: [{ entry: 'QDi.058', status: 'amended' }] });
    expect(eventCount()).toBe(1025); // 1024 designations and the file's ListFileImported; the dry run added none

    const real = await post('/imports/un-xml', un0630);
    expect(real.json()).toMatchObject({ appendedEvents: 2, entries: { amended: 1, unchanged: 1023 } });
    expect(readdirSync(spoolDir)).toEqual([]); // uploads are removed
  }, 60_000);

  it('a CSV upload with its query parameters (OFAC needs publishedOn)', async () => {
    const csv = readFileSync(data('ofac/excerpt_2025-05_watchman-ofactest/sdn.csv'));
    const missing = await post('/imports/ofac-csv', csv, 'text/csv');
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toEqual({ error: 'invalid-list-file', message: 'sdn.csv: OFAC CSV files carry no publication date: give it as publishedOn (CLI --published-on), YYYY-MM-DD', file: 'sdn.csv' }); // no line: the file as a whole
    const ok = await post('/imports/ofac-csv?publishedOn=2025-05-01&retrievedAt=2025-05-01T10:00:00.000Z&sourceUrl=https://example.invalid/sdn.csv', csv, 'text/csv');
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ list: 'OFAC-SDN', publishedOn: '2025-05-01' });
    const [event] = await projector.queries.subjectHistory(`OFAC-SDN:${ok.json().changes[0].entry}`);
    expect(event!.source).toMatchObject({ retrievedAt: '2025-05-01T10:00:00.000Z', url: 'https://example.invalid/sdn.csv' });
  }, 30_000);

  it.each([
    ['retrievedAt=2999-01-01T00:00:00.000Z', 'retrievedAt', /is in the future/],
    ['sourceUrl=javascript:alert(1)', 'sourceUrl', /is not an http or https address/],
    ['sourceUrl=sdn.csv', 'sourceUrl', /is not an http or https address/],
  ])('given the provenance %s, when imported, then 400 names %s and nothing is appended', async (query, parameter, message) => {
    const count = eventCount();
    const response = await post(`/imports/ofac-csv?publishedOn=2025-05-01&${query}`, readFileSync(data('ofac/excerpt_2025-05_watchman-ofactest/sdn.csv')), 'text/csv');
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid-parameter', parameter, message: expect.stringMatching(message) });
    expect(eventCount()).toBe(count);
  });

  it('a bad file is a 400 with the one-line parse error naming file and line, and appends nothing', async () => {
    const count = eventCount();
    const cut = await post('/imports/un-xml?fileName=cut.xml', un0630.subarray(0, 100_000));
    expect(cut.statusCode).toBe(400);
    expect(cut.json()).toMatchObject({ error: 'invalid-list-file', file: 'cut.xml' });
    expect(cut.json().message).toMatch(/^cut\.xml line \d+: /);
    expect(eventCount()).toBe(count);
  });

  it('an older file than the one imported is a 422 and appends nothing', async () => {
    const count = eventCount();
    const old = await post('/imports/un-xml', un0620);
    expect(old.statusCode).toBe(422);
    expect(old.json()).toMatchObject({ error: 'import-refused' });
    expect(old.json().message).toMatch(/already holds the list published 2017-06-30/);
    expect(eventCount()).toBe(count);
  });

  it('refuses non-writers before reading the body', async () => {
    const reads = bodiesRead;
    const response = await post('/imports/un-xml', un0620, 'application/xml', 'Bearer reader');
    expect(response.statusCode).toBe(403);
    expect(bodiesRead).toBe(reads);
  });

  it('bad requests: unknown format, bad parameters, other content types, too large', async () => {
    expect((await post('/imports/pdf', un0620)).statusCode).toBe(404);
    expect((await post('/imports/un-xml?dryRun=maybe', un0620)).json()).toMatchObject({ error: 'invalid-parameter', parameter: 'dryRun' });
    expect((await post('/imports/un-xml?retrievedAt=yesterday', un0620)).json()).toMatchObject({ error: 'invalid-parameter', parameter: 'retrievedAt' });
    expect((await post('/imports/ofac-xml?list=EU', un0620)).json()).toMatchObject({ error: 'invalid-parameter', parameter: 'list' });
    expect((await post('/imports/un-xml?fileName=..', un0620)).json()).toMatchObject({ error: 'invalid-parameter', parameter: 'fileName' });
    expect((await post('/imports/un-xml', '{"a":1}', 'application/json')).statusCode).toBe(415);
    expect((await post('/imports/un-xml', 'x', 'application/pdf')).statusCode).toBe(415);
    const big = Buffer.alloc(3 * 1024 * 1024 + 1, 0x20);
    const tooLarge = await post('/imports/un-xml', big);
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json()).toMatchObject({ error: 'payload-too-large' });
    expect(readdirSync(spoolDir)).toEqual([]);
  });
});
