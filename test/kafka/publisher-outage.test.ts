/**
 * The broker is stopped (scripts/kafka.sh stop) and started again while events are appended and the publisher
 * runs: the publisher retries with backoff, reports its lag, and once Kafka is back nothing is lost and each
 * key is in log order. Needs the scripts/kafka.sh broker (the only one the tests can stop); skipped otherwise.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger';
import { CheckpointStore } from '../../src/notifications/checkpoint-store';
import { KafkaPublisher, type PublisherStatus } from '../../src/notifications/kafka-publisher';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { appendGenerated } from '../notifications/generated-events';
import { kafkaForTests, startBroker, stopBroker, unreachable } from './broker';
import { eventually, expectExactlyOnceInKeyOrder, quietKafka, startConsumer } from './notifications-support';

const { broker, skipReason } = await kafkaForTests();
const localBroker = 'source' in broker && broker.source === 'local-script';

const SUBJECTS = 50;

describe.skipIf(!localBroker)('publisher across a broker outage (scripts/kafka.sh broker)', () => {
  const brokers = 'brokers' in broker ? broker.brokers : [];
  const topic = `publisher-outage-${randomUUID()}`;
  const dir = mkdtempSync(join(tmpdir(), 'publisher-outage-'));
  let brokerStopped = false;

  afterAll(async () => {
    // Never leave the shared broker down for the next test file.
    if (brokerStopped) await startBroker();
    const admin = quietKafka(brokers).admin();
    await admin.connect().catch(() => {});
    await admin.deleteTopics({ topics: [topic], timeout: 10_000 }).catch(() => {});
    await admin.disconnect().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }, 180_000);

  it('loses nothing and keeps per-key order while the broker is stopped and restarted', async () => {
    const ledger = Ledger.over(SqliteEventStore.open(join(dir, 'ledger.db')));
    const checkpoints = CheckpointStore.open(join(dir, 'publisher.db'));
    const lines: string[] = [];
    const publisher = new KafkaPublisher(ledger.store, {
      brokers,
      topic,
      partitions: 3,
      checkpoints,
      batchSize: 100,
      backoff: { initialMs: 200, maxMs: 2_000 },
      lagIntervalMs: 250,
      log: (line) => lines.push(line),
    });
    const states = new Set<PublisherStatus['state']>();
    const watcher = setInterval(() => states.add(publisher.status().state), 20);
    try {
      await appendGenerated(ledger, { count: 500, subjects: SUBJECTS, prefix: 'outage' });
      await publisher.start();
      await eventually(() => publisher.status().state === 'live' && publisher.status().published === 500, 60_000, 'first 500');

      // Appends go on during the whole outage, at a modest pace.
      const stopAppending = new AbortController();
      let next = 500;
      const appending = (async () => {
        while (!stopAppending.signal.aborted) {
          await appendGenerated(ledger, { from: next, count: 20, subjects: SUBJECTS, prefix: 'outage' });
          next += 20;
          await new Promise((r) => setTimeout(r, 50));
        }
      })();

      brokerStopped = true;
      await stopBroker();
      expect(await unreachable(brokers, 2_000)).toBeDefined();
      // The publisher notices, retries with backoff and reports a growing lag.
      await eventually(() => publisher.status().state === 'retrying', 60_000, 'the publisher to retry');
      await eventually(() => (publisher.status().lag?.events ?? 0) > 100, 60_000, 'a lag of over 100 events');
      const during = publisher.status();
      expect(during.retry).toMatchObject({ attempt: expect.any(Number), error: expect.any(String) });

      await startBroker();
      brokerStopped = false;
      stopAppending.abort();
      await appending;
      const log = await ledger.store.readAll({ maxCount: 100_000 });
      await eventually(
        () => publisher.status().state === 'live' && publisher.status().checkpoint === log[log.length - 1]!.position,
        120_000,
        'the publisher to catch up after the outage',
      );
      console.info(
        `[publisher outage] ${log.length} events; lag during the outage ${during.lag?.events} events, ` +
          `retry attempt ${during.retry?.attempt}; ${publisher.status().published} messages sent in ${publisher.status().batches} batches`,
      );
      expect(lines.some((l) => /failed \(attempt \d+\).*retrying in \d+ ms/.test(l))).toBe(true);
      expect(lines.some((l) => /lag \d+ events behind the log head/.test(l))).toBe(true);
      expect(states).toContain('retrying');

      const consumer = await startConsumer(quietKafka(brokers), topic);
      await consumer.until((m) => new Set(m.map((x) => x.headers.ce_id)).size >= log.length, 120_000, `${log.length} distinct ce_ids`);
      expectExactlyOnceInKeyOrder(await consumer.stop(), log);
    } finally {
      clearInterval(watcher);
      await publisher.stop();
      checkpoints.close();
      await ledger.close();
    }
  }, 300_000);
});
