/**
 * Runs against a REAL Kafka broker (see ./broker.ts for where it comes from): topic creation, keyed
 * produce with headers and acks=-1, consumption by a consumer group, and — for the scripts/kafka.sh
 * broker — a broker restart that must keep topics, messages and committed offsets.
 *
 * Without a broker the tests skip with the reason; with CI=true a missing broker is a failure.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { Kafka, Partitioners, logLevel, type Admin, type Consumer, type IHeaders, type Producer } from 'kafkajs';
import { kafkaForTests, restartBroker } from './broker';

const { broker, skipReason } = await kafkaForTests();

// kafkajs logs retriable errors (e.g. "The coordinator is loading" on a fresh broker) at ERROR level although
// it retries them; keep the output quiet unless KAFKAJS_LOG_LEVEL=DEBUG|INFO|WARN|ERROR asks for it.
const KAFKAJS_LOG_LEVEL = logLevel[(process.env.KAFKAJS_LOG_LEVEL ?? 'NOTHING').toUpperCase() as keyof typeof logLevel] ?? logLevel.NOTHING;

const MESSAGES = 100;
const KEYS = 7;
const PARTITIONS = 3;

interface Received {
  key: string;
  seq: number;
  perKeySeq: number;
  partition: number;
  offset: string;
  headers: Record<string, string>;
  value: { key: string; seq: number; perKeySeq: number };
}

function headerText(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    out[name] = (Array.isArray(value) ? value.map(String).join(',') : value.toString());
  }
  return out;
}

/** Consumes `topic` from the beginning with a new group until `count` messages arrived. */
async function consumeAll(kafka: Kafka, topic: string, groupId: string, count: number, timeoutMs = 60_000): Promise<Received[]> {
  const consumer: Consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  const received: Received[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let done!: () => void;
    const allArrived = new Promise<void>((r) => (done = r));
    await consumer.run({
      autoCommit: true,
      eachMessage: async ({ partition, message }) => {
        const value = JSON.parse(message.value!.toString()) as Received['value'];
        received.push({
          key: message.key!.toString(),
          seq: value.seq,
          perKeySeq: value.perKeySeq,
          partition,
          offset: message.offset,
          headers: headerText(message.headers),
          value,
        });
        if (received.length >= count) done();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      allArrived,
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`only ${received.length} of ${count} messages arrived within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    // Let the auto-commit of the last batch happen before leaving the group.
    await consumer.commitOffsets([]).catch(() => {});
  } finally {
    await consumer.disconnect();
  }
  return received;
}

function checkMessages(received: Received[]): void {
  expect(received).toHaveLength(MESSAGES);
  const seqs = received.map((m) => m.seq).sort((a, b) => a - b);
  expect(seqs).toEqual(Array.from({ length: MESSAGES }, (_, i) => i));

  const byKey = new Map<string, Received[]>();
  for (const m of received) {
    expect(m.key).toBe(m.value.key);
    expect(m.headers).toMatchObject({ seq: String(m.seq), 'content-type': 'application/json', source: 'broker.test' });
    byKey.set(m.key, [...(byKey.get(m.key) ?? []), m]);
  }
  expect(byKey.size).toBe(KEYS);
  for (const [key, messages] of byKey) {
    // One key, one partition, in the order produced (both counters strictly increasing).
    expect(new Set(messages.map((m) => m.partition)).size, `partitions of ${key}`).toBe(1);
    expect(messages.map((m) => m.perKeySeq), `per-key order of ${key}`).toEqual(messages.map((_, i) => i));
    const offsets = messages.map((m) => BigInt(m.offset));
    for (let i = 1; i < offsets.length; i++) expect(offsets[i]! > offsets[i - 1]!).toBe(true);
  }
}

async function partitionEnds(admin: Admin, topic: string): Promise<Map<number, string>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map((o) => [o.partition, o.high]));
}

/** Runs `request` again (up to 30 s) while it fails with an error kafkajs marks retriable. */
async function whenSettled<T>(request: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      if ((error as { retriable?: boolean }).retriable !== true || attempt >= 60) throw error;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

function total(ends: Map<number, string>): number {
  return [...ends.values()].reduce((sum, high) => sum + Number(high), 0);
}

describe.skipIf(skipReason !== undefined)('real Kafka broker', () => {
  const { brokers, source } = 'brokers' in broker ? broker : { brokers: [], source: undefined };
  const kafka = new Kafka({ clientId: 'broker-test', brokers, logLevel: KAFKAJS_LOG_LEVEL });
  const topic = `broker-test-${randomUUID()}`;
  const firstGroup = `broker-test-group-${randomUUID()}`;
  const admin = kafka.admin();
  let producer: Producer | undefined;
  let produced = false;
  let endsBefore: Map<number, string> | undefined;

  afterAll(async () => {
    await producer?.disconnect().catch(() => {});
    try {
      await admin.connect();
      await admin.deleteTopics({ topics: [topic], timeout: 10_000 });
    } catch {
      // best effort: the broker may be gone after a failed restart test
    }
    await admin.disconnect().catch(() => {});
  });

  it(`creates a ${PARTITIONS}-partition topic, produces ${MESSAGES} keyed messages with headers (acks -1) and consumes them all in per-key order`, async () => {
    console.info(`[kafka tests] brokers ${brokers.join(',')} (source: ${source})`);
    await admin.connect();
    const created = await admin.createTopics({
      topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    expect(created).toBe(true);
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(topics[0]!.partitions).toHaveLength(PARTITIONS);

    // Idempotent producer: kafkajs then requires acks -1 and one request in flight, so sends keep order.
    // DefaultPartitioner = the Java client's murmur2 mapping (and silences kafkajs' v2 partitioner warning).
    producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    const perKey = new Map<string, number>();
    for (let batch = 0; batch < MESSAGES / 10; batch++) {
      const messages = Array.from({ length: 10 }, (_, j) => {
        const seq = batch * 10 + j;
        const key = `key-${seq % KEYS}`;
        const perKeySeq = perKey.get(key) ?? 0;
        perKey.set(key, perKeySeq + 1);
        return {
          key,
          value: JSON.stringify({ key, seq, perKeySeq }),
          headers: { seq: String(seq), 'content-type': 'application/json', source: 'broker.test' },
        };
      });
      const metadata = await producer.send({ topic, acks: -1, messages });
      expect(metadata.every((m) => m.errorCode === 0)).toBe(true);
    }
    produced = true;

    endsBefore = await partitionEnds(admin, topic);
    expect(total(endsBefore)).toBe(MESSAGES);

    const received = await consumeAll(kafka, topic, firstGroup, MESSAGES);
    checkMessages(received);
    // Several of the 3 partitions are used (the key -> partition mapping is deterministic: murmur2).
    expect(new Set(received.map((m) => m.partition)).size).toBeGreaterThan(1);
  }, 120_000);

  it.skipIf(source !== 'local-script')(
    'keeps the topic, its messages and the committed offsets across a broker restart (scripts/kafka.sh restart)',
    async () => {
      expect(produced, 'the first test must have produced the messages').toBe(true);
      // The producer stays connected across the outage on purpose: it must reconnect by itself.
      await admin.disconnect();

      const t0 = Date.now();
      await restartBroker(); // returns once every partition has a leader again
      console.info(`[kafka tests] broker restarted in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

      await admin.connect();
      expect(await admin.listTopics()).toContain(topic);
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(topics[0]!.partitions).toHaveLength(PARTITIONS);
      expect(topics[0]!.partitions.every((p) => p.leader >= 0)).toBe(true);
      expect(await whenSettled(() => partitionEnds(admin, topic))).toEqual(endsBefore);

      // The first group's committed offsets survived (stored in __consumer_offsets). Right after the restart the
      // broker may still be loading that topic or electing its leaders, and answers with retriable errors
      // (GROUP_LOAD_IN_PROGRESS, NOT_COORDINATOR, NOT_LEADER_OR_FOLLOWER) meanwhile: ask again until it knows.
      const [committed] = await whenSettled(() => admin.fetchOffsets({ groupId: firstGroup, topics: [topic] }));
      expect(committed!.partitions.reduce((sum, p) => sum + Number(p.offset), 0)).toBe(MESSAGES);

      // Every message is still there, in the same per-key order.
      checkMessages(await consumeAll(kafka, topic, `broker-test-after-restart-${randomUUID()}`, MESSAGES));

      // The producer connected before the restart sends again after it.
      const [meta] = await producer!.send({
        topic,
        acks: -1,
        messages: [{ key: 'after-restart', value: 'x', headers: { seq: 'after' } }],
      });
      expect(meta!.errorCode).toBe(0);
      expect(total(await partitionEnds(admin, topic))).toBe(MESSAGES + 1);
    },
    240_000,
  );
});
