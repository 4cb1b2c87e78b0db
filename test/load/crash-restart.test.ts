/**
 * Crashes (issue "Proof under load"): the service is killed with SIGKILL at random points, during a large
 * import (recorded in one transaction: whole or not at all) and during a stream of commands, LEDGER_CRASH_ROUNDS times each (default 10 + 10). After every restart
 * the store verifies and every command is fully in or fully absent; re-running the import converges to the
 * state of an uninterrupted import; the projector resumes without a gap (its read models equal a rebuild), and,
 * where a Kafka broker is available, so does the in-process publisher (the topic, deduplicated by ce_id, equals
 * the log).
 */
import Database from 'better-sqlite3';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/audit/verify';
import { Projector } from '../../src/projector/projector';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { kafkaBrokers } from '../kafka/broker';
import { dedupe, expectExactlyOnceInKeyOrder, quietKafka, startConsumer } from '../kafka/notifications-support';
import { startService, type RunningService } from '../support/service-process';

const ROUNDS = Number(process.env.LEDGER_CRASH_ROUNDS ?? 10);
const TOKEN = 'crash-test-writer-token-0123456789';
const OFAC_2019 = resolve(__dirname, '../../../shared/data/lists/ofac/2019-01_watchman/sdn.csv');
const PUBLISHED_ON = '2019-01-04';
const broker = await kafkaBrokers();
const brokers = 'brokers' in broker ? broker.brokers : undefined;
if (brokers === undefined) console.warn(`[crash test] publisher part skipped: ${'skip' in broker ? broker.skip : ''}`);

const dir = mkdtempSync(join(tmpdir(), 'ledger-crash-'));
const children: ChildProcessWithoutNullStreams[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const ledgerFile = join(dir, 'ledger.db');
const topic = `crash-${randomUUID()}`;
const env = {
  LEDGER_DB_PATH: ledgerFile,
  LEDGER_VIEWS_PATH: join(dir, 'views.db'),
  LEDGER_PUBLISHER_DB: join(dir, 'publisher.db'),
  LEDGER_HTTP_PORT: '0',
  LEDGER_TOKENS: `ops:writer:${TOKEN}`,
  LEDGER_LOG_LEVEL: 'warn',
  LEDGER_STORE: 'sqlite',
  LEDGER_ESDB_URL: '',
  ...(brokers === undefined ? {} : { LEDGER_PUBLISH_KAFKA: 'true', KAFKA_BROKERS: brokers.join(','), LEDGER_KAFKA_TOPIC: topic, LEDGER_KAFKA_PARTITIONS: '3' }),
};
const headers = { authorization: `Bearer ${TOKEN}` };

interface StateBody {
  total: number;
  designations: Array<Record<string, unknown>>;
}

const upload = (url: string) =>
  fetch(`${url}/imports/ofac-csv?publishedOn=${PUBLISHED_ON}&fileName=sdn.csv`, { method: 'POST', headers: { ...headers, 'content-type': 'text/csv' }, body: readFileSync(OFAC_2019) });

/** Reads the SQLite file directly: every command's events are one contiguous append (one transaction). */
function checkCommandsAtomic(): number {
  const db = new Database(ledgerFile, { readonly: true });
  const rows = db.prepare('SELECT stream_id, revision, recorded_at, envelope FROM events ORDER BY position').all() as Array<{ stream_id: string; revision: number; recorded_at: string; envelope: string }>;
  db.close();
  const byCommand = new Map<string, typeof rows>();
  for (const row of rows) {
    const { commandId } = JSON.parse(row.envelope) as { commandId: string };
    byCommand.set(commandId, [...(byCommand.get(commandId) ?? []), row]);
  }
  for (const [commandId, events] of byCommand) {
    expect(new Set(events.map((e) => e.stream_id)).size, commandId).toBe(1);
    expect(new Set(events.map((e) => e.recorded_at)).size, commandId).toBe(1);
    expect(events.map((e) => e.revision - events[0]!.revision), commandId).toEqual(events.map((_, i) => i));
  }
  return rows.length;
}

async function verifyFile() {
  const store = SqliteEventStore.open(ledgerFile);
  try {
    return await verifyLedger(store);
  } finally {
    await store.close();
  }
}

async function killAt(service: RunningService, ms: number) {
  await sleep(ms);
  service.child.kill('SIGKILL');
  await service.exited;
}

describe('SIGKILL of the service, then restart', () => {
  it(`${ROUNDS} kills during an import and ${ROUNDS} during a command stream lose nothing and converge`, async () => {
    let kills = 0;
    // 1. Kills during the OFAC 2019 import (7,379 entries, one event each, plus the 9 seeded events).
    const countsAfterKills: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const service = await startService(env, ['start'], children);
      void upload(service.url).catch(() => undefined);
      await killAt(service, 50 + Math.random() * 1500);
      kills++;
      expect((await verifyFile()).ok).toBe(true);
      countsAfterKills.push(checkCommandsAtomic());
    }
    // The import is one transaction: after every kill the file is recorded whole (9 seeded events plus one per
    // entry and programme: 8,314) or not at all.
    for (const count of countsAfterKills) expect([9, 9 + 8314], countsAfterKills.join(',')).toContain(count);

    // 2. Kills during a stream of commands; acknowledged commands must survive, the rest are in or out whole.
    const acknowledged = new Set<string>();
    const unanswered = new Map<string, unknown>();
    for (let round = 0; round < ROUNDS; round++) {
      const service = await startService(env, ['start'], children);
      const stream = (async () => {
        for (let i = 0; ; i++) {
          const commandId = `stream-${round}-${i}`;
          const body = { data: { subjectId: `stream-${round}-${i % 7}`, kind: 'entity', regime: 'EU:RUS', identity: { names: [{ name: `Stream Co ${round} ${i % 7}`, quality: 'primary' }] }, measures: ['asset-freeze'], legalBasis: ['EU-RUS-PACKAGE-15'], effectiveFrom: `2025-0${1 + (i % 9)}-01` }, source: { publisher: 'crash test' }, commandId };
          unanswered.set(commandId, body);
          try {
            const response = await fetch(`${service.url}/commands/DesignateSubject`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
            if (response.status === 201 || response.status === 200) acknowledged.add(commandId);
            if (response.status < 500) unanswered.delete(commandId);
          } catch {
            return; // the service died mid-request: this command stays "unanswered"
          }
        }
      })();
      await killAt(service, 300 + Math.random() * 1500);
      kills++;
      await stream;
      expect((await verifyFile()).ok).toBe(true);
      checkCommandsAtomic();
    }

    // 3. Restart, finish the import, re-send the unanswered commands: everything converges.
    const service = await startService(env, ['start'], children);
    const finished = await upload(service.url);
    expect(finished.status, await finished.clone().text()).toBe(200);
    const again = (await (await upload(service.url)).json()) as { entries: unknown };
    expect(again.entries).toMatchObject({ added: 0, amended: 0, delisted: 0, unchanged: 7379 });
    for (const [commandId, body] of unanswered) {
      const response = await fetch(`${service.url}/commands/DesignateSubject`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect([200, 201, 422], commandId).toContain(response.status);
    }
    const db = new Database(ledgerFile, { readonly: true });
    const stored = new Set((db.prepare('SELECT envelope FROM events').all() as Array<{ envelope: string }>).map((r) => (JSON.parse(r.envelope) as { commandId: string }).commandId));
    db.close();
    for (const commandId of acknowledged) expect(stored.has(commandId), commandId).toBe(true);
    const ready = await fetch(`${service.url}/ready`);
    expect(ready.status).toBe(200);
    const served = (await (await fetch(`${service.url}/state?asOf=${PUBLISHED_ON}&authority=US`, { headers })).json()) as StateBody;

    // The same file imported once, uninterrupted, into a fresh ledger gives the same state.
    const reference = await startService({ ...env, LEDGER_DB_PATH: join(dir, 'reference.db'), LEDGER_VIEWS_PATH: join(dir, 'reference-views.db'), LEDGER_PUBLISH_KAFKA: 'false' }, ['start'], children);
    expect((await upload(reference.url)).status).toBe(200);
    const expected = (await (await fetch(`${reference.url}/state?asOf=${PUBLISHED_ON}&authority=US`, { headers })).json()) as StateBody;
    const comparable = (state: StateBody) => state.designations.map(({ recordedAt: _r, ...rest }) => rest);
    expect(served.total).toBe(expected.total);
    expect(comparable(served)).toEqual(comparable(expected));
    reference.child.kill('SIGTERM');
    await reference.exited;

    // The projector resumed without a gap: its read models answer exactly as a rebuild from scratch.
    service.child.kill('SIGTERM');
    expect((await service.exited).code).toBe(0);
    const total = checkCommandsAtomic();
    const store = SqliteEventStore.open(ledgerFile);
    const resumed = Projector.open(store, env.LEDGER_VIEWS_PATH);
    const rebuilt = Projector.open(store, join(dir, 'rebuilt-views.db'));
    await rebuilt.rebuild();
    await resumed.catchUp();
    const knownAt = new Date().toISOString();
    for (const asOf of ['2019-01-04', '2025-03-01', '2025-09-01']) {
      expect(await resumed.queries.state({ asOf, knownAt })).toEqual(await rebuilt.queries.state({ asOf, knownAt }));
    }
    await resumed.close();
    await rebuilt.close();

    // The publisher resumed without a gap: the topic, deduplicated by ce_id, is the log, in order per key.
    if (brokers !== undefined) {
      const log = await store.readAll({ maxCount: 1_000_000 });
      const consumer = await startConsumer(quietKafka(brokers), topic);
      await consumer.until((messages) => dedupe(messages).length >= log.length, 120_000, 'every event on the topic');
      expectExactlyOnceInKeyOrder(await consumer.stop(), log);
    }
    await store.close();
    console.info(`crash test: ${kills} SIGKILLs (event counts after the import kills: ${countsAfterKills.join(', ')}), ${total} events, ${acknowledged.size} acknowledged stream commands, ${unanswered.size} unanswered then re-sent${brokers ? ', Kafka topic equals the log' : ''}`);
  }, 600_000);
});
