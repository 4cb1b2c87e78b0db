/**
 * The /watchlists routes through the real HTTP service: roles, bad input (4xx naming the field or line, nothing
 * applied), bulk loads, queries, the SSE feed; and privacy: no watchlist name in the pino log, in the event
 * log, or (after a delete) in the database file's bytes.
 */
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/http/server';
import { Ledger } from '../../src/ledger';
import { Projector } from '../../src/projector/projector';
import { WatchlistFollower, WatchlistStore } from '../../src/watchlists';
import { asReader, asWriter, logCapture } from '../http/support';
import { designation } from '../http/support';
import { watchlistService } from './support';

const SECRET = 'Zebulon Quartermaine';
const dir = mkdtempSync(join(tmpdir(), 'watchlists-http-'));
const dbPath = join(dir, 'watchlists.db');
const log = logCapture();
let service: Awaited<ReturnType<typeof watchlistService>>;
let app: Awaited<ReturnType<typeof buildServer>>;
let ledger: Ledger;
let projector: Projector;
let store: WatchlistStore;
let follower: WatchlistFollower;

beforeAll(async () => {
  service = await watchlistService(dbPath, { logger: { level: 'trace', stream: log.stream } as never });
  ({ app, ledger, projector, store, follower } = service);
});
afterAll(() => service.close());

const inject = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = asWriter) =>
  app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });

/** Reads an SSE feed until `text` arrives, then closes it. */
function feedUntil(path: string, text: string, headers: Record<string, string> = asReader): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const address = app.server.address();
    if (address === null || typeof address === 'string') return reject(new Error('no address'));
    const req = httpRequest({ host: '127.0.0.1', port: address.port, path, headers }, (res) => {
      let seen = '';
      res.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (seen.includes(text)) {
          req.destroy();
          resolve(seen);
        }
      });
    });
    req.on('error', () => undefined);
    req.end();
  });
}

describe('watchlist routes', () => {
  it('given a writer, when a watchlist is created, listed, shown and extended, then each answers', async () => {
    expect((await inject('POST', '/watchlists', { id: 'crm', entries: [{ id: 'a', name: SECRET }] })).statusCode).toBe(201);
    expect((await inject('POST', '/watchlists', { id: 'crm', entries: [] })).statusCode).toBe(409);
    expect((await inject('GET', '/watchlists', undefined, asReader)).json().watchlists).toMatchObject([{ id: 'crm', entries: 1, matches: 0 }]);
    expect((await inject('POST', '/watchlists/crm/entries', { entries: [{ id: 'b', name: 'Ivan Petrov', country: 'RU' }] })).statusCode).toBe(200);
    const shown = (await inject('GET', '/watchlists/crm', undefined, asReader)).json();
    expect(shown.entries.map((e: { id: string }) => e.id)).toEqual(['a', 'b']);
  });

  it('given a reader token, when it tries to change a watchlist, then 403 and nothing changes', async () => {
    for (const [method, url, body] of [['POST', '/watchlists', { id: 'x', entries: [] }], ['PUT', '/watchlists/crm', { entries: [] }], ['DELETE', '/watchlists/crm', undefined], ['POST', '/watchlists/crm/entries', { entries: [] }]] as const) {
      expect((await inject(method, url, body, asReader)).statusCode).toBe(403);
    }
    expect((await inject('GET', '/watchlists/crm', undefined, asReader)).json().entryCount).toBe(2);
  });

  it.each([
    ['duplicate entry ids', { entries: [{ id: 'd', name: 'A B' }, { id: 'd', name: 'C D' }] }, 'entries.1.id'],
    ['an empty name', { entries: [{ id: 'e', name: '  ' }] }, 'entries.0.name'],
    ['an unknown field', { entries: [{ id: 'e', name: 'A B', birthdate: '1970' }] }, 'entries.0.birthdate'],
    ['a bad birth date', { entries: [{ id: 'e', name: 'A B', birthDate: '1970-13' }] }, 'entries.0.birthDate'],
  ])('given %s, when added, then 400 names %s and nothing is added', async (_what, body, path) => {
    const response = await inject('POST', '/watchlists/crm/entries', body);
    expect(response.statusCode).toBe(400);
    expect(response.json().errors.map((e: { path: string }) => e.path)).toContain(path);
    expect((await inject('GET', '/watchlists/crm', undefined, asReader)).json().entryCount).toBe(2);
  });

  it('given an unknown watchlist, when read or changed, then 404', async () => {
    expect((await inject('GET', '/watchlists/nope', undefined, asReader)).statusCode).toBe(404);
    expect((await inject('GET', '/watchlists/nope/matches', undefined, asReader)).statusCode).toBe(404);
    expect((await inject('POST', '/watchlists/nope/entries', { entries: [] })).statusCode).toBe(404);
    expect((await inject('DELETE', '/watchlists/nope')).statusCode).toBe(404);
  });

  it('given an unknown watchlist, when PUT, then 201 says it was created; PUT again, then 200', async () => {
    const first = await inject('PUT', '/watchlists/made-by-put', { entries: [{ id: 'a', name: 'Anna Karenina' }] });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ watchlistId: 'made-by-put', created: true });
    const again = await inject('PUT', '/watchlists/made-by-put', { entries: [] });
    expect(again.statusCode).toBe(200);
    expect(again.json().created).toBe(false);
  });

  it('given a DELETE labelled application/json with no body, when sent, then it is carried out', async () => {
    await inject('POST', '/watchlists', { id: 'labelled', entries: [] });
    const response = await app.inject({ method: 'DELETE', url: '/watchlists/labelled', headers: { ...asWriter, 'content-type': 'application/json' } });
    expect(response.statusCode).toBe(204);
    expect((await inject('GET', '/watchlists/labelled', undefined, asReader)).statusCode).toBe(404);
  });

  it('given an id with a bidirectional override or a zero-width space, (or an id . or .. that a URL cannot hold), when a watchlist or an entry is created, then 400 naming the id and nothing is created', async () => {
    for (const id of ['\u202Eabc', 'ab\u200Bc', '.', '..']) {
      const created = await inject('POST', '/watchlists', { id, entries: [] });
      expect(created.statusCode).toBe(400);
      expect(created.json().errors[0].path).toBe('id');
    }
    await inject('POST', '/watchlists', { id: 'ids', entries: [] });
    const entry = await inject('POST', '/watchlists/ids/entries', { entries: [{ id: 'x\u2066y', name: 'Anna Karenina' }] });
    expect(entry.statusCode).toBe(400);
    expect(entry.json().errors[0].path).toBe('entries.0.id');
    expect((await inject('GET', '/watchlists/ids', undefined, asReader)).json().entryCount).toBe(0);
  });

  it('given a limit written other than in digits, when a watchlist is read, then 400 naming limit', async () => {
    await inject('POST', '/watchlists', { id: 'limits', entries: [] });
    for (const limit of ['1e3', '0x10', '%205']) {
      const response = await inject('GET', `/watchlists/limits?limit=${limit}`, undefined, asReader);
      expect(response.statusCode, limit).toBe(400);
      expect(response.json().errors[0].path).toBe('limit');
    }
    expect((await inject('GET', '/watchlists/limits?limit=10', undefined, asReader)).statusCode).toBe(200);
  });

  it('given a known watchlist and an unknown entry, when its history is read, then 404 names the entry in that watchlist', async () => {
    await inject('POST', '/watchlists', { id: 'histories', entries: [] });
    const response = await inject('GET', '/watchlists/histories/entries/ghost/history', undefined, asReader);
    expect(response.statusCode).toBe(404);
    expect(response.json().message).toBe('no entry "ghost" in watchlist "histories"');
  });

  it('given a compressed bulk body or one of another type, when loaded, then 415 says which and nothing is loaded', async () => {
    const gzip = await app.inject({ method: 'POST', url: '/watchlists/zipped/bulk', headers: { ...asWriter, 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' }, payload: 'xx' });
    expect(gzip.statusCode).toBe(415);
    expect(gzip.json().message).toMatch(/^compressed content is not supported \(content-encoding gzip\)/);
    const xml = await app.inject({ method: 'POST', url: '/watchlists/zipped/bulk', headers: { ...asWriter, 'content-type': 'application/xml' }, payload: '<a/>' });
    expect(xml.statusCode).toBe(415);
    expect(xml.json().message).toBe('POST /watchlists/zipped/bulk does not take content-type application/xml; /openapi.json lists what each route takes');
    expect((await inject('GET', '/watchlists/zipped', undefined, asReader)).statusCode).toBe(404);
  });

  it('given a 50 MB JSON body, when sent, then 413', async () => {
    const big = JSON.stringify({ entries: [{ id: 'x', name: 'y'.repeat(50 * 1024 * 1024) }] });
    const response = await app.inject({ method: 'POST', url: '/watchlists/crm/entries', headers: { ...asWriter, 'content-type': 'application/json' }, payload: big });
    expect(response.statusCode).toBe(413);
  });

  it('given NDJSON with a bad line 3 and a duplicate on line 4, when bulk loaded, then 400 names both lines and nothing is loaded', async () => {
    const body = ['{"id":"n1","name":"Anna Karenina"}', '{"id":"n2","name":"Boris Godunov"}', '{"id":"n3"', '{"id":"n1","name":"Again"}'].join('\n');
    const response = await app.inject({ method: 'POST', url: '/watchlists/bulk/bulk', headers: { ...asWriter, 'content-type': 'application/x-ndjson' }, payload: body });
    expect(response.statusCode).toBe(400);
    expect(response.json().lines.map((l: { line: number }) => l.line)).toEqual([3, 4]);
    expect((await inject('GET', '/watchlists/bulk', undefined, asReader)).statusCode).toBe(404);
  });

  it.each(['text/csv', 'application/x-ndjson'])('given %s saved as Windows-1252 ("José" on line 3), when bulk loaded, then 400 names line 3 and nothing is loaded', async (type) => {
    const text = type === 'text/csv' ? 'id,name\nw1,Anna Karenina\nw2,José Roe\n' : '{"id":"w0","name":"Boris"}\n\n{"id":"w2","name":"José Roe"}\n';
    const response = await app.inject({ method: 'POST', url: '/watchlists/latin/bulk', headers: { ...asWriter, 'content-type': type }, payload: Buffer.from(text, 'latin1') });
    expect(response.statusCode).toBe(400);
    expect(response.json().lines).toEqual([{ line: 3, message: expect.stringMatching(/^line 3: column \d+ is not UTF-8 \(byte 0xe9\)/) }]);
    expect((await inject('GET', '/watchlists/latin', undefined, asReader)).statusCode).toBe(404);
  });

  it('given CSV, when bulk loaded, then every row is an entry', async () => {
    const body = 'id,name,country,identifiers\nc1,"Petrov, Ivan",RU,passport:123456\nc2,Olga Ivanova,,\n';
    const response = await app.inject({ method: 'POST', url: '/watchlists/csv/bulk', headers: { ...asWriter, 'content-type': 'text/csv' }, payload: body });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().created).toBe(true);
    expect(response.json()).toMatchObject({ entries: 2 });
    const entries = (await inject('GET', '/watchlists/csv', undefined, asReader)).json().entries;
    expect(entries[0]).toEqual({ id: 'c1', name: 'Petrov, Ivan', country: 'RU', identifiers: [{ type: 'passport', value: '123456' }] });
    const again = await app.inject({ method: 'POST', url: '/watchlists/csv/bulk', headers: { ...asWriter, 'content-type': 'text/csv' }, payload: 'id,name\nc3,Anna Petrova\n' });
    expect([again.statusCode, again.json().created]).toEqual([200, false]);
  });

  it('given a designation matching an entry, when appended, then the match appears in the queries and on the SSE feed', async () => {
    const received = feedUntil('/watchlists/crm/feed', 'WatchlistMatchCreated');
    const designated = await app.inject({ method: 'POST', url: '/commands/DesignateSubject', headers: asWriter, payload: designation('petrov', { identity: { names: [{ name: 'Ivan Petrov', quality: 'primary' }] } }) });
    expect(designated.statusCode).toBeLessThan(300);
    const text = await received;
    expect(text).toMatch(/^id: \d+$/m);
    const matches = (await inject('GET', '/watchlists/crm/matches', undefined, asReader)).json().matches;
    expect(matches.map((m: { entryId: string; match: { subjectId: string } }) => [m.entryId, m.match.subjectId])).toEqual([['b', 'petrov']]);
    const history = (await inject('GET', '/watchlists/crm/entries/b/history', undefined, asReader)).json().notifications;
    expect(history).toHaveLength(1);
    expect(history[0].data.receipt.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('given an entry with a match, when it is removed, then the feed carries its Ended notification with reason entry-removed and ids only', async () => {
    await inject('POST', '/watchlists/crm/entries', { entries: [{ id: 'gone', name: 'Ivan Petrov' }] });
    const after = store.lastSeq();
    const received = feedUntil(`/watchlists/crm/feed?after=${after}`, 'entry-removed');
    expect((await inject('DELETE', '/watchlists/crm/entries/gone')).statusCode).toBe(204);
    const frame = (await received).split('\n\n').find((f) => f.includes('entry-removed'))!;
    expect(frame).toContain('event: org.sanctions-ledger.WatchlistMatchEnded.v1');
    const event = JSON.parse(frame.split('\n').find((l) => l.startsWith('data: '))!.slice(6));
    expect(event.data).toMatchObject({ entryId: 'gone', subjectId: 'petrov', score: null, match: null, receipt: null, cause: { by: 'entry-removed' } });
    expect((await inject('DELETE', '/watchlists/crm/entries/gone')).statusCode).toBe(404);
  });

  it('given the run so far, then no watchlist name is in the log or in the event log', async () => {
    expect(log.lines.length).toBeGreaterThan(0);
    expect(log.text()).not.toContain(SECRET);
    expect(log.text()).not.toContain('Karenina');
    const events = await ledger.store.readAll({ maxCount: 100_000 });
    expect(events.length).toBeGreaterThan(0);
    expect(JSON.stringify(events)).not.toContain(SECRET);
    expect(JSON.stringify(events)).not.toContain('Olga Ivanova');
  });

  it('given a deleted watchlist, then the database files do not contain its names', async () => {
    expect(readFileSync(dbPath).includes(Buffer.from(SECRET)) || (existsSync(`${dbPath}-wal`) && readFileSync(`${dbPath}-wal`).includes(Buffer.from(SECRET)))).toBe(true);
    expect((await inject('DELETE', '/watchlists/crm')).statusCode).toBe(204);
    const files = [dbPath, `${dbPath}-wal`].filter(existsSync).map((f) => readFileSync(f));
    for (const bytes of files) expect(bytes.includes(Buffer.from(SECRET))).toBe(false);
    expect((await inject('GET', '/watchlists/crm', undefined, asReader)).statusCode).toBe(404);
  });
});
