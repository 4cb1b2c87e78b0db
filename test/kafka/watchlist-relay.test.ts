/**
 * The watchlist outbox relay on the real broker: every match notification reaches LEDGER_WATCHLIST_TOPIC with
 * key <watchlist>/<entry>, in order per entry (Created before Ended), and a broker outage (scripts/kafka.sh
 * stop/start, as publisher-outage.test.ts) loses nothing: notifications recorded meanwhile arrive once it is
 * back. Run under the Kafka lock (common brief): flock /tmp/kafka-tests.lock npx vitest run test/kafka/watchlist-relay.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { WatchlistKafkaRelay } from '../../src/watchlists';
import { delist, designate, watchlistLedger } from '../watchlists/support';
import { kafkaForTests, startBroker, stopBroker, unreachable } from './broker';
import { eventually, quietKafka, startConsumer, type Consumed } from './notifications-support';

const { broker } = await kafkaForTests();
const localBroker = 'source' in broker && broker.source === 'local-script';
const ENTRIES = 20;

/** Per key, the ce_types in arrival order, duplicates (same ce_id) dropped. */
function typesByKey(messages: readonly Consumed[]): Map<string, string[]> {
  const seen = new Set<string>();
  const byKey = new Map<string, string[]>();
  for (const m of messages) {
    if (seen.has(m.headers.ce_id!)) continue;
    seen.add(m.headers.ce_id!);
    byKey.set(m.key, [...(byKey.get(m.key) ?? []), m.headers.ce_type!.replace('org.sanctions-ledger.WatchlistMatch', '')]);
  }
  return byKey;
}

describe.skipIf(!localBroker)('watchlist relay on the real broker', () => {
  const brokers = 'brokers' in broker ? broker.brokers : [];
  const topic = `watchlist-relay-${randomUUID()}`;
  let brokerStopped = false;

  afterAll(async () => {
    if (brokerStopped) await startBroker();
    const admin = quietKafka(brokers).admin();
    await admin.connect().catch(() => {});
    await admin.deleteTopics({ topics: [topic], timeout: 10_000 }).catch(() => {});
    await admin.disconnect().catch(() => {});
  }, 180_000);

  it('given matches recorded before, during and after a broker outage, then every notification arrives, in order per entry', async () => {
    const ledger = watchlistLedger();
    const lines: string[] = [];
    const relay = new WatchlistKafkaRelay(ledger.store, { brokers, topic, partitions: 3, backoff: { initialMs: 200, maxMs: 1_000 }, log: (l) => lines.push(l) });
    const admin = quietKafka(brokers).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const consumer = await startConsumer(quietKafka(brokers), topic);
    try {
      ledger.watchlists.create('wl', Array.from({ length: ENTRIES }, (_, i) => ({ id: `e${i}`, name: `Karl ${i}x` })));
      relay.start();
      for (let i = 0; i < ENTRIES / 2; i += 1) await ledger.run(designate(`s${i}`, `Karl ${i}x`));
      await ledger.follower.catchUp();
      const before = ledger.store.lastSeq();
      expect(before).toBeGreaterThanOrEqual(ENTRIES / 2);
      await eventually(() => relay.published() === before, 30_000, `the first notifications (${lines.join('; ')})`);

      brokerStopped = true;
      await stopBroker();
      expect(await unreachable(brokers, 2_000)).toBeDefined();
      for (let i = ENTRIES / 2; i < ENTRIES; i += 1) await ledger.run(designate(`s${i}`, `Karl ${i}x`));
      for (let i = 0; i < ENTRIES; i += 2) await ledger.run(delist(`s${i}`));
      await ledger.follower.catchUp();
      await eventually(() => lines.some((l) => l.includes('send failed')), 60_000, 'the relay to retry');
      await startBroker();
      brokerStopped = false;

      // What the outbox holds, per entry in seq order, is what Kafka must deliver, per key in order.
      const recorded = ledger.store.notificationsAfter(0, { limit: 10_000 });
      expect(recorded.length).toBeGreaterThan(before);
      const wanted = new Map<string, string[]>();
      for (const { event } of recorded) wanted.set(event.subject, [...(wanted.get(event.subject) ?? []), event.type.replace('org.sanctions-ledger.WatchlistMatch', '')]);
      for (let i = 0; i < ENTRIES; i += 2) expect(wanted.get(`wl/e${i}`)).toContain('Ended.v1');
      await consumer.until((m) => [...typesByKey(m).values()].flat().length === recorded.length, 120_000, 'every notification');
      expect(typesByKey(consumer.received)).toEqual(wanted);
      const first = consumer.received[0]!;
      expect(first.headers).toMatchObject({ ce_specversion: '1.0', ce_watchlistid: 'wl', ce_subject: first.key });
      expect(JSON.parse(first.value).receipt.sha256).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await consumer.stop();
      await relay.stop();
      await ledger.close();
    }
  }, 300_000);
});
