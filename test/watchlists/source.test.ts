/**
 * One CloudEvents `source` for every watchlist notification: the ledger's LEDGER_CLOUDEVENTS_SOURCE, for the
 * follower's, the registration's and the Ended notifications of a removal or a deleted watchlist alike. Through
 * the real HTTP service wired as `sanctions-ledger start` wires it (openWatchlists, the follower's screener).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/http/server';
import { Ledger } from '../../src/ledger';
import { DEFAULT_CLOUDEVENT_SOURCE } from '../../src/notifications/cloud-event';
import { Projector } from '../../src/projector/projector';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { openWatchlists, watchlistConfig, type WatchlistCloudEvent } from '../../src/watchlists';
import { asWriter, AUTH, designation } from '../http/support';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** The service's watchlist side from `env`, with a listed Ivan Petrov. */
async function serviceWith(env: NodeJS.ProcessEnv) {
  const events = SqliteEventStore.open(':memory:');
  const ledger = Ledger.over(events);
  const projector = Projector.open(events, ':memory:');
  await projector.catchUp();
  projector.start();
  const config = { ...watchlistConfig(env), dbPath: join(mkdtempSync(join(tmpdir(), 'watchlist-source-')), 'watchlists.db') };
  const opened = openWatchlists(events, projector, config, { kafka: false, log: () => {} });
  opened.start(true);
  const app = await buildServer({ ledger, projector, auth: AUTH, logger: false, watchlists: { store: opened.store, screener: opened.follower.registration } });
  closers.push(async () => ledger.close(), async () => projector.close(), async () => opened.close(), async () => app.close());
  const send = (method: 'POST' | 'DELETE', url: string, payload?: object) => app.inject({ method, url, headers: asWriter, ...(payload === undefined ? {} : { payload }) });
  expect((await send('POST', '/commands/DesignateSubject', designation('petrov', { identity: { names: [{ name: 'Ivan Petrov', quality: 'primary' }] } }))).statusCode).toBeLessThan(300);
  await projector.catchUp();
  return { send, opened, ledger };
}

/**
 * Every kind of notification: registration, follower, entry removed, watchlist deleted. Collected after each step:
 * a removal deletes the entry's history, and a deleted watchlist its notifications, but for the Ended ones.
 */
async function everyKind(service: Awaited<ReturnType<typeof serviceWith>>) {
  const { send, opened, ledger } = service;
  const seen = new Map<number, WatchlistCloudEvent>();
  const collect = () => opened.store.notificationsAfter(0).forEach((n) => seen.set(n.seq, n.event));
  expect((await send('POST', '/watchlists', { id: 'crm', entries: [{ id: 'known', name: 'Ivan Petrov' }, { id: 'later', name: 'Olga Smirnova' }] })).statusCode).toBe(201);
  expect((await send('POST', '/commands/DesignateSubject', designation('smirnova', { identity: { names: [{ name: 'Olga Smirnova', quality: 'primary' }] } }))).statusCode).toBeLessThan(300);
  const head = (await ledger.store.readAll({ maxCount: 1000 })).at(-1)!.position;
  while (opened.follower.checkpoint() !== head) await new Promise((resolve) => setTimeout(resolve, 10));
  collect();
  expect((await send('DELETE', '/watchlists/crm/entries/known')).statusCode).toBe(204);
  collect();
  expect((await send('DELETE', '/watchlists/crm')).statusCode).toBe(204);
  collect();
  const events = [...seen.values()];
  const causes = events.map((e) => e.data.cause.by);
  expect([...new Set(causes)].sort()).toEqual(['entry-removed', 'event', 'registration', 'watchlist-deleted']);
  return events.map((e) => e.source);
}

describe('the source of watchlist notifications', () => {
  it('given LEDGER_CLOUDEVENTS_SOURCE, when every kind of notification is recorded, then each carries that source', async () => {
    const service = await serviceWith({ LEDGER_CLOUDEVENTS_SOURCE: 'urn:example:bank-ledger' });
    expect(new Set(await everyKind(service))).toEqual(new Set(['urn:example:bank-ledger']));
  });

  it('given no LEDGER_CLOUDEVENTS_SOURCE, when every kind of notification is recorded, then each carries the ledger\'s default source', async () => {
    const service = await serviceWith({});
    expect(new Set(await everyKind(service))).toEqual(new Set([DEFAULT_CLOUDEVENT_SOURCE]));
  });
});
