/**
 * Issue 10 item 9 without timings: the change feed's connection caps (429 per token, 503 in total, slots freed
 * on disconnect) through the real HTTP service; a client that never reads does not hold up the others; and
 * followers wait on ONE shared notifier (one timer for all, observable as Node's active timers), woken by an
 * append in this process and by one in another process (a second store on the same file).
 */
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setMaxListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Ledger } from '../../src/ledger';
import { changeFeed } from '../../src/notifications/feed';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { TOKENS, bearer, testService, type TestService } from '../http/support';
import { eventually } from '../kafka/notifications-support';
import { appendGenerated } from './generated-events';

/** Opens GET /feed; resolves with the response (paused unless read) and a way to close it. */
function openFeed(base: string, token: string, path = '/feed'): Promise<{ status: number; body: string; response: http.IncomingMessage; close(): void }> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${base}${path}`, { headers: bearer(token) }, (response) => {
      const result = { status: response.statusCode ?? 0, body: '', response, close: () => request.destroy() };
      if (result.status === 200) return resolve(result);
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (result.body += chunk));
      response.on('end', () => resolve(result));
    });
    request.on('error', reject);
  });
}

/** Counts the timers created (setTimeout and setInterval calls) while `during` runs. */
async function timersCreatedDuring(during: () => Promise<void>): Promise<number> {
  const timeout = vi.spyOn(globalThis, 'setTimeout');
  const interval = vi.spyOn(globalThis, 'setInterval');
  try {
    await during();
    return timeout.mock.calls.length + interval.mock.calls.length;
  } finally {
    timeout.mockRestore();
    interval.mockRestore();
  }
}

/** Waits without a timer of its own, so that it adds none to the count. */
async function untilWithoutTimers(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
}

describe('GET /feed connection caps (real HTTP service)', () => {
  let service: TestService;
  let base: string;
  const saved = { total: process.env.LEDGER_FEED_MAX_CONNECTIONS, perToken: process.env.LEDGER_FEED_MAX_CONNECTIONS_PER_TOKEN };

  beforeAll(async () => {
    // Given a service that serves 3 feeds in total and 2 per token
    process.env.LEDGER_FEED_MAX_CONNECTIONS = '3';
    process.env.LEDGER_FEED_MAX_CONNECTIONS_PER_TOKEN = '2';
    service = await testService({ seed: true });
    base = await service.app.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await service.close();
    for (const [name, value] of [
      ['LEDGER_FEED_MAX_CONNECTIONS', saved.total],
      ['LEDGER_FEED_MAX_CONNECTIONS_PER_TOKEN', saved.perToken],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('answers 429 beyond the per-token cap and 503 beyond the total, with Retry-After, and frees slots on disconnect', async () => {
    const first = await openFeed(base, TOKENS.reader);
    const second = await openFeed(base, TOKENS.reader);
    expect([first.status, second.status]).toEqual([200, 200]);
    // When the same token opens a third
    const third = await openFeed(base, TOKENS.reader);
    expect(third.status).toBe(429);
    expect(third.response.headers['retry-after']).toBe('5');
    expect(JSON.parse(third.body)).toMatchObject({ error: 'too-many-feeds', message: expect.stringContaining('LEDGER_FEED_MAX_CONNECTIONS_PER_TOKEN') });
    // And another token takes the last slot of the total, then one more is refused with 503
    const writer = await openFeed(base, TOKENS.writer);
    expect(writer.status).toBe(200);
    const full = await openFeed(base, TOKENS.writer);
    expect(full.status).toBe(503);
    expect(full.response.headers['retry-after']).toBe('5');
    expect(JSON.parse(full.body)).toMatchObject({ error: 'feed-capacity', message: expect.stringContaining('LEDGER_FEED_MAX_CONNECTIONS') });
    // Then closing a feed frees its slot
    first.close();
    let again = { status: 0 } as Awaited<ReturnType<typeof openFeed>>;
    await eventually(async () => {
      again = await openFeed(base, TOKENS.reader);
      if (again.status !== 200) return false;
      return true;
    }, 10_000, 'the slot to be freed');
    expect(again.status).toBe(200);
    for (const feed of [second, writer, again]) feed.close();
  });
});

describe('GET /feed followers (real HTTP service)', () => {
  let service: TestService;
  let base: string;

  beforeAll(async () => {
    service = await testService({ seed: true });
    await appendGenerated(service.ledger, { count: 300, subjects: 10, prefix: 'load' });
    base = await service.app.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await service.close();
  });

  it('a client that never reads does not stop another from receiving a new event', async () => {
    // Given a client reading from the start that never reads its socket, and a follower at the head
    const stalled = await openFeed(base, TOKENS.reader);
    stalled.response.pause();
    const log = await service.store.readAll({ maxCount: 10_000 });
    const follower = await openFeed(base, TOKENS.writer, `/feed?after=${log[log.length - 1]!.position}`);
    let received = '';
    follower.response.setEncoding('utf8');
    follower.response.on('data', (chunk: string) => (received += chunk));
    // When an event is appended
    await appendGenerated(service.ledger, { from: 300, count: 1, subjects: 10, prefix: 'load' });
    const [appended] = await service.store.readAll({ after: log[log.length - 1]!.position, maxCount: 1 });
    // Then the follower gets it
    await eventually(() => received.includes(`id: ${appended!.position}\n`), 10_000, 'the follower to receive the new event');
    stalled.close();
    follower.close();
  });
});

describe('followers share one notifier', () => {
  const dir = mkdtempSync(join(tmpdir(), 'feed-notifier-'));
  let ledger: Ledger;
  let store: SqliteEventStore;

  beforeAll(async () => {
    store = SqliteEventStore.open(join(dir, 'ledger.db'), { pollIntervalMs: 20 });
    ledger = Ledger.over(store);
    await appendGenerated(ledger, { count: 20, subjects: 5, prefix: 'n' });
  });

  afterAll(async () => {
    await ledger.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('1,000 idle followers create no timer of their own (one shared poll), and all wake on an append here and on one from another process', async () => {
    const head = (await store.headPosition())!;
    const stop = new AbortController();
    setMaxListeners(0, stop.signal);
    const seen = new Array<number>(1_000).fill(0);
    // Given 1,000 followers waiting at the head
    const followers = seen.map(async (_, i) => {
      for await (const _item of changeFeed(store, { after: head, follow: true, signal: stop.signal })) seen[i]! += 1;
    });
    await eventually(() => store.notifier.waiting === 1_000, 10_000, '1,000 waiting followers');
    // Then, while they wait through 5 polls for other processes' appends, no follower creates a timer of its own
    const polls = store.notifier.polls;
    const created = await timersCreatedDuring(() => untilWithoutTimers(() => store.notifier.polls >= polls + 5));
    expect(created).toBe(0);

    // When this process appends, every follower wakes and reads the event
    await appendGenerated(ledger, { from: 20, count: 1, subjects: 5, prefix: 'n' });
    await eventually(() => seen.every((n) => n === 1), 10_000, 'every follower to see the in-process append');
    // And when another process (another store on the same file) appends, the shared poll wakes them all
    await eventually(() => store.notifier.waiting === 1_000, 10_000, 'the followers to wait again');
    const other = SqliteEventStore.open(join(dir, 'ledger.db'));
    await appendGenerated(Ledger.over(other), { from: 21, count: 1, subjects: 5, prefix: 'n' });
    await other.close();
    await eventually(() => seen.every((n) => n === 2), 10_000, 'every follower to see the other process append');

    stop.abort();
    await Promise.all(followers);
    // And with nobody waiting nobody polls
    expect(store.notifier.waiting).toBe(0);
  }, 60_000);
});
