/**
 * The Kafka side of the identifier limits (issue 10 item 8, the fuzz shape "identifiers at their length
 * limits"; the HTTP and feed side is test/fuzz/identifier-limits.fuzz.test.ts). A 700 KB commandId once made
 * every later notification wait behind a message the broker refused, forever. Given generated commands accepted
 * by the real HTTP service with every identifier at its limit (command, correlation, causation, subject and
 * designation ids of 200 characters, in scripts of one to three UTF-8 bytes) and the longest names and reasons
 * the codecs allow, interleaved with ordinary commands, when the publisher runs against a real broker, then it
 * reaches the head of the log, dead-letters nothing, and every event arrives once, in per-key order, carrying
 * its full-length ids in the CloudEvents headers.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEXT_LIMITS } from '../../events';
import { CheckpointStore } from '../../src/notifications/checkpoint-store';
import { KafkaPublisher } from '../../src/notifications/kafka-publisher';
import { asWriter, SOURCE, testService, type TestService } from '../http/support';
import { SEEDS } from '../fuzz/support/hostile';
import { kafkaForTests } from './broker';
import { eventually, expectExactlyOnceInKeyOrder, quietKafka, startConsumer } from './notifications-support';

const { broker, skipReason } = await kafkaForTests();
const SEED = SEEDS.http + 50;
const LIMIT = 200;
/** Letters of one, two and three UTF-8 bytes; ledger identifiers are ASCII by their pattern. */
const SCRIPTS = ['abcXYZ019-', 'éßÆŽЖЯωλ', '로광철中文ア', 'Zz9'];
const LEDGER_ID_CHARS = 'abcXYZ019._:/@#-';

const caseArb = fc.record({
  atLimit: fc.boolean(),
  script: fc.nat({ max: SCRIPTS.length - 1 }),
  fill: fc.array(fc.nat(), { minLength: 5, maxLength: 5 }),
  longText: fc.boolean(),
});
type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

/** Exactly `length` characters from `chars`, after a unique prefix; ends on a letter (no blank edge). */
function filled(prefix: string, length: number, chars: string, fill: readonly number[]): string {
  const pool = [...chars];
  let text = prefix;
  for (let i = 0; text.length < length - 1; i++) text += pool[fill[i % fill.length]! % pool.length]!;
  return `${text}z`;
}

describe.skipIf(skipReason !== undefined)('identifiers at their limits on Kafka (real broker)', () => {
  const brokers = 'brokers' in broker ? broker.brokers : [];
  const kafka = quietKafka(brokers, 'identifier-limits-test');
  const admin = kafka.admin();
  const topic = `identifier-limits-${randomUUID()}`;
  const dir = mkdtempSync(join(tmpdir(), 'identifier-limits-kafka-'));
  let service: TestService;
  let checkpoints: CheckpointStore;
  const longIds = new Map<string, { commandId: string; correlationId: string; subjectId: string }>();

  beforeAll(async () => {
    service = await testService({ seed: true });
    checkpoints = CheckpointStore.open(join(dir, 'publisher.db'));
    const cases = fc.sample(caseArb, { seed: SEED, numRuns: 40 });
    for (const [i, c] of cases.entries()) {
      const chars = SCRIPTS[c.script]!;
      const ids = c.atLimit
        ? {
            commandId: filled(`${i}-`, LIMIT, chars, c.fill),
            correlationId: filled(`${i}-`, LIMIT, chars, [...c.fill].reverse()),
            causationId: filled(`${i}-`, LIMIT, chars, c.fill.map((n) => n + 1)),
            subjectId: filled(`k${i}-`, LIMIT, LEDGER_ID_CHARS, c.fill),
            designationId: filled(`d${i}-`, LIMIT, LEDGER_ID_CHARS, c.fill),
          }
        : { commandId: `plain-${i}`, correlationId: `plain-${i}`, causationId: `plain-${i}`, subjectId: `plain-${i}`, designationId: `EU:RUS@plain-${i}` };
      const { subjectId, designationId, ...metadata } = ids;
      const name = c.longText ? filled('N ', TEXT_LIMITS.name, chars, c.fill) : 'Limit Trading LLC';
      const response = await service.app.inject({
        method: 'POST',
        url: '/commands/DesignateSubject',
        headers: asWriter,
        payload: {
          data: {
            subjectId,
            designationId,
            kind: 'entity',
            regime: 'EU:RUS',
            identity: { names: [{ name, quality: 'primary' }] },
            measures: ['asset-freeze'],
            legalBasis: ['EU-RUS-PACKAGE-15'],
            effectiveFrom: '2024-12-16',
            ...(c.longText ? { reasons: filled('R ', TEXT_LIMITS.text, chars, c.fill) } : {}),
          },
          source: SOURCE,
          ...metadata,
        },
      });
      expect(response.statusCode, response.body.slice(0, 300)).toBe(201);
      const eventId = (response.json() as { events: Array<{ eventId: string }> }).events[0]!.eventId;
      if (c.atLimit) longIds.set(eventId, { commandId: ids.commandId, correlationId: ids.correlationId, subjectId });
    }
    expect(longIds.size).toBeGreaterThan(5);
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  }, 120_000);

  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic, `${topic}.dead-letter`], timeout: 10_000 }).catch(() => {});
    await admin.disconnect().catch(() => {});
    checkpoints?.close();
    await service?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes every event, full-length ids in its headers, and reaches the head without a dead letter', async () => {
    const log = await service.store.readAll({ maxCount: 1_000 });
    const last = log[log.length - 1]!.position;
    const publisher = new KafkaPublisher(service.store, { brokers, topic, checkpoints, batchSize: 16, threadMinBatch: 8, backoff: { initialMs: 50, maxMs: 200 }, log: () => undefined });
    await publisher.start();
    try {
      await eventually(() => publisher.status().checkpoint === last, 60_000, 'the publisher to reach the head of the log');
    } finally {
      await publisher.stop();
    }
    expect(publisher.status()).toMatchObject({ deadLettered: 0, published: log.length });

    const consumer = await startConsumer(kafka, topic);
    await consumer.until((m) => m.length >= log.length, 60_000, 'every event on the topic');
    const received = await consumer.stop();
    expectExactlyOnceInKeyOrder(received, log);
    for (const [eventId, ids] of longIds) {
      const message = received.find((m) => m.headers.ce_id === eventId)!;
      expect(message.key).toBe(ids.subjectId);
      expect(message.headers.ce_commandid).toBe(ids.commandId);
      expect(message.headers.ce_correlationid).toBe(ids.correlationId);
    }
  }, 180_000);
});
