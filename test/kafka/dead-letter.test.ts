/**
 * Issue 10 item 8 against the REAL broker: an event the topic refuses for good (larger than its
 * max.message.bytes) must not stall the publisher. Given events before and after one too large for the topic,
 * when the publisher runs (full batches through the send thread, the live tail from its own thread), then every
 * other event arrives in per-key order, the dead-letter topic holds exactly one record describing the refused
 * event (without its payload), the status counts 1, and the checkpoint is past the last event.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/Either';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger';
import { CheckpointStore } from '../../src/notifications/checkpoint-store';
import { KafkaPublisher } from '../../src/notifications/kafka-publisher';
import type { RecordedEvent } from '../../src/store/event-store';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { appendGenerated } from '../notifications/generated-events';
import { writer } from '../support/metadata';
import { kafkaForTests } from './broker';
import { eventually, expectExactlyOnceInKeyOrder, quietKafka, startConsumer } from './notifications-support';

const { broker, skipReason } = await kafkaForTests();

/** The topic takes messages up to this size; the generated events are well under it. */
const MAX_MESSAGE_BYTES = 4096;

describe.skipIf(skipReason !== undefined)('Kafka publisher dead-letter policy (real broker)', () => {
  const brokers = 'brokers' in broker ? broker.brokers : [];
  const kafka = quietKafka(brokers, 'dead-letter-test');
  const admin = kafka.admin();
  const topic = `dead-letter-test-${randomUUID()}`;
  const deadLetterTopic = `${topic}.dead-letter`;
  const dir = mkdtempSync(join(tmpdir(), 'dead-letter-test-'));
  let ledger: Ledger;
  let checkpoints: CheckpointStore;
  let tooLarge: RecordedEvent;

  beforeAll(async () => {
    ledger = Ledger.over(SqliteEventStore.open(join(dir, 'ledger.db')));
    checkpoints = CheckpointStore.open(join(dir, 'publisher.db'));
    // Given 60 events, one whose statement of reasons makes its message larger than the topic takes, then 60 more
    await appendGenerated(ledger, { count: 60, subjects: 10, prefix: 'dl' });
    const amended = await ledger.execute(
      { type: 'AmendDesignation', data: { subjectId: 'dl-3', regime: 'UK:RUS', effectiveFrom: '2024-12-21', changes: { reasons: 'r'.repeat(6_000) } } },
      writer,
    );
    expect(E.isRight(amended), JSON.stringify(amended)).toBe(true);
    const log = await ledger.store.readAll({ maxCount: 1_000 });
    tooLarge = log[log.length - 1]!;
    await appendGenerated(ledger, { from: 60, count: 60, subjects: 10, prefix: 'dl' });
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic, numPartitions: 3, configEntries: [{ name: 'max.message.bytes', value: String(MAX_MESSAGE_BYTES) }] }],
      waitForLeaders: true,
    });
  });

  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic, deadLetterTopic], timeout: 10_000 }).catch(() => {});
    await admin.disconnect().catch(() => {});
    checkpoints?.close();
    await ledger?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('dead-letters the one event the topic refuses and publishes all the others in order, without stalling', async () => {
    const log = await ledger.store.readAll({ maxCount: 1_000 });
    const last = log[log.length - 1]!.position;
    const lines: string[] = [];
    // When the publisher runs: batches of 25+ through the send thread, the rest from its own thread
    const publisher = new KafkaPublisher(ledger.store, {
      brokers,
      topic,
      checkpoints,
      batchSize: 40,
      threadMinBatch: 25,
      backoff: { initialMs: 50, maxMs: 200 },
      log: (line) => lines.push(line),
    });
    await publisher.start();
    try {
      await eventually(() => publisher.status().state === 'live' && publisher.status().checkpoint === last, 60_000, 'the publisher to go past the refused event');
    } finally {
      await publisher.stop();
    }

    // Then the status counts one dead letter and every other event as published
    expect(publisher.status()).toMatchObject({
      deadLettered: 1,
      deadLetterTopic,
      published: log.length - 1,
      lastDeadLetter: { eventId: tooLarge.envelope.eventId, position: tooLarge.position },
    });
    expect(checkpoints.get(`kafka:${topic}`)?.position).toBe(last);
    // And the log says so at error level, naming the event
    expect(lines.filter((l) => l.startsWith('ERROR:') && l.includes(tooLarge.envelope.eventId))).toHaveLength(1);

    // And the topic has every other event, in per-key order; the dead-letter topic exactly one small record
    const consumer = await startConsumer(kafka, [topic, deadLetterTopic]);
    await consumer.until((m) => m.filter((x) => x.topic === topic).length >= log.length - 1 && m.some((x) => x.topic === deadLetterTopic), 60_000, 'the topics');
    const received = await consumer.stop();
    const others = log.filter((e) => e.position !== tooLarge.position);
    expectExactlyOnceInKeyOrder(received.filter((m) => m.topic === topic), others);
    const letters = received.filter((m) => m.topic === deadLetterTopic);
    expect(letters).toHaveLength(1);
    const letter = JSON.parse(letters[0]!.value) as Record<string, unknown>;
    expect(letter).toMatchObject({
      eventId: tooLarge.envelope.eventId,
      position: tooLarge.position,
      type: 'DesignationAmended',
      streamId: tooLarge.streamId,
      subject: 'dl-3',
      topic,
      error: expect.stringContaining('larger than the max message size'),
    });
    expect(letter.bytes as number).toBeGreaterThan(MAX_MESSAGE_BYTES);
    // Not the payload itself: the record is small.
    expect(letters[0]!.value.length).toBeLessThan(1_000);
  }, 120_000);
});
