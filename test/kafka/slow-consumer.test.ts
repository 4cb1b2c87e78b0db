/**
 * A slow consumer that crashes and resumes from its last committed offsets while the publisher is restarted
 * mid-stream: after dropping duplicates by ce_id, what it received is exactly the global log, in order per key.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EachMessagePayload } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger';
import { CheckpointStore } from '../../src/notifications/checkpoint-store';
import { KafkaPublisher } from '../../src/notifications/kafka-publisher';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { appendGenerated } from '../notifications/generated-events';
import { kafkaForTests } from './broker';
import { eventually, expectExactlyOnceInKeyOrder, headerText, quietKafka, type Consumed } from './notifications-support';

const { broker, skipReason } = await kafkaForTests();

const EVENTS = 1500;
const dir = mkdtempSync(join(tmpdir(), 'slow-consumer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(skipReason !== undefined)('a slow consumer that crashes, with a publisher restart', () => {
  it('receives the log exactly once after de-duplication', async () => {
    const brokers = (broker as { brokers: string[] }).brokers;
    const topic = `slow-consumer-${randomUUID()}`;
    const groupId = `slow-${randomUUID()}`;
    const ledger = Ledger.over(SqliteEventStore.open(join(dir, 'ledger.db')));
    const checkpoints = CheckpointStore.open(join(dir, 'publisher.db'));
    const publisherFor = () => new KafkaPublisher(ledger.store, { brokers, topic, partitions: 3, checkpoints, batchSize: 100, log: () => undefined });
    const received: Consumed[] = [];

    /** Commits every 50 messages; a "crash" disconnects without committing the rest, which are delivered again. */
    const slowConsumer = async () => {
      const consumer = quietKafka(brokers).consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      let sinceCommit = 0;
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ topic: t, partition, message }: EachMessagePayload) => {
          await new Promise((r) => setTimeout(r, 1)); // slow
          received.push({ topic: t, partition, offset: message.offset, key: message.key!.toString(), headers: headerText(message.headers), value: message.value!.toString(), timestamp: message.timestamp });
          if (++sinceCommit >= 50) {
            sinceCommit = 0;
            await consumer.commitOffsets([{ topic: t, partition, offset: String(Number(message.offset) + 1) }]);
          }
        },
      });
      return consumer;
    };

    let publisher = publisherFor();
    try {
      await appendGenerated(ledger, { count: EVENTS / 2, subjects: 40, prefix: 'slow' });
      await publisher.start();
      await eventually(() => publisher.status().published > 0, 60_000, 'the publisher to create its topic and send');
      const first = await slowConsumer();
      await eventually(() => received.length > EVENTS / 4, 60_000, 'the slow consumer to get going');
      await first.disconnect(); // crash: uncommitted messages will come again
      const beforeCrash = received.length;

      await publisher.stop(); // publisher restarted mid-stream, resuming from its checkpoint
      publisher = publisherFor();
      await appendGenerated(ledger, { from: EVENTS / 2, count: EVENTS / 2, subjects: 40, prefix: 'slow' });
      await publisher.start();

      const second = await slowConsumer();
      await eventually(() => new Set(received.map((m) => m.headers.ce_id)).size >= EVENTS, 120_000, `${EVENTS} distinct ids`);
      await second.disconnect();
      const log = await ledger.store.readAll({ maxCount: 100_000 });
      expect(log).toHaveLength(EVENTS);
      expect(received.length).toBeGreaterThan(EVENTS); // the crash made some messages arrive twice
      expectExactlyOnceInKeyOrder(received, log);
      console.info(`[slow consumer] ${received.length} messages received for ${EVENTS} events (${received.length - EVENTS} duplicates after the crash at ${beforeCrash})`);
    } finally {
      await publisher.stop();
      checkpoints.close();
      await ledger.close();
    }
  }, 240_000);
});
