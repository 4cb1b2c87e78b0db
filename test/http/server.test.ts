/** A real listening server on 127.0.0.1 (fetch, keep-alive, SSE), probes, and the bounded read-your-writes wait. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadSide } from '../../src/http/read-side';
import { buildServer } from '../../src/http/server';
import { closeServer } from '../../src/http/shutdown';
import { Ledger } from '../../src/ledger';
import { Projector } from '../../src/projector/projector';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { asReader, asWriter, AUTH, designation, testService, type TestService } from './support';

describe('a listening server', () => {
  let service: TestService;
  let base: string;
  beforeAll(async () => {
    service = await testService({ seed: true });
    base = await service.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => service.close());

  it('answers queries and commands over real HTTP', async () => {
    const subject = await fetch(`${base}/subjects/ro-kwang-chol?asOf=2024-12-16`, { headers: asReader });
    expect(subject.status).toBe(200);
    expect(subject.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(((await subject.json()) as { designations: unknown[] }).designations.length).toBe(2);

    const written = await fetch(`${base}/commands/DesignateSubject`, {
      method: 'POST',
      headers: { ...asWriter, 'content-type': 'application/json' },
      body: JSON.stringify(designation('over-the-wire')),
    });
    expect(written.status).toBe(201);
    const read = await fetch(`${base}/subjects/over-the-wire?asOf=2024-12-20`, { headers: asReader });
    expect(((await read.json()) as { designations: Array<{ regime: string }> }).designations[0]!.regime).toBe('EU:RUS');
  });

  it('answers 401 with a challenge and JSON over real HTTP', async () => {
    const response = await fetch(`${base}/state`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="sanctions-ledger"');
    expect(await response.json()).toMatchObject({ error: 'unauthorized' });
  });

  it('serves the change feed as Server-Sent Events to readers', async () => {
    const controller = new AbortController();
    const response = await fetch(`${base}/feed`, { headers: asReader, signal: controller.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('event: ')) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    expect(text).toMatch(/id: \d+/);
  });

  it('GET /health and GET /ready', async () => {
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', store: 'sqlite', lag: 0 });
  });
});

describe('readiness and read-your-writes with a lagging read side', () => {
  let store: SqliteEventStore;
  let ledger: Ledger;
  let projector: Projector;
  beforeAll(async () => {
    store = SqliteEventStore.open(':memory:');
    ledger = Ledger.over(store);
    await ledger.seedWorkedExample();
    // Not caught up, not following: the read models are 9 events behind.
    projector = Projector.open(store, ':memory:');
  });
  afterAll(async () => {
    await projector.close();
    await ledger.close();
  });

  it('/ready answers 503 while the read models are more than the allowed lag behind', async () => {
    const app = await buildServer({ ledger, projector, auth: AUTH, readyMaxLag: 3 });
    const response = await app.inject({ url: '/ready' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ status: 'catching-up' });
    await projector.catchUp();
    expect((await app.inject({ url: '/ready' })).statusCode).toBe(200);
    await app.close();
  });

  it('/ready answers 503 when the store does not answer', async () => {
    const broken = Ledger.over(new Proxy(store, {
      get: (target, property) => (property === 'readAll' ? async () => { throw new Error('disk on fire'); } : Reflect.get(target, property)),
    }));
    const app = await buildServer({ ledger: broken, projector, auth: AUTH });
    const response = await app.inject({ url: '/ready' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: 'unavailable', store: 'unreachable' });
    await app.close();
  });

  it('/ready answers 503 while the store reports its live subscription down, and ready once it is back', async () => {
    let down = true;
    const reconnecting = Ledger.over(new Proxy(store, {
      get: (target, property) => (property === 'isSubscriptionDown' ? () => down : Reflect.get(target, property)),
    }));
    await projector.catchUp();
    const app = await buildServer({ ledger: reconnecting, projector, auth: AUTH });
    const response = await app.inject({ url: '/ready' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ status: 'subscription-down' });
    down = false;
    expect((await app.inject({ url: '/ready' })).statusCode).toBe(200);
    await app.close();
  });

  it('a write still answers 201 when the read models do not catch up in time, and says so', async () => {
    const stuck: ReadSide = {
      queries: projector.queries,
      position: () => projector.position(),
      waitFor: async () => {
        throw new Error('timed out');
      },
    };
    const app = await buildServer({ ledger, projector: stuck, auth: AUTH, readYourWritesMs: 10 });
    const response = await app.inject({ method: 'POST', url: '/commands/DesignateSubject', headers: asWriter, payload: designation('slow-read') });
    expect(response.statusCode).toBe(201);
    expect(response.headers['x-read-your-writes']).toBe('pending');
    await app.close();
  });

  it('a fault of the server itself is a 500 with the request id, no message or stack', async () => {
    const failing: ReadSide = {
      ...projectorSide(projector),
      queries: Object.assign(Object.create(projector.queries) as ReadSide['queries'], {
        state: async () => {
          throw new Error('SQLITE_CORRUPT: database disk image is malformed');
        },
      }),
    };
    const app = await buildServer({ ledger, projector: failing, auth: AUTH });
    const response = await app.inject({ url: '/state', headers: asReader });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ error: 'internal', message: expect.any(String), requestId: response.headers['x-request-id'] });
    expect(response.body).not.toMatch(/SQLITE|\.ts:\d+/);
    await app.close();
  });

  it('closeServer waits for an in-flight request, then closes', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: ReadSide = { ...projectorSide(projector), waitFor: () => gate };
    const app = await buildServer({ ledger, projector: slow, auth: AUTH });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const inFlight = fetch(`${base}/commands/DesignateSubject`, {
      method: 'POST',
      headers: { ...asWriter, 'content-type': 'application/json' },
      body: JSON.stringify(designation('in-flight')),
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closed = closeServer(app, 5000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // New connections are refused while the request in flight is allowed to finish.
    await expect(fetch(`${base}/health`)).rejects.toThrow();
    release();
    expect((await inFlight).status).toBe(201);
    await closed;
  });
});

function projectorSide(projector: Projector): ReadSide {
  return { queries: projector.queries, position: () => projector.position(), waitFor: (p, t) => projector.waitFor(p, t) };
}
