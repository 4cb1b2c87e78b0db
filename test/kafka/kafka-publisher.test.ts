/**
 * The Kafka publisher against the REAL broker: every CloudEvent attribute as a binary-mode header, the key,
 * the JSON data, per-key order, topic creation, resuming from its checkpoint, and refusing a foreign checkpoint.
 * Without a broker the tests skip with the reason; with CI=true a missing broker is a failure.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/Either';
import { CloudEvent, Kafka as CloudEventsKafka, type KafkaMessage } from 'cloudevents';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { effectiveDateOf } from '../../src/history';
import { Ledger } from '../../src/ledger';
import { CheckpointStore } from '../../src/notifications/checkpoint-store';
import { KafkaPublisher, type KafkaPublisherOptions } from '../../src/notifications/kafka-publisher';
import type { RecordedEvent } from '../../src/store/event-store';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { appendGenerated } from '../notifications/generated-events';
import { writer } from '../support/metadata';
import { kafkaForTests } from './broker';
import { eventually, expectExactlyOnceInKeyOrder, keyOfRecorded, quietKafka, startConsumer, type Consumed } from './notifications-support';

const { broker, skipReason } = await kafkaForTests();

const SOURCE = 'urn:test:publisher';

/** The expected headers, derived from the recorded event itself (not through the code under test). */
function expectedHeaders(event: RecordedEvent): Record<string, string> {
  const data = event.data as { authority: string; regime?: string; regimes?: string[] };
  const effective = effectiveDateOf(event);
  return {
    'content-type': 'application/json',
    ce_id: event.envelope.eventId,
    ce_source: SOURCE,
    ce_type: `org.sanctions-ledger.${event.type}.v1`,
    ce_specversion: '1.0',
    ce_subject: keyOfRecorded(event),
    ce_time: event.envelope.recordedAt,
    ce_datacontenttype: 'application/json',
    ce_globalposition: event.position,
    ...(effective === undefined ? {} : { ce_effectivedate: effective }),
    ce_authority: data.authority,
    // Resolution amendments/repeals in this log belong to UN:DPRK resolutions (see beforeAll).
    ce_regime: data.regime ?? data.regimes?.join(',') ?? 'UN:DPRK',
    ce_streamrevision: String(event.revision),
    ce_correlationid: event.envelope.correlationId,
    ce_commandid: event.envelope.commandId,
    ce_partitionkey: keyOfRecorded(event),
  };
}

describe.skipIf(skipReason !== undefined)('Kafka publisher (real broker)', () => {
  const brokers = 'brokers' in broker ? broker.brokers : [];
  const kafka = quietKafka(brokers);
  const admin = kafka.admin();
  const topic = `notifications-test-${randomUUID()}`;
  const dir = mkdtempSync(join(tmpdir(), 'publisher-test-'));
  let ledger: Ledger;
  let checkpoints: CheckpointStore;

  const publisher = (options: Partial<KafkaPublisherOptions> = {}) =>
    new KafkaPublisher(ledger.store, {
      brokers,
      topic,
      partitions: 3,
      checkpoints,
      batchSize: 50,
      // Full batches through the send thread, the small ones of the live tail from the publisher's thread.
      threadMinBatch: 25,
      source: SOURCE,
      log: () => {},
      ...options,
    });

  beforeAll(async () => {
    ledger = Ledger.over(SqliteEventStore.open(join(dir, 'ledger.db')));
    checkpoints = CheckpointStore.open(join(dir, 'publisher.db'));
    await ledger.seedWorkedExample();
    await appendGenerated(ledger, { count: 300, subjects: 20, prefix: 'pub' });
    for (const command of [
      { type: 'AmendResolution', data: { resolutionId: 'UNSC-2397', effectiveFrom: '2018-01-01', changes: { title: 'Amended (test)' } } },
      { type: 'RepealResolution', data: { resolutionId: 'UNSC-2397', effectiveFrom: '2025-01-01', reason: 'repealed (test)' } },
    ]) {
      expect(E.isRight(await ledger.execute(command, writer))).toBe(true);
    }
    await admin.connect();
  });

  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic], timeout: 10_000 }).catch(() => {});
    await admin.disconnect().catch(() => {});
    checkpoints?.close();
    await ledger?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the topic and publishes every event with every CloudEvent field, key and data, in per-key order', async () => {
    const log = await ledger.store.readAll({ maxCount: 10_000 });
    const last = log[log.length - 1]!.position;
    const p = publisher();
    await p.start();
    try {
      await eventually(() => p.status().state === 'live' && p.status().checkpoint === last, 60_000, 'the publisher to catch up');
      expect(p.status()).toMatchObject({ published: log.length, lag: { events: 0 }, idempotent: true, batchSize: 50 });
      expect(p.status().batches).toBeGreaterThanOrEqual(Math.ceil(log.length / 50));
    } finally {
      await p.stop();
    }
    expect(p.status().state).toBe('stopped');
    expect(checkpoints.get(`kafka:${topic}`)).toMatchObject({ position: last, logId: log[0]!.envelope.eventId });

    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(topics[0]!.partitions).toHaveLength(3);

    const consumer = await startConsumer(kafka, topic);
    await consumer.until((m) => m.length >= log.length, 60_000, `${log.length} messages`);
    const received = await consumer.stop();
    // A clean run writes each event once.
    expect(received).toHaveLength(log.length);
    expectExactlyOnceInKeyOrder(received, log);

    const byId = new Map<string, Consumed>(received.map((m) => [m.headers.ce_id!, m]));
    for (const event of log) {
      const message = byId.get(event.envelope.eventId)!;
      expect(message.headers, `headers of ${event.type} ${event.streamId}@${event.revision}`).toEqual(expectedHeaders(event));
      expect(message.key).toBe(keyOfRecorded(event));
      expect(message.timestamp).toBe(String(Date.parse(event.envelope.recordedAt)));
      expect(JSON.parse(message.value)).toEqual({
        ...(event.data as object),
        actor: event.envelope.actor,
        source: event.envelope.source,
        hash: event.envelope.hash,
      });
    }

    // The CloudEvents SDK reads a message back into a valid CloudEvent (binary mode).
    const sample = byId.get(log.find((e) => e.type === 'SubjectDesignated')!.envelope.eventId)!;
    const message: KafkaMessage<string> = { headers: sample.headers, key: sample.key, value: sample.value, body: sample.value };
    const parsed = CloudEventsKafka.toEvent(message) as CloudEvent<{
      subjectId: string;
    }>;
    expect(parsed.validate()).toBe(true);
    expect(parsed.data!.subjectId).toBe('ro-kwang-chol');
    expect(parsed.regime).toBe('EU:RUS');
  }, 120_000);

  it('resumes from its checkpoint after a clean stop (no duplicates) and also works without idempotence', async () => {
    const before = await ledger.store.readAll({ maxCount: 10_000 });
    await appendGenerated(ledger, { from: 300, count: 60, subjects: 20, prefix: 'pub' });
    const log = await ledger.store.readAll({ maxCount: 10_000 });
    const p = publisher({ idempotent: false });
    await p.start();
    try {
      await eventually(() => p.status().checkpoint === log[log.length - 1]!.position, 60_000, 'the new events');
      expect(p.status()).toMatchObject({ published: log.length - before.length, idempotent: false });
    } finally {
      await p.stop();
    }
    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets.reduce((sum, o) => sum + Number(o.high), 0)).toBe(log.length);
    const consumer = await startConsumer(kafka, topic);
    await consumer.until((m) => m.length >= log.length, 60_000, `${log.length} messages`);
    expectExactlyOnceInKeyOrder(await consumer.stop(), log);
  }, 120_000);

  it('publishes appends made while it runs (live), then flushes and stops on stop()', async () => {
    const p = publisher();
    await p.start();
    try {
      await eventually(() => p.status().state === 'live', 60_000, 'live');
      await appendGenerated(ledger, { from: 360, count: 25, subjects: 20, prefix: 'pub' });
      const log = await ledger.store.readAll({ maxCount: 10_000 });
      await eventually(() => p.status().checkpoint === log[log.length - 1]!.position, 30_000, 'the live appends');
      expect(p.status().published).toBe(25);
    } finally {
      await p.stop();
    }
  }, 120_000);

  it('replaces a send thread that died (kafkajs in a worker thread): later batches go out through a new one', async () => {
    const lines: string[] = [];
    // Every batch through the send thread.
    const p = publisher({ threadMinBatch: 1, backoff: { initialMs: 50, maxMs: 200 }, log: (line) => lines.push(line) });
    await p.start();
    try {
      await eventually(() => p.status().state === 'live', 60_000, 'live');
      await appendGenerated(ledger, { from: 385, count: 5, subjects: 20, prefix: 'pub' });
      let log = await ledger.store.readAll({ maxCount: 10_000 });
      await eventually(() => p.status().checkpoint === log[log.length - 1]!.position, 30_000, 'the first appends');
      // What an uncaught error or a crash of the worker would do: the thread is gone.
      const thread = (p as unknown as { thread: { worker?: { terminate(): Promise<number> } } }).thread;
      expect(thread.worker).toBeDefined();
      await thread.worker!.terminate();
      await appendGenerated(ledger, { from: 390, count: 20, subjects: 20, prefix: 'pub' });
      log = await ledger.store.readAll({ maxCount: 10_000 });
      await eventually(() => p.status().checkpoint === log[log.length - 1]!.position, 30_000, 'the appends after the thread died');
      expect(p.status().published).toBe(25);
      expect(lines.some((l) => /failed \(attempt 1\)/.test(l)), lines.join('\n')).toBe(true);
      expect(thread.worker).toBeDefined();
    } finally {
      await p.stop();
    }
    const log = await ledger.store.readAll({ maxCount: 10_000 });
    const consumer = await startConsumer(kafka, topic);
    await consumer.until((m) => new Set(m.map((x) => x.headers.ce_id)).size >= log.length, 60_000, `${log.length} distinct ce_ids`);
    expectExactlyOnceInKeyOrder(await consumer.stop(), log);
  }, 120_000);

  it('resends a batch whose checkpoint write failed after the ack: duplicates (dropped by ce_id), never a gap', async () => {
    const log = await ledger.store.readAll({ maxCount: 10_000 });
    const dupTopic = `${topic}-dup`;
    const real = CheckpointStore.open(join(dir, 'dup.db'));
    let saves = 0;
    // The same window as a crash between the broker's ack and the checkpoint write.
    const flaky = {
      get: (name: string) => real.get(name),
      save: (...args: Parameters<CheckpointStore['save']>) => {
        saves += 1;
        if (saves === 3) throw new Error('disk full (test)');
        real.save(...args);
      },
      close: () => real.close(),
    } as unknown as CheckpointStore;
    const p = new KafkaPublisher(ledger.store, {
      brokers,
      topic: dupTopic,
      partitions: 3,
      checkpoints: flaky,
      batchSize: 50,
      backoff: { initialMs: 50, maxMs: 200 },
      source: SOURCE,
      log: () => {},
    });
    await p.start();
    try {
      await eventually(() => p.status().checkpoint === log[log.length - 1]!.position, 60_000, 'the publisher to catch up');
    } finally {
      await p.stop();
      real.close();
    }
    const consumer = await startConsumer(kafka, dupTopic);
    await consumer.until((m) => m.length >= log.length + 50, 60_000, `${log.length + 50} messages`);
    const received = await consumer.stop();
    await admin.deleteTopics({ topics: [dupTopic], timeout: 10_000 }).catch(() => {});
    expect(received).toHaveLength(log.length + 50); // the third batch twice
    expectExactlyOnceInKeyOrder(received, log);
  }, 120_000);

  it('refuses a checkpoint that belongs to another ledger instead of skipping its events', async () => {
    const other = Ledger.over(SqliteEventStore.open(':memory:'));
    await other.seedWorkedExample();
    const p = new KafkaPublisher(other.store, { brokers, topic, checkpoints, log: () => {} });
    await p.start();
    await expect(p.done()).rejects.toThrow(/belongs to another log/);
    expect(p.status().state).toBe('failed');
    await p.stop();
    await other.close();
  }, 60_000);
});
