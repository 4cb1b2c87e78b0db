/**
 * Change notifications through a REAL Kafka broker (start it with `bash scripts/kafka.sh start`):
 *
 *   node bin/run-ts.mjs bench/kafka-latency.ts [--rate 1000] [--seconds 10] [--events 100000] [--batch-sizes 100,500,2000]
 *     [--partitions 6] [--only latency|throughput]
 *
 * 1. Latency: commands appended through `ledger.execute` at a steady rate; for each event, the time from the
 *    append's commit to its arrival at a kafkajs consumer (p50, p99, max), with the publisher in-process
 *    (woken at once by the store) and as its own process (`sanctions-ledger publish`, which sees another
 *    process's appends by polling SQLite every 25 ms).
 * 2. Throughput: a log of N events already written; the publisher process starts from an empty checkpoint and
 *    the topic's end offsets are polled until all N are acknowledged; once per batch size.
 *
 * Timings depend on the machine (here: 2 cores shared by the appender, publisher, consumer and broker), which
 * is why they live here and never in tests.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Kafka, type Admin } from 'kafkajs';
import { Ledger } from '../src/ledger';
import { CheckpointStore } from '../src/notifications/checkpoint-store';
import { KafkaPublisher, kafkaLogLevelFromEnv } from '../src/notifications/kafka-publisher';
import type { EventToAppend } from '../src/store/event-store';
import { SqliteEventStore } from '../src/store/sqlite/sqlite-event-store';
import { kafkaBrokers, PROJECT_ROOT } from '../test/kafka/broker';
import { generatedCommand, GENERATOR_METADATA } from '../test/notifications/generated-events';

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '10' },
    events: { type: 'string', default: '100000' },
    'batch-sizes': { type: 'string', default: '100,500,2000' },
    partitions: { type: 'string', default: '6' },
    only: { type: 'string', default: 'all' },
  },
});
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const EVENTS = Number(args.events);
const BATCH_SIZES = args['batch-sizes']!.split(',').map(Number);
const PARTITIONS = Number(args.partitions);
const ONLY = args.only!;
if (!['all', 'latency', 'throughput'].includes(ONLY)) throw new Error('--only must be all, latency or throughput');
const DEFAULT_BATCH = 500;

const found = await kafkaBrokers();
if (!('brokers' in found)) {
  console.error(`no Kafka broker: ${found.skip}`);
  process.exit(1);
}
const brokers = found.brokers;
const kafka = new Kafka({ clientId: 'bench-kafka-latency', brokers, logLevel: kafkaLogLevelFromEnv() });
const admin = kafka.admin();
await admin.connect();
const dir = mkdtempSync(join(tmpdir(), 'bench-kafka-'));
const topics: string[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

function spawnPublisher(dbPath: string, topic: string, batchSize: number) {
  const child = spawn(
    'node',
    ['bin/sanctions-ledger.mjs', 'publish', '--db', dbPath, '--checkpoint-db', join(dir, `${topic}.db`), '--brokers', brokers.join(','),
      '--topic', topic, '--partitions', String(PARTITIONS), '--batch-size', String(batchSize)],
    { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    /** CPU time (user + system, all threads) the process used so far, in ms; undefined where /proc is missing. */
    cpuMs(): number | undefined {
      try {
        const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in clock ticks of 10 ms (USER_HZ 100)
      } catch {
        return undefined;
      }
    },
    async stop() {
      child.kill('SIGTERM');
      const code = await exited;
      if (code !== 0) throw new Error(`publisher exited with ${code}:\n${stderr}`);
    },
  };
}

/**
 * The consumer runs in its own process, as a real one would: a kafkajs consumer sharing the appender's event
 * loop measured that loop's queueing (about 40 ms p50 here), not Kafka. It prints "ce_id epoch-ms" lines;
 * both sides use Date.now(), the one clock processes on a machine share (1 ms resolution).
 */
const CONSUMER_SCRIPT = `
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
const kafka = new Kafka({ clientId: 'bench-consumer', brokers: process.env.BENCH_BROKERS.split(','), logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({ groupId: 'bench-' + randomUUID(), maxWaitTimeInMs: 100 });
await consumer.connect();
await consumer.subscribe({ topics: [process.env.BENCH_TOPIC], fromBeginning: true });
consumer.on(consumer.events.GROUP_JOIN, () => process.stdout.write('JOINED\\n'));
let lines = '';
await consumer.run({ eachMessage: async ({ message }) => { lines += message.headers.ce_id + ' ' + Date.now() + '\\n'; } });
setInterval(() => { if (lines) { process.stdout.write(lines); lines = ''; } }, 20);
`;

async function arrivalRecorder(topic: string) {
  const child = spawn('node', ['--input-type=module', '-e', CONSUMER_SCRIPT], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, BENCH_BROKERS: brokers.join(','), BENCH_TOPIC: topic },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const arrivals = new Map<string, number>();
  let rest = '';
  const joined = new Promise<void>((resolve) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop()!;
      for (const line of lines) {
        if (line === 'JOINED') resolve();
        else arrivals.set(line.slice(0, line.indexOf(' ')), Number(line.slice(line.indexOf(' ') + 1)));
      }
    });
  });
  await joined;
  return { arrivals, stop: async () => void child.kill('SIGTERM') };
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

async function createTopic(a: Admin, topic: string) {
  topics.push(topic);
  await a.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }], waitForLeaders: true });
}

interface LatencyRow {
  mode: string;
  events: number;
  achievedRate: number;
  p50: number;
  p99: number;
  max: number;
}

/** Appends at RATE for SECONDS through ledger.execute and measures commit -> consumer arrival. */
async function latency(mode: 'in-process' | 'process'): Promise<LatencyRow> {
  const topic = `bench-latency-${mode}-${randomUUID()}`;
  const dbPath = join(dir, `${topic}-ledger.db`);
  const ledger = Ledger.over(SqliteEventStore.open(dbPath));
  await createTopic(admin, topic);
  const recorder = await arrivalRecorder(topic);
  const checkpoints = CheckpointStore.open(join(dir, `${topic}.db`));
  const publisher =
    mode === 'in-process'
      ? new KafkaPublisher(ledger.store, { brokers, topic, partitions: PARTITIONS, checkpoints, batchSize: DEFAULT_BATCH, log: () => {} })
      : undefined;
  const child = mode === 'process' ? spawnPublisher(dbPath, topic, DEFAULT_BATCH) : undefined;
  await publisher?.start();

  const committed = new Map<string, number>();
  let n = 0;
  const append = async () => {
    const result = await ledger.execute(generatedCommand(n, 1000, 'bench'), { ...GENERATOR_METADATA, commandId: `bench:${n}` });
    const at = Date.now();
    n += 1;
    if (result._tag === 'Left') throw new Error(JSON.stringify(result.left));
    for (const e of result.right.events) committed.set(e.envelope.eventId, at);
  };
  // Warm-up: connections, producer id, group assignment, JIT.
  for (let i = 0; i < 200; i++) await append();
  await waitFor(() => recorder.arrivals.size >= 200, 60_000, 'the warm-up events');
  committed.clear();

  const total = RATE * SECONDS;
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    await append();
  }
  const elapsed = (performance.now() - start) / 1000;
  await waitFor(() => [...committed.keys()].every((id) => recorder.arrivals.has(id)), 60_000, 'every measured event');

  const latencies = [...committed].map(([id, at]) => recorder.arrivals.get(id)! - at).sort((a, b) => a - b);
  await publisher?.stop();
  await child?.stop();
  await recorder.stop();
  checkpoints.close();
  await ledger.close();
  return { mode, events: total, achievedRate: total / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies[latencies.length - 1]! };
}

/** Writes `count` valid events straight into the store: 10 per subject (a designation and 9 amendments). */
async function writeLog(dbPath: string, count: number): Promise<void> {
  const store = SqliteEventStore.open(dbPath);
  const envelope = () => {
    const id = randomUUID();
    return { eventId: id, schemaVersion: 1, ...GENERATOR_METADATA, commandId: id, correlationId: id, causationId: id } as EventToAppend['envelope'];
  };
  for (let s = 0; s * 10 < count; s++) {
    const ref = { subjectId: `tp-${s}`, designationId: `EU:RUS@2024-12-16`, authority: 'EU', regime: 'EU:RUS' };
    const events: EventToAppend[] = [
      {
        type: 'SubjectDesignated',
        data: { ...ref, kind: 'entity', identity: { names: [{ name: `Throughput Subject ${s}`, quality: 'primary' }] }, measures: ['asset-freeze'], legalBasis: ['GEN-EU-RUS'], effectiveFrom: '2024-12-16' },
        envelope: envelope(),
      },
      ...Array.from({ length: Math.min(9, count - s * 10 - 1) }, (_, k) => ({
        type: 'DesignationAmended',
        data: { ...ref, effectiveFrom: '2024-12-20', changes: { reasons: `amendment ${k + 1}` } },
        envelope: envelope(),
      })),
    ];
    await store.appendToStream(`subject-tp-${s}`, events);
  }
  await store.close();
}

interface ThroughputRow {
  batchSize: number;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  /** Publisher process CPU (all threads) per event in µs over the same span. */
  cpuPerEvent: number | undefined;
}

async function throughput(dbPath: string, batchSize: number): Promise<ThroughputRow> {
  const topic = `bench-throughput-${batchSize}-${randomUUID()}`;
  await createTopic(admin, topic);
  const published = async () => (await admin.fetchTopicOffsets(topic)).reduce((sum, o) => sum + Number(o.high), 0);
  const child = spawnPublisher(dbPath, topic, batchSize);
  // Measured from the first acknowledged message, so that process start-up (tsx, connecting) is left out.
  let first: { at: number; count: number; cpuMs: number | undefined } | undefined;
  let last = 0;
  const deadline = Date.now() + 600_000;
  while (last < EVENTS) {
    if (Date.now() > deadline) throw new Error(`throughput run stuck at ${last} events`);
    last = await published();
    if (first === undefined && last > 0) first = { at: performance.now(), count: last, cpuMs: child.cpuMs() };
    await sleep(20);
  }
  const seconds = (performance.now() - first!.at) / 1000;
  const cpuMs = child.cpuMs();
  await child.stop();
  const measured = EVENTS - first!.count;
  const cpuPerEvent = cpuMs === undefined || first!.cpuMs === undefined ? undefined : ((cpuMs - first!.cpuMs) * 1000) / measured;
  return { batchSize, events: EVENTS, seconds, eventsPerSecond: measured / seconds, cpuPerEvent };
}

try {
  console.log(`Kafka ${brokers.join(',')} (${found.source}); ${cpus().length} CPU cores; topic partitions ${PARTITIONS}`);
  console.log(
    `publisher settings: batch ${DEFAULT_BATCH} events (a batch is sent when full or when the subscription caught up, ` +
      'no linger; the next batch is read and mapped while one is in flight), acks -1, idempotent producer, ' +
      '1 request in flight, no compression, DefaultPartitioner (murmur2); batches of 100+ events are encoded and sent by ' +
      "kafkajs in the publisher's worker thread, smaller ones from its own thread\n",
  );

  if (ONLY !== 'throughput') {
    const rows = [await latency('in-process'), await latency('process')];
    console.log(`latency, append commit -> consumer, ${RATE} events/s for ${SECONDS} s (after 200 warm-up events):`);
    console.table(
      rows.map((r) => ({
        publisher: r.mode,
        events: r.events,
        'rate (events/s)': Math.round(r.achievedRate),
        'p50 (ms)': r.p50.toFixed(1),
        'p99 (ms)': r.p99.toFixed(1),
        'max (ms)': r.max.toFixed(1),
      })),
    );
  }

  if (ONLY !== 'latency') {
    const logPath = join(dir, 'throughput-ledger.db');
    const t0 = performance.now();
    await writeLog(logPath, EVENTS);
    console.log(`\nthroughput: ${EVENTS} events written in ${((performance.now() - t0) / 1000).toFixed(1)} s; publisher process from an empty checkpoint:`);
    const results: ThroughputRow[] = [];
    for (const batchSize of BATCH_SIZES) results.push(await throughput(logPath, batchSize));
    console.table(
      results.map((r) => ({
        'batch size': r.batchSize,
        events: r.events,
        'seconds': r.seconds.toFixed(1),
        'events/s': Math.round(r.eventsPerSecond),
        'publisher cpu (µs/event)': r.cpuPerEvent === undefined ? '-' : r.cpuPerEvent.toFixed(0),
      })),
    );
  }
} finally {
  await admin.deleteTopics({ topics, timeout: 30_000 }).catch(() => {});
  await admin.disconnect();
  rmSync(dir, { recursive: true, force: true });
}
