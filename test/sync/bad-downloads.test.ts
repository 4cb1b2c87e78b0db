/**
 * Every bad download a publisher or the network can produce appends nothing and leaves one clear line in the
 * source's status; the next good file is imported as usual. A real HTTP server on 127.0.0.1 serves the real UN
 * files as the publisher would over time (2017-06-20, then 2017-06-30).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger';
import { Projector } from '../../src/projector/projector';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { checkSource, decodeSources, SyncStateStore, type Source, type SyncDeps } from '../../src/sync';
import { data } from '../importers/fixtures';
import { LocalPublisher, type Fault } from './publisher';

const UN_0620 = data('un/un_consolidated_2017-06-20.xml');
const UN_0630 = data('un/un_consolidated_2017-06-30.xml');

describe('bad downloads of the UN list', () => {
  const publisher = new LocalPublisher();
  const store = SqliteEventStore.open(':memory:');
  const projector = Projector.open(store, ':memory:');
  const state = SyncStateStore.open(':memory:');
  const archived: string[] = [];
  let source: Source;
  let deps: SyncDeps;
  const eventCount = () => (store.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;

  beforeAll(async () => {
    await publisher.start();
    source = decodeSources({ sources: [{ name: 'un', format: 'un-xml', list: 'UN', urls: [`${publisher.url}/un.xml`], interval: '1s', staleAfter: '1h' }] })[0]!;
    deps = {
      ctx: { ledger: Ledger.over(store), projector },
      state,
      // Records what it was given and answers with the file's real digest, as the archive does (the importer checks it).
      archive: { putFile: async (path) => (archived.push(readFileSync(path).toString('utf8', 0, 200)), { sha256: createHash('sha256').update(readFileSync(path)).digest('hex') }) },
      limits: { maxBytes: 8 * 1024 * 1024, connectTimeoutMs: 2000, readTimeoutMs: 400, maxRedirects: 3 },
      retry: { attempts: 2, baseMs: 5, maxMs: 20 },
    };
    publisher.publish('/un.xml', UN_0620, new Date('2017-06-20T12:00:00Z'));
    const first = await checkSource(source, deps);
    expect(first).toMatchObject({ outcome: 'imported', eventsAppended: 1025 });
  }, 60_000);

  afterAll(async () => {
    await publisher.close();
    await projector.close();
    await store.close();
    state.close();
  });

  it('a file that led to events is archived', () => {
    expect(archived).toHaveLength(1);
    expect(archived[0]).toContain('CONSOLIDATED_LIST');
  });

  it('the same file again: a 304, then (without validators) an unchanged sha256; nothing imported', async () => {
    const before = publisher.requests.length;
    expect(await checkSource(source, deps)).toMatchObject({ outcome: 'not-modified', eventsAppended: 0 });
    expect(publisher.requests.at(-1)).toEqual({ path: '/un.xml', conditional: true });
    // The server forgets its validators (a new CDN node): the bytes are the same, so no import.
    publisher.publish('/un.xml', UN_0620, new Date('2017-06-21T12:00:00Z'), '"another-node"');
    expect(await checkSource(source, deps)).toMatchObject({ outcome: 'unchanged', eventsAppended: 0 });
    expect(publisher.requests.length).toBe(before + 2);
    expect(eventCount()).toBe(1025);
    expect(state.get('un').lastError).toBeUndefined();
  });

  const cases: [string, Fault | 'unparseable', RegExp][] = [
    ['HTTP 404', { kind: 'status', status: 404 }, /^HTTP 404: http:\/\/127\.0\.0\.1:\d+\/un\.xml$/],
    ['HTTP 500', { kind: 'status', status: 500 }, /^HTTP 500: /],
    ['HTTP 503 with Retry-After', { kind: 'status', status: 503, retryAfter: '0' }, /^HTTP 503: /],
    ['a timeout (headers, then silence)', { kind: 'hang' }, /^read timeout \(no data for 400 ms\)/],
    ['a connection reset mid-body', { kind: 'reset-mid-body' }, /^connection reset before the body was complete/],
    ['a truncated body', { kind: 'truncated' }, /^(truncated body|connection reset before the body was complete)/],
    ['an HTML error page with status 200', { kind: 'html' }, /^an HTML page where XML was expected/],
    ['a body over the limit', { kind: 'endless' }, /^body over the limit of 8388608 bytes/],
    ['a redirect loop', { kind: 'redirect', to: '/un.xml' }, /^redirect loop: /],
    ['a file that fails to parse', 'unparseable', /^the file does not parse: /],
  ];

  for (const [what, fault, message] of cases) {
    it(`${what}: nothing appended, the status says so`, async () => {
      if (fault === 'unparseable') publisher.publish('/un.xml', readFileSync(UN_0630).subarray(0, 50_000));
      else publisher.fault('/un.xml', fault);
      try {
        const result = await checkSource(source, deps);
        expect(result.outcome).toBe('failed');
        expect(result.message).toMatch(message);
        expect(result.message).not.toContain('\n');
        expect(eventCount()).toBe(1025);
        const st = state.get('un');
        expect(st).toMatchObject({ lastOutcome: 'failed', lastError: result.message, publishedOn: '2017-06-20', eventsAppended: 1025 });
      } finally {
        publisher.fault('/un.xml', undefined);
        publisher.publish('/un.xml', UN_0620);
      }
    }, 20_000);
  }

  it('a redirect chain longer than the bound is refused, naming the bound', async () => {
    for (let i = 0; i < 5; i++) publisher.fault(`/hop${i}`, { kind: 'redirect', to: `/hop${i + 1}` });
    const [hops] = decodeSources({ sources: [{ ...source, urls: [`${publisher.url}/hop0`], interval: '1s', staleAfter: '1h' }] });
    const result = await checkSource(hops!, deps);
    expect(result).toMatchObject({ outcome: 'failed', message: expect.stringMatching(/^more than 3 redirects from /) });
  });

  it('the next file is imported; then an older file than the last imported is refused, and the status says so', async () => {
    publisher.publish('/un.xml', UN_0630, new Date('2017-06-30T12:00:00Z'));
    expect(await checkSource(source, deps)).toMatchObject({ outcome: 'imported', eventsAppended: 2 });
    expect(state.get('un')).toMatchObject({ publishedOn: '2017-06-30', eventsAppended: 1027, lastOutcome: 'imported' });
    publisher.publish('/un.xml', UN_0620, new Date('2017-07-01T12:00:00Z'));
    const older = await checkSource(source, deps);
    expect(older).toMatchObject({ outcome: 'refused', eventsAppended: 0 });
    expect(older.message).toMatch(/already holds the list published 2017-06-30, later than this file's 2017-06-20/);
    expect(eventCount()).toBe(1027);
    expect(state.get('un')).toMatchObject({ lastOutcome: 'refused', publishedOn: '2017-06-30' });
  }, 30_000);

  it('the events of a sync carry the URL, the retrieval instant and the sha256 of the file', async () => {
    const events = await store.readAll({ maxCount: 2000 });
    const last = events.at(-1)!;
    expect(last.envelope.source).toMatchObject({ url: `${publisher.url}/un.xml`, retrievedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), sha256: state.get('un').sha256 });
  });
});
