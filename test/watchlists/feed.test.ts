/**
 * GET /watchlists/{id}/feed through the real HTTP service: pushed from the watchlist store's one notifier (no
 * stream polls), resumable with Last-Event-ID, past-the-head positions refused, caught up in pages, capped per
 * token and in total like /feed, with the routes' roles and 404s. No timings: what arrives, and by which path.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/http/server';
import { Ledger } from '../../src/ledger';
import { Projector } from '../../src/projector/projector';
import { WatchlistFollower, WatchlistStore } from '../../src/watchlists';
import { watchlistCloudEvent } from '../../src/watchlists/notification';
import { PAGE_SIZE } from '../../src/watchlists/watchlist-feed';
import { eventually } from '../kafka/notifications-support';
import { asReader, asWriter, AUTH, designation } from '../http/support';
import { isStream, SseStream } from './sse-stream';
import { watchlistService } from './support';

const HOUR = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), 'watchlist-feed-'));
const dbPath = join(dir, 'watchlists.db');
let service: Awaited<ReturnType<typeof watchlistService>>;
let ledger: Ledger;
let projector: Projector;
let store: WatchlistStore;
let follower: WatchlistFollower;
let app: Awaited<ReturnType<typeof buildServer>>;
let base: string;

beforeAll(async () => {
  // The poll for other processes' commits runs once an hour: within a test, only the in-process notifier can wake a feed.
  service = await watchlistService(dbPath, { store: { crossProcessPollMs: HOUR } });
  ({ ledger, projector, store, follower, app, base } = service);
});
afterAll(() => service.close());

const send = (method: 'POST' | 'DELETE', url: string, payload?: object) => app.inject({ method, url, headers: asWriter, ...(payload === undefined ? {} : { payload }) });
const entries = (ids: readonly string[], name: string) => ({ entries: ids.map((id) => ({ id, name })) });
const seqsOf = (watchlistId: string) => store.notificationsAfter(0, { watchlistId, limit: 10_000 }).map((n) => String(n.seq));
const feed = (path: string, headers: Record<string, string> = asReader) => SseStream.open(`${base}${path}`, headers);
async function stream(path: string, headers: Record<string, string> = asReader): Promise<SseStream> {
  const opened = await feed(path, headers);
  if (!isStream(opened)) throw new Error(`expected a stream, got ${opened.status} ${JSON.stringify(opened.body)}`);
  return opened;
}
/** Waits for `count` feeds to wait on the notifier, turning the loop without a timer of its own. */
async function feedsWaiting(count: number): Promise<void> {
  while (store.notifier.waiting < count) await new Promise((resolve) => setImmediate(resolve));
}

describe('GET /watchlists/{id}/feed', () => {
  it('given a reader following a watchlist, when the follower commits a match of a new designation, then the notification arrives through the notifier', async () => {
    // Given a watchlist and a reader following its feed, waiting on the store's notifier
    expect((await send('POST', '/watchlists', { id: 'crm', ...entries(['b'], 'Ivan Petrov') })).statusCode).toBe(201);
    const reader = await stream('/watchlists/crm/feed');
    await feedsWaiting(1);
    // When a matching designation is appended (the follower screens it and commits the match)
    expect((await app.inject({ method: 'POST', url: '/commands/DesignateSubject', headers: asWriter, payload: designation('petrov', { identity: { names: [{ name: 'Ivan Petrov', quality: 'primary' }] } }) })).statusCode).toBeLessThan(300);
    // Then the notification arrives on the stream
    await reader.until((s) => s.events.length === 1);
    reader.close();
    const [frame] = reader.events;
    expect(frame!.event).toBe('org.sanctions-ledger.WatchlistMatchCreated.v1');
    expect(JSON.parse(frame!.data).data).toMatchObject({ watchlistId: 'crm', entryId: 'b', subjectId: 'petrov', cause: { by: 'event', eventType: 'SubjectDesignated' } });
    // And it was the follower's commit that woke the stream: the shared poll for other processes never ran
    expect(store.notifier.polls).toBe(0);
  });

  it('given notifications of two watchlists, when a client resumes with Last-Event-ID, then it gets exactly this watchlist\'s after it, in order, also past a full page', async () => {
    // Given more than a page of crm notifications (registrations of entries already listed), with another watchlist's between
    expect((await send('POST', '/watchlists', { id: 'other', ...entries(['o'], 'Ivan Petrov') })).statusCode).toBe(201);
    const ids = Array.from({ length: PAGE_SIZE + 50 }, (_, i) => `m${i}`);
    expect((await send('POST', '/watchlists/crm/entries', entries(ids, 'Ivan Petrov'))).json().notifications).toBe(ids.length);
    const seqs = seqsOf('crm');
    expect(seqs).toHaveLength(ids.length + 1);
    // When a client resumes after the first (Last-Event-ID wins over ?after)
    const resumed = await stream(`/watchlists/crm/feed?after=${seqs[5]}`, { ...asReader, 'last-event-id': seqs[0]! });
    await resumed.until((s) => s.events.length === seqs.length - 1);
    resumed.close();
    // Then it gets every later crm notification once, in order, and none of the other watchlist
    expect(resumed.events.map((f) => f.id)).toEqual(seqs.slice(1));
    expect(resumed.events.every((f) => JSON.parse(f.data).watchlistid === 'crm')).toBe(true);
  });

  it('given a Last-Event-ID or ?after past the last notification, when a client resumes, then 400 says where the last one is; the last one itself streams', async () => {
    const head = store.headSeq();
    const byHeader = await feed('/watchlists/crm/feed', { ...asReader, 'last-event-id': String(head + 1) });
    expect(byHeader).toMatchObject({ status: 400, body: { error: 'invalid-parameter', parameter: 'Last-Event-ID', message: `Last-Event-ID "${head + 1}" is past the last watchlist notification: the last notification is ${head}` } });
    const byQuery = await feed(`/watchlists/crm/feed?after=${head + 7}`);
    expect(byQuery).toMatchObject({ status: 400, body: { parameter: 'after', message: expect.stringContaining(`the last notification is ${head}`) } });
    const notANumber = await feed('/watchlists/crm/feed', { ...asReader, 'last-event-id': 'abc' });
    expect(notANumber).toMatchObject({ status: 400, body: { parameter: 'Last-Event-ID', message: expect.stringContaining('notification sequence number') } });
    const unknownParameter = await feed('/watchlists/crm/feed?afterr=1');
    expect(unknownParameter).toMatchObject({ status: 400, body: { parameter: 'afterr' } });
    const atHead = await stream('/watchlists/crm/feed', { ...asReader, 'last-event-id': String(head) });
    atHead.close();
  });

  it('given no token, an unknown watchlist or a bad id, when the feed is asked for, then 401, 404 and 400 with JSON bodies', async () => {
    expect(await feed('/watchlists/crm/feed', {})).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    expect(await feed('/watchlists/nope/feed')).toMatchObject({ status: 404, body: { error: 'not-found', message: 'no watchlist "nope"' } });
    expect(await feed(`/watchlists/${'x'.repeat(201)}/feed`)).toMatchObject({ status: 400, body: { error: 'invalid-watchlist' } });
  });

  it('given a client following a watchlist, when the watchlist is deleted, then it gets the Ended notifications and the stream ends; reconnecting is 404', async () => {
    // Given a client at the head of the other watchlist, which has one match
    const follower = await stream('/watchlists/other/feed', { ...asReader, 'last-event-id': String(store.headSeq()) });
    await feedsWaiting(1);
    // When the watchlist is deleted
    expect((await send('DELETE', '/watchlists/other')).statusCode).toBe(204);
    // Then its match ends on the stream, and the server ends the stream
    await follower.toEnd();
    expect(follower.events.map((f) => JSON.parse(f.data).data)).toMatchObject([{ entryId: 'o', cause: { by: 'watchlist-deleted' } }]);
    expect(await feed('/watchlists/other/feed')).toMatchObject({ status: 404 });
  });
});

describe('GET /watchlists/{id}/feed connection caps', () => {
  let capped: Awaited<ReturnType<typeof buildServer>>;
  let cappedBase: string;
  beforeAll(async () => {
    // Given a service that serves 3 watchlist feeds in total and 2 per token
    capped = await buildServer({ ledger, projector, auth: AUTH, logger: false, watchlists: { store, feed: { limits: { maxConnections: 3, maxConnectionsPerToken: 2 } } } });
    cappedBase = await capped.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => capped.close());

  const open = (headers: Record<string, string>) => SseStream.open(`${cappedBase}/watchlists/crm/feed`, headers);

  it('answers 429 beyond the per-token cap and 503 beyond the total, with Retry-After and the settings named, and frees slots on disconnect', async () => {
    const first = await open(asReader);
    const second = await open(asReader);
    expect([isStream(first), isStream(second)]).toEqual([true, true]);
    // When the same token opens a third
    const third = await open(asReader);
    expect(third).toMatchObject({ status: 429, body: { error: 'too-many-feeds', message: expect.stringContaining('LEDGER_FEED_MAX_CONNECTIONS_PER_TOKEN') } });
    expect(!isStream(third) && third.headers.get('retry-after')).toBe('5');
    // And another token takes the last slot, then one more is refused for the service as a whole
    const writer = await open(asWriter);
    expect(isStream(writer)).toBe(true);
    const full = await open(asWriter);
    expect(full).toMatchObject({ status: 503, body: { error: 'feed-capacity', message: expect.stringContaining('LEDGER_FEED_MAX_CONNECTIONS') } });
    // Then closing a stream frees its slot
    (first as SseStream).close();
    let again: Awaited<ReturnType<typeof open>> | undefined;
    await eventually(async () => {
      again = await open(asReader);
      return isStream(again);
    }, 10_000, 'the slot to be freed');
    for (const s of [second, writer, again]) (s as SseStream).close();
  });
});

describe('the watchlist notifier across processes', () => {
  it('given a feed waiting on one store, when another store on the same file commits a notification, then the shared poll wakes it', async () => {
    // Given a store that looks for other processes' commits, with a waiter, and a second store on the same file
    const watching = WatchlistStore.open(dbPath, { crossProcessPollMs: 5 });
    const other = WatchlistStore.open(dbPath);
    try {
      const before = watching.headSeq();
      const woken = watching.notifier.wait(undefined);
      // When the other store records a notification
      const data = { watchlistId: 'crm', entryId: 'b', subjectId: 'petrov', designationId: 'd', score: null, previousScore: 0.9, match: null, cause: { by: 'entry-removed' as const }, receipt: null };
      other.transaction(() => other.record(watchlistCloudEvent('Ended', data, { id: 'cross-process', time: new Date().toISOString(), source: 'urn:sanctions-ledger' })));
      // Then the waiter wakes by the poll, and reads it
      await woken;
      expect(watching.notifier.polls).toBeGreaterThan(0);
      expect(watching.notificationsAfter(before).map((n) => n.event.id)).toEqual(['cross-process']);
    } finally {
      other.close();
      watching.close();
    }
  });
});
