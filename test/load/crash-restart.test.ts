/**
 * Crashes (issue "Proof under load"): the service is killed with SIGKILL at random points, during a large
 * import (recorded in one transaction: whole or not at all) and during a stream of commands, LEDGER_CRASH_ROUNDS
 * times each (default 10 + 10).
 *
 * Each import round starts from an empty ledger of its own, so every kill hits a real import, at a point drawn
 * from its own tenth of an uninterrupted import's duration (receiving the upload, parsing, planning, checking,
 * appending, projecting). After every restart the store verifies, every command is fully in or fully absent,
 * re-running the import converges to the state of an uninterrupted import, and the projector and (where a Kafka
 * broker is available) the in-process publisher resume without a gap: the served state equals the uninterrupted
 * import's, and the round's topic, deduplicated by ce_id, equals its log. The command-stream kills share one
 * ledger, whose read models at the end equal a rebuild and whose topic equals its log.
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
import { dedupe, expectExactlyOnceInKeyOrder, quietKafka, startConsumer, type Consumed } from '../kafka/notifications-support';
import { startService, type RunningService } from '../support/service-process';

const ROUNDS = Number(process.env.LEDGER_CRASH_ROUNDS ?? 10);
const TOKEN = 'crash-test-writer-token-0123456789';
const OFAC_2019 = resolve(__dirname, '../../../shared/data/lists/ofac/2019-01_watchman/sdn.csv');
const PUBLISHED_ON = '2019-01-04';
/** The service seeds the worked example (9 events) into an empty ledger; the file adds one event per entry and programme. */
const SEEDED = 9;
const IMPORTED = 8314;
/** ...and, in the same transaction, the ListFileImported that records the file itself. */
const IMPORT_EVENTS = IMPORTED + 1;
const broker = await kafkaBrokers();
const brokers = 'brokers' in broker ? broker.brokers : undefined;
if (brokers === undefined) console.warn(`[crash test] publisher part skipped: ${'skip' in broker ? broker.skip : ''}`);

const dir = mkdtempSync(join(tmpdir(), 'ledger-crash-'));
const children: ChildProcessWithoutNullStreams[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const runId = randomUUID();

/** The files, topic and environment of one ledger served by the real service. */
function ledgerNamed(name: string, { kafka = brokers !== undefined } = {}) {
  const file = join(dir, `${name}.db`);
  const views = join(dir, `${name}-views.db`);
  const topic = `crash-${name}-${runId}`;
  const env = {
    LEDGER_DB_PATH: file,
    LEDGER_VIEWS_PATH: views,
    LEDGER_PUBLISHER_DB: join(dir, `${name}-publisher.db`),
    LEDGER_HTTP_PORT: '0',
    LEDGER_TOKENS: `ops:writer:${TOKEN}`,
    LEDGER_LOG_LEVEL: 'warn',
    LEDGER_STORE: 'sqlite',
    LEDGER_ESDB_URL: '',
    ...(kafka && brokers !== undefined ? { LEDGER_PUBLISH_KAFKA: 'true', KAFKA_BROKERS: brokers.join(','), LEDGER_KAFKA_TOPIC: topic, LEDGER_KAFKA_PARTITIONS: '3' } : { LEDGER_PUBLISH_KAFKA: 'false' }),
  };
  return { file, views, topic, env };
}
type NamedLedger = ReturnType<typeof ledgerNamed>;

const headers = { authorization: `Bearer ${TOKEN}` };

interface StateBody {
  total: number;
  designations: Array<Record<string, unknown>>;
}

const upload = (url: string) =>
  fetch(`${url}/imports/ofac-csv?publishedOn=${PUBLISHED_ON}&fileName=sdn.csv`, { method: 'POST', headers: { ...headers, 'content-type': 'text/csv' }, body: readFileSync(OFAC_2019) });

/** The US state asOf the file's date, without recording times (which differ between ledgers). */
async function servedState(url: string) {
  const state = (await (await fetch(`${url}/state?asOf=${PUBLISHED_ON}&authority=US`, { headers })).json()) as StateBody;
  return { total: state.total, designations: state.designations.map(({ recordedAt: _r, ...rest }) => rest) };
}

/** Reads the SQLite file directly: every command's events are one contiguous append (one transaction). */
function checkCommandsAtomic(file: string): number {
  const db = new Database(file, { readonly: true });
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

/** Opens the store file, runs `use` on it, closes it. */
async function withStore<T>(file: string, use: (store: SqliteEventStore) => Promise<T>): Promise<T> {
  const store = SqliteEventStore.open(file);
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}
const readLog = (file: string) => withStore(file, (store) => store.readAll({ maxCount: 1_000_000 }));
const verifyFile = (file: string) => withStore(file, verifyLedger);

async function killAt(service: RunningService, ms: number) {
  await sleep(ms);
  service.child.kill('SIGKILL');
  await service.exited;
}

async function stopGracefully(service: RunningService) {
  service.child.kill('SIGTERM');
  expect((await service.exited).code).toBe(0);
}

type Consumer = Awaited<ReturnType<typeof startConsumer>>;
const onTopic = (messages: readonly Consumed[], topic: string) => messages.filter((m) => m.topic === topic);

/** Waits until the topic holds every event of the ledger's log, then checks it is the log exactly once, in key order. */
async function expectTopicEqualsLog(consumer: Consumer | undefined, ledger: NamedLedger) {
  if (consumer === undefined) return;
  const log = await readLog(ledger.file);
  await consumer.until((messages) => dedupe(onTopic(messages, ledger.topic)).length >= log.length, 120_000, `every event of ${ledger.topic}`);
  expectExactlyOnceInKeyOrder(onTopic(consumer.received, ledger.topic), log);
}

/** One consumer group for every topic of the test (one join instead of one per round); topics made up front. */
async function consumeTopics(ledgers: readonly NamedLedger[]): Promise<Consumer | undefined> {
  if (brokers === undefined) return undefined;
  const admin = quietKafka(brokers).admin();
  await admin.connect();
  await admin.createTopics({ topics: ledgers.map((l) => ({ topic: l.topic, numPartitions: 3, replicationFactor: 1 })), waitForLeaders: true });
  await admin.disconnect();
  return startConsumer(quietKafka(brokers), ledgers.map((l) => l.topic));
}

describe('SIGKILL of the service, then restart', () => {
  it(`${ROUNDS} kills during an import and ${ROUNDS} during a command stream lose nothing and converge`, async () => {
    let kills = 0;
    // 0. The file imported once, uninterrupted, into a fresh ledger: the state every crashed import must converge
    //    to, and the duration the kill points are drawn over.
    const reference = await startService(ledgerNamed('reference', { kafka: false }).env, ['start'], children);
    const started = performance.now();
    const uninterrupted = await upload(reference.url);
    const importMs = performance.now() - started;
    expect(uninterrupted.status, await uninterrupted.clone().text()).toBe(200);
    const expected = await servedState(reference.url);
    expect(expected.total).toBe(IMPORTED);
    await stopGracefully(reference);

    const importLedgers = Array.from({ length: ROUNDS }, (_, round) => ledgerNamed(`import-${round}`));
    const main = ledgerNamed('commands');
    const consumer = await consumeTopics([...importLedgers, main]);
    try {
      // 1. Kills during the OFAC 2019 import (7,379 entries), round r at a random point of the r-th tenth of it.
      const killedAt: string[] = [];
      for (const [round, ledger] of importLedgers.entries()) {
        const service = await startService(ledger.env, ['start'], children);
        void upload(service.url).catch(() => undefined);
        const killMs = (importMs * (round + Math.random())) / ROUNDS;
        await killAt(service, killMs);
        kills++;
        const verified = await verifyFile(ledger.file);
        expect(verified.ok, JSON.stringify(verified)).toBe(true);
        // One transaction: the file is recorded whole or not at all.
        const count = checkCommandsAtomic(ledger.file);
        expect([SEEDED, SEEDED + IMPORT_EVENTS], `round ${round}`).toContain(count);
        killedAt.push(`${Math.round(killMs)} ms ${count === SEEDED ? 'before' : 'after'} the commit`);

        // Restart and re-run the import: it completes or finds nothing to do, and the state is the uninterrupted one.
        const restarted = await startService(ledger.env, ['start'], children);
        const rerun = await upload(restarted.url);
        expect(rerun.status, await rerun.clone().text()).toBe(200);
        const { entries } = (await rerun.json()) as { entries: unknown };
        expect(entries).toMatchObject(count === SEEDED ? { added: 7379, unchanged: 0 } : { added: 0, amended: 0, delisted: 0, unchanged: 7379 });
        expect(await servedState(restarted.url)).toEqual(expected);
        await expectTopicEqualsLog(consumer, ledger);
        await stopGracefully(restarted);
        expect(checkCommandsAtomic(ledger.file)).toBe(SEEDED + IMPORT_EVENTS);
      }
      const afterCommit = killedAt.filter((k) => k.endsWith('after the commit')).length;

      // 2. Kills during a stream of commands on one ledger; acknowledged commands must survive, the rest are in
      //    or out whole.
      const acknowledged = new Set<string>();
      const unanswered = new Map<string, unknown>();
      for (let round = 0; round < ROUNDS; round++) {
        const service = await startService(main.env, ['start'], children);
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
        const verified = await verifyFile(main.file);
        expect(verified.ok, JSON.stringify(verified)).toBe(true);
        checkCommandsAtomic(main.file);
      }

      // 3. Restart, re-send the unanswered commands: everything acknowledged is there, the rest converges.
      const service = await startService(main.env, ['start'], children);
      for (const [commandId, body] of unanswered) {
        const response = await fetch(`${service.url}/commands/DesignateSubject`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
        expect([200, 201, 422], commandId).toContain(response.status);
      }
      const db = new Database(main.file, { readonly: true });
      const stored = new Set((db.prepare('SELECT envelope FROM events').all() as Array<{ envelope: string }>).map((r) => (JSON.parse(r.envelope) as { commandId: string }).commandId));
      db.close();
      for (const commandId of acknowledged) expect(stored.has(commandId), commandId).toBe(true);
      expect((await fetch(`${service.url}/ready`)).status).toBe(200);
      await expectTopicEqualsLog(consumer, main);
      await stopGracefully(service);

      // The projector resumed without a gap: its read models answer exactly as a rebuild from scratch.
      const total = checkCommandsAtomic(main.file);
      const store = SqliteEventStore.open(main.file);
      const resumed = Projector.open(store, main.views);
      const rebuilt = Projector.open(store, join(dir, 'rebuilt-views.db'));
      await rebuilt.rebuild();
      await resumed.catchUp();
      const knownAt = new Date().toISOString();
      for (const asOf of ['2019-01-04', '2025-03-01', '2025-09-01']) {
        expect(await resumed.queries.state({ asOf, knownAt })).toEqual(await rebuilt.queries.state({ asOf, knownAt }));
      }
      await resumed.close();
      await rebuilt.close();
      await store.close();
      console.info(
        `crash test: ${kills} SIGKILLs; import kills (uninterrupted import ${Math.round(importMs)} ms): ${afterCommit} of ${ROUNDS} after the commit (${killedAt.join(', ')}); ` +
          `command stream: ${total} events, ${acknowledged.size} acknowledged commands, ${unanswered.size} unanswered then re-sent${consumer ? '; every topic equals its log' : ''}`,
      );
    } finally {
      await consumer?.stop();
    }
  }, 900_000);
});
