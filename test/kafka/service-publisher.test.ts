/**
 * The publisher inside the service (LEDGER_PUBLISH_KAFKA=true): a command POSTed to the real service process
 * reaches a Kafka consumer as a CloudEvent, and the service still shuts down cleanly.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startService } from '../support/service-process';
import { kafkaForTests } from './broker';
import { quietKafka, startConsumer } from './notifications-support';

const { broker, skipReason } = await kafkaForTests();

const TOKEN = 'service-publisher-token-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'ledger-service-kafka-'));
const children: ChildProcessWithoutNullStreams[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(skipReason !== undefined)('the service with its in-process Kafka publisher', () => {
  it('publishes what it records', async () => {
    const brokers = (broker as { brokers: string[] }).brokers;
    const topic = `service-${randomUUID()}`;
    const service = await startService(
      {
        LEDGER_DB_PATH: join(dir, 'ledger.db'),
        LEDGER_VIEWS_PATH: join(dir, 'views.db'),
        LEDGER_PUBLISHER_DB: join(dir, 'publisher.db'),
        LEDGER_HTTP_PORT: '0',
        LEDGER_TOKENS: `ops:writer:${TOKEN}`,
        LEDGER_LOG_LEVEL: 'warn',
        LEDGER_PUBLISH_KAFKA: 'true',
        KAFKA_BROKERS: brokers.join(','),
        LEDGER_KAFKA_TOPIC: topic,
        LEDGER_KAFKA_PARTITIONS: '2',
        LEDGER_STORE: 'sqlite',
        LEDGER_ESDB_URL: '',
      },
      ['start'],
      children,
    );
    // The publisher creates the topic when it starts; wait for it before subscribing.
    const admin = quietKafka(brokers).admin();
    await admin.connect();
    for (let i = 0; i < 300 && !(await admin.listTopics()).includes(topic); i++) await new Promise((r) => setTimeout(r, 100));
    await admin.disconnect();
    const consumer = await startConsumer(quietKafka(brokers), topic);
    try {
      // The seeded worked example (9 events) is published first, then the new designation.
      const response = await fetch(`${service.url}/commands/DesignateSubject`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          data: { subjectId: 'kafka-subject', kind: 'entity', regime: 'UN:DPRK', identity: { names: [{ name: 'Kafka Trading Co', quality: 'primary' }] }, measures: ['asset-freeze'], legalBasis: ['UNSC-1718'], effectiveFrom: '2025-01-01' },
          source: { publisher: 'UN Security Council' },
        }),
      });
      expect(response.status).toBe(201);
      const { events } = (await response.json()) as { events: Array<{ eventId: string }> };
      // Two partitions are fetched independently: the new event can arrive before the other partition's seed
      // events, so wait for all ten rather than asserting a count the moment the new one shows up.
      await consumer.until(
        (messages) => messages.length >= 10 && messages.some((m) => m.headers.ce_id === events[0]!.eventId),
        60_000,
        'the seeded example and the new designation on Kafka',
      );
      const message = consumer.received.find((m) => m.headers.ce_id === events[0]!.eventId)!;
      expect(message.key).toBe('kafka-subject');
      expect(message.headers).toMatchObject({ ce_type: 'org.sanctions-ledger.SubjectDesignated.v1', ce_subject: 'kafka-subject', ce_regime: 'UN:DPRK', ce_authority: 'UN' });
      expect(consumer.received.length).toBeGreaterThanOrEqual(10);
    } finally {
      await consumer.stop();
      service.child.kill('SIGTERM');
      expect((await service.exited).code).toBe(0);
    }
  }, 120_000);
});
