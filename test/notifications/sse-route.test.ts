/**
 * The SSE plugin on a bare Fastify instance, read by a real HTTP client (fetch) over 127.0.0.1: frames,
 * resuming with Last-Event-ID and ?after, filters and their validation, heartbeats, and stopping on disconnect.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger';
import { sseFeedRoute } from '../../src/notifications/sse-route';
import type { EventStore, SubscribeOptions } from '../../src/store/event-store';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { appendGenerated } from './generated-events';

interface Frame {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

/** Reads SSE frames from a fetch response body until `until` says stop (or the stream ends). */
async function readFrames(response: Response, until: (frames: Frame[]) => boolean, timeoutMs = 10_000): Promise<Frame[]> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const frames: Frame[] = [];
  let buffer = '';
  const deadline = Date.now() + timeoutMs;
  try {
    while (!until(frames)) {
      if (Date.now() > deadline) throw new Error(`timed out with ${frames.length} frames`);
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame: Frame = {};
        for (const line of buffer.slice(0, end).split('\n')) {
          if (line.startsWith(':')) frame.comment = line.slice(1).trim();
          else {
            const colon = line.indexOf(':');
            (frame as Record<string, string>)[line.slice(0, colon)] = line.slice(colon + 1).replace(/^ /, '');
          }
        }
        frames.push(frame);
        buffer = buffer.slice(end + 2);
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return frames;
}

const events = (frames: Frame[]) => frames.filter((f) => f.id !== undefined);

/** Counts live subscriptions, to see the route stop reading the log when the client goes away. */
function countingStore(store: EventStore): EventStore & { open: number } {
  const counting = Object.create(store) as EventStore & { open: number };
  counting.open = 0;
  counting.subscribeToAll = (options?: SubscribeOptions) => {
    const inner = store.subscribeToAll(options);
    return (async function* () {
      counting.open += 1;
      try {
        yield* inner;
      } finally {
        counting.open -= 1;
      }
    })();
  };
  return counting;
}

/** Ends a client's stream and waits until the route has stopped reading the log for it. */
async function disconnect(client: AbortController, openBefore: number): Promise<void> {
  client.abort();
  const deadline = Date.now() + 5_000;
  while (store.open > openBefore && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

let ledger: Ledger;
let store: EventStore & { open: number };
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  ledger = Ledger.over(SqliteEventStore.open(':memory:'));
  await ledger.seedWorkedExample();
  await appendGenerated(ledger, { count: 24, subjects: 8, prefix: 'sse' });
  store = countingStore(ledger.store);
  app = Fastify();
  await app.register(sseFeedRoute, { store, heartbeatMs: 200, source: 'urn:test:sse' });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await app.close();
  await ledger.close();
});

describe('GET /feed (Server-Sent Events)', () => {
  it('sends every event: id = position, event = CloudEvents type, data = the CloudEvent JSON', async () => {
    const response = await fetch(`${base}/feed`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const frames = events(await readFrames(response, (f) => events(f).length >= 33));
    const log = await ledger.store.readAll({ maxCount: 100 });
    expect(frames.map((f) => f.id)).toEqual(log.map((e) => e.position));
    for (const [i, frame] of frames.entries()) {
      const ce = JSON.parse(frame.data!) as { id: string; type: string; source: string; globalposition: string };
      expect(ce.id).toBe(log[i]!.envelope.eventId);
      expect(frame.event).toBe(ce.type);
      expect(ce.type).toBe(`org.sanctions-ledger.${log[i]!.type}.v1`);
      expect(ce.source).toBe('urn:test:sse');
      expect(ce.globalposition).toBe(frame.id);
    }
  });

  it('resumes after Last-Event-ID (which wins over ?after) and after ?after, with no repeat and no gap', async () => {
    const log = await ledger.store.readAll({ maxCount: 100 });
    const lastSeen = log[19]!.position;
    const resumed = await fetch(`${base}/feed?after=${log[2]!.position}`, { headers: { 'Last-Event-ID': lastSeen } });
    const frames = events(await readFrames(resumed, (f) => events(f).length >= log.length - 20));
    expect(frames.map((f) => f.id)).toEqual(log.slice(20).map((e) => e.position));

    const fromAfter = await fetch(`${base}/feed?after=${log[30]!.position}`);
    expect(events(await readFrames(fromAfter, (f) => events(f).length >= 2)).map((f) => f.id)).toEqual(
      log.slice(31).map((e) => e.position),
    );
  });

  it('filters by ?authority=&regime=&type= (repeated or comma-separated) and follows new appends', async () => {
    const response = await fetch(`${base}/feed?type=SubjectDesignated&type=DesignationAmended&regime=UN:DPRK,UK:RUS&authority=UN`);
    const reading = readFrames(response, (f) => events(f).length >= 10);
    // 8 subjects x 3 rounds: UN:DPRK subjects are 1 and 5 (6 events so far); two more rounds add 4 more.
    await appendGenerated(ledger, { from: 24, count: 16, subjects: 8, prefix: 'sse' });
    const frames = events(await reading).map((f) => JSON.parse(f.data!) as { regime: string; authority: string; subject: string });
    expect(frames).toHaveLength(10);
    expect(frames.every((ce) => ce.regime === 'UN:DPRK' && ce.authority === 'UN')).toBe(true);
    expect(new Set(frames.map((ce) => ce.subject))).toEqual(new Set(['sse-1', 'sse-5']));
  });

  it('answers 400 with a clear message for an unknown authority or type, a bad regime or position', async () => {
    for (const [query, message] of [
      ['authority=FR', 'unknown authority "FR": expected one of UN, EU, US, UK'],
      ['type=SubjectListed', 'unknown event type "SubjectListed"'],
      ['regime=RUS', 'invalid regime "RUS"'],
      ['after=abc', 'invalid position "abc"'],
    ] as const) {
      const response = await fetch(`${base}/feed?${query}`);
      expect(response.status, query).toBe(400);
      const body = (await response.json()) as { message: string };
      expect(body.message).toContain(message);
    }
    const badHeader = await fetch(`${base}/feed`, { headers: { 'Last-Event-ID': 'nope' } });
    expect(badHeader.status).toBe(400);
  });

  it('refuses unknown and repeated single-valued parameters with the body every route uses, and keeps repeatable filters', async () => {
    // Given a typo of a filter, a repeated ?after and a repeated filter
    const typo = await fetch(`${base}/feed?regim=EU:RUS`);
    const log = await ledger.store.readAll({ maxCount: 1000 });
    const repeated = await fetch(`${base}/feed?after=${log[0]!.position}&after=${log[1]!.position}`);
    // Then the typo and the repeat are refused, naming the parameter, in { error, parameter, message }
    expect(typo.status).toBe(400);
    const typoBody = (await typo.json()) as Record<string, string>;
    expect(typoBody).toMatchObject({ error: 'invalid-parameter', parameter: 'regim' });
    expect(typoBody.message).toContain('unknown query parameter regim');
    expect(repeated.status).toBe(400);
    expect(await repeated.json()).toMatchObject({ error: 'invalid-parameter', parameter: 'after', message: expect.stringContaining('2 times') });
    // And a bad filter value has the same shape
    const badValue = await fetch(`${base}/feed?authority=FR`);
    expect(await badValue.json()).toMatchObject({ error: 'invalid-parameter', parameter: 'authority' });
    // While repeated filters still work
    const openBefore = store.open;
    const client = new AbortController();
    const filtered = await fetch(`${base}/feed?type=SubjectDesignated&type=DesignationAmended`, { signal: client.signal });
    expect(filtered.status).toBe(200);
    await disconnect(client, openBefore);
  });

  it('refuses a Last-Event-ID or ?after past the head of the log, saying where the head is; the head itself works', async () => {
    // Given the head of the log and a position one past it
    const log = await ledger.store.readAll({ maxCount: 1000 });
    const head = log[log.length - 1]!.position;
    const pastHead = String(Number(head) + 1).padStart(head.length, '0');
    // When a client resumes from past the head
    const byHeader = await fetch(`${base}/feed`, { headers: { 'Last-Event-ID': pastHead } });
    const byQuery = await fetch(`${base}/feed?after=${pastHead}`);
    // Then it is told, with the header or parameter named and the head given
    expect(byHeader.status).toBe(400);
    expect(await byHeader.json()).toMatchObject({
      error: 'invalid-parameter',
      parameter: 'Last-Event-ID',
      message: `Last-Event-ID "${pastHead}" is past the head of the log: the head of the log is ${head}`,
    });
    expect(byQuery.status).toBe(400);
    expect(await byQuery.json()).toMatchObject({ parameter: 'after', message: expect.stringContaining(`the head of the log is ${head}`) });
    // While resuming from the head itself follows the log
    const openBefore = store.open;
    const client = new AbortController();
    const atHead = await fetch(`${base}/feed`, { headers: { 'Last-Event-ID': head }, signal: client.signal });
    expect(atHead.status).toBe(200);
    await disconnect(client, openBefore);
  });

  it('sends heartbeat comments while idle and stops reading the log when the client disconnects', async () => {
    const log = await ledger.store.readAll({ maxCount: 1000 });
    const before = store.open;
    const client = new AbortController();
    const response = await fetch(`${base}/feed?after=${log[log.length - 1]!.position}`, { signal: client.signal });
    const frames = await readFrames(response, (f) => f.filter((x) => x.comment === 'heartbeat').length >= 2);
    expect(events(frames)).toHaveLength(0);
    expect(store.open).toBe(before + 1);
    client.abort();
    const deadline = Date.now() + 5_000;
    while (store.open > before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(store.open).toBe(before);
  });
});
