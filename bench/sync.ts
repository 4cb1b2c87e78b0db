/**
 * Sync latency and the cost of a check that finds nothing new (README "Benchmarks"):
 *
 *   node bin/run-ts.mjs bench/sync.ts [--changes 20] [--checks 50]
 *
 * 1. Latency: a local publisher (real HTTP on 127.0.0.1) serves the UN list; the scheduler checks it every 1 s,
 *    imports each change into a SQLite ledger, and the Kafka publisher (in-process, as with
 *    LEDGER_PUBLISH_KAFKA=true) sends it to the real broker. For each change: the time from the moment the
 *    publisher serves the changed file to the moment a kafkajs consumer receives the first resulting event.
 *    Changes alternate between two real files (UN 2017-06-20 and 2017-06-30, which differ by one amendment),
 *    with dateGenerated rewritten one day later each time so every file is newer than the last (real content).
 * 2. No news: CPU and wall time per check that ends in a 304, and per check that downloads the same bytes
 *    (a changed ETag, unchanged sha256) and so imports nothing.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { Ledger } from '../src/ledger';
import { CheckpointStore } from '../src/notifications/checkpoint-store';
import { KafkaPublisher } from '../src/notifications/kafka-publisher';
import { Projector } from '../src/projector/projector';
import { SqliteEventStore } from '../src/store/sqlite/sqlite-event-store';
import { checkSource, decodeSources, SyncScheduler, SyncStateStore } from '../src/sync';
import { data } from '../test/importers/fixtures';
import { kafkaBrokers } from '../test/kafka/broker';
import { LocalPublisher } from '../test/sync/publisher';
import { printTable } from './support';

const { values: args } = parseArgs({ options: { changes: { type: 'string', default: '20' }, checks: { type: 'string', default: '50' } } });
const CHANGES = Number(args.changes);
const CHECKS = Number(args.checks);

const found = await kafkaBrokers();
if (!('brokers' in found)) {
  console.error(`no Kafka broker: ${found.skip}`);
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), 'bench-sync-'));
const topic = `bench-sync-${randomUUID().slice(0, 8)}`;
const files = ['2017-06-20', '2017-06-30'].map((d) => readFileSync(data(`un/un_consolidated_${d}.xml`), 'utf8'));
/** The real file, dated `day` (the content is untouched). */
const dated = (i: number, day: Date) => Buffer.from(files[i % 2]!.replace(/dateGenerated="[^"]+"/, `dateGenerated="${day.toISOString().slice(0, 10)}T12:00:00.000-04:00"`));

const publisher = await new LocalPublisher().start();
const store = SqliteEventStore.open(join(dir, 'ledger.db'));
const projector = Projector.open(store, join(dir, 'views.db'));
const checkpoints = CheckpointStore.open(join(dir, 'publisher.db'));
const kafkaPublisher = new KafkaPublisher(store, { brokers: found.brokers, topic, partitions: 1, checkpoints, batchSize: 500, log: () => {} });
const state = SyncStateStore.open(join(dir, 'sync.db'));
const [source] = decodeSources({ sources: [{ name: 'un', format: 'un-xml', list: 'UN', urls: [`${publisher.url}/consolidated.xml`], interval: '1s', staleAfter: '1h' }] });
const deps = { ctx: { ledger: Ledger.over(store), projector }, state };

const kafka = new Kafka({ clientId: 'bench-sync', brokers: found.brokers, logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({ groupId: `bench-sync-${randomUUID()}`, maxWaitTimeInMs: 50 });
const arrivals: number[] = [];
let received = 0;
const importMs: number[] = [];
const scheduler = new SyncScheduler([source!], deps, (r) => {
  if (r.report !== undefined) importMs.push(r.report.timings.totalMs);
});

try {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
  await admin.disconnect();
  await projector.catchUp();
  projector.start();
  await kafkaPublisher.start();
  let day = new Date('2017-07-01T00:00:00Z');
  publisher.publish('/consolidated.xml', dated(0, day));
  scheduler.start();
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async () => {
      received++;
      arrivals.push(performance.now());
    },
  });
  const waitFor = async (count: number, ms: number) => {
    const deadline = performance.now() + ms;
    while (received < count) {
      if (performance.now() > deadline) throw new Error(`timed out: ${received} of ${count} messages`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  await waitFor(1024, 120_000); // the first import: every entry designated
  await new Promise((r) => setTimeout(r, 1500));

  const latencies: number[] = [];
  for (let i = 1; i <= CHANGES; i++) {
    const before = received;
    day = new Date(day.getTime() + 86_400_000);
    // Served at a random phase of the check interval, as a real publication would be.
    await new Promise((r) => setTimeout(r, Math.random() * 1000));
    publisher.publish('/consolidated.xml', dated(i, day));
    const servedAt = performance.now();
    await waitFor(before + 1, 30_000);
    latencies.push(arrivals[before]! - servedAt);
    await new Promise((r) => setTimeout(r, 300)); // the rest of this change's events, if any
  }
  await scheduler.stop();
  const sorted = [...latencies].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  printTable(`served changed UN file -> first event at a Kafka consumer, 1 s check interval, ${CHANGES} changes (load average ${loadavg().map((l) => l.toFixed(2)).join(' ')})`, [
    {
      p50_ms: Math.round(pct(50)),
      p99_ms: Math.round(pct(99)),
      max_ms: Math.round(sorted.at(-1)!),
      // Of which the import itself (parse, plan, check, append, project), median over the changes.
      import_p50_ms: [...importMs.slice(1)].sort((a, b) => a - b)[Math.floor((importMs.length - 1) / 2)] ?? 'n/a',
      goal_p99_ms: 3000,
      met: pct(99) < 3000 ? 'yes' : 'no',
    },
  ]);

  const cost = async (what: string, prepare: (i: number) => void) => {
    const cpu = process.cpuUsage();
    const wall = performance.now();
    for (let i = 0; i < CHECKS; i++) {
      prepare(i);
      const r = await checkSource(source!, deps);
      if (r.outcome !== 'not-modified' && r.outcome !== 'unchanged') throw new Error(`${what}: ${r.outcome} ${r.message}`);
    }
    const used = process.cpuUsage(cpu);
    return { check: what, checks: CHECKS, cpu_ms_per_check: ((used.user + used.system) / 1000 / CHECKS).toFixed(2), wall_ms_per_check: ((performance.now() - wall) / CHECKS).toFixed(2) };
  };
  const last = dated(CHANGES, day);
  publisher.publish('/consolidated.xml', last, new Date(), '"fixed"');
  await checkSource(source!, deps); // align the state with the served bytes and validators
  const rows = [await cost('304 not modified', () => {}), await cost('200, unchanged sha256 (2 MB UN file)', (i) => publisher.publish('/consolidated.xml', last, new Date(), `"etag-${i}"`))];
  printTable(`a check that finds nothing new (load average ${loadavg().map((l) => l.toFixed(2)).join(' ')})`, rows);
} catch (error) {
  console.error(`bench failed: ${(error as Error).stack}`);
  process.exitCode = 1;
} finally {
  await scheduler.stop();
  await consumer.disconnect().catch(() => {});
  await kafkaPublisher.stop().catch(() => {});
  await projector.stop().catch(() => {});
  await projector.close();
  checkpoints.close();
  state.close();
  await store.close();
  await publisher.close();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => {});
  await admin.disconnect();
  rmSync(dir, { recursive: true, force: true });
}
