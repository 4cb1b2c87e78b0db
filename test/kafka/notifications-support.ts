/**
 * What the notification tests against the real broker share: a quiet kafkajs client, a consumer that reads a
 * topic from the beginning, de-duplication by ce_id (what DESIGN.md section 9 asks of consumers), and the
 * checks of at-least-once delivery: every event of the log exactly once after de-duplication, per-key order.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { Kafka, type IHeaders } from 'kafkajs';
import { kafkaLogLevelFromEnv } from '../../src/notifications/kafka-publisher';
import type { RecordedEvent } from '../../src/store/event-store';

export interface Consumed {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string;
  readonly headers: Record<string, string>;
  readonly value: string;
  readonly timestamp: string;
}

export function quietKafka(brokers: string[], clientId = 'notification-test'): Kafka {
  return new Kafka({ clientId, brokers, logLevel: kafkaLogLevelFromEnv() });
}

export function headerText(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.map(String).join(',') : value.toString();
  }
  return out;
}

/**
 * A consumer in a fresh group, from the beginning of the topic (or topics: one group join for all of them),
 * collecting messages in arrival order (which per partition is offset order). `stop()` resolves with everything
 * received.
 */
export async function startConsumer(kafka: Kafka, topics: string | readonly string[]) {
  const consumer = kafka.consumer({ groupId: `notification-test-${randomUUID()}`, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  const received: Consumed[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: typeof topics === 'string' ? [topics] : [...topics], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      received.push({
        topic,
        partition,
        offset: message.offset,
        key: message.key!.toString(),
        headers: headerText(message.headers),
        value: message.value!.toString(),
        timestamp: message.timestamp,
      });
    },
  });
  return {
    received,
    /** Waits until `predicate(received)` holds. */
    async until(predicate: (messages: Consumed[]) => boolean, timeoutMs: number, what: string): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${received.length} messages received`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop(): Promise<Consumed[]> {
      await consumer.disconnect();
      return received;
    },
  };
}

export function uniqueIds(messages: readonly Consumed[]): Set<string> {
  return new Set(messages.map((m) => m.headers.ce_id!));
}

/** First occurrence of each ce_id, in arrival order. */
export function dedupe(messages: readonly Consumed[]): Consumed[] {
  const seen = new Set<string>();
  return messages.filter((m) => {
    const id = m.headers.ce_id!;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** The message key a recorded event must carry: its subject, its resolution, or (a list file's import) its list's stream. */
export function keyOfRecorded(event: RecordedEvent): string {
  if (event.type === 'ListFileImported') return event.streamId;
  const data = event.data as { subjectId?: string; resolutionId?: string };
  return (data.subjectId ?? data.resolutionId)!;
}

/**
 * After de-duplication by ce_id: the ids are exactly the log's, each key's sequence is the log's order for
 * that key, and a key never spans two partitions.
 */
export function expectExactlyOnceInKeyOrder(messages: readonly Consumed[], log: readonly RecordedEvent[]): void {
  const unique = dedupe(messages);
  expect(unique).toHaveLength(log.length);
  expect(new Set(unique.map((m) => m.headers.ce_id))).toEqual(new Set(log.map((e) => e.envelope.eventId)));

  const expected = new Map<string, string[]>();
  for (const event of log) expected.set(keyOfRecorded(event), [...(expected.get(keyOfRecorded(event)) ?? []), event.envelope.eventId]);
  const actual = new Map<string, string[]>();
  const partitions = new Map<string, Set<number>>();
  for (const m of unique) {
    actual.set(m.key, [...(actual.get(m.key) ?? []), m.headers.ce_id!]);
    partitions.set(m.key, (partitions.get(m.key) ?? new Set()).add(m.partition));
  }
  expect(new Set(actual.keys())).toEqual(new Set(expected.keys()));
  for (const [key, ids] of expected) {
    expect(actual.get(key), `per-key order of ${key}`).toEqual(ids);
    expect(partitions.get(key)!.size, `partitions of ${key}`).toBe(1);
  }
}

/** Polls `check` until it returns true. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
