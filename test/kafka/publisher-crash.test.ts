/**
 * The publisher as a REAL child process (`node bin/sanctions-ledger.mjs publish ...`), killed with SIGKILL in
 * the middle of 10,000 events while they are being appended, then restarted: a consumer that drops duplicates
 * by ce_id sees every event of the log exactly once, each key in log order.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger';
import { CheckpointStore } from '../../src/notifications/checkpoint-store';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { appendGenerated } from '../notifications/generated-events';
import { kafkaForTests, PROJECT_ROOT } from './broker';
import { dedupe, eventually, expectExactlyOnceInKeyOrder, quietKafka, startConsumer } from './notifications-support';

const { broker, skipReason } = await kafkaForTests();

const EVENTS = 10_000;
const SUBJECTS = 400; // 25 events per key

describe.skipIf(skipReason !== undefined)('publisher process killed with SIGKILL and restarted (real broker)', () => {
  const brokers = 'brokers' in broker ? broker.brokers : [];
  const kafka = quietKafka(brokers);
  const admin = kafka.admin();
  const topic = `publisher-crash-${randomUUID()}`;
  const dir = mkdtempSync(join(tmpdir(), 'publisher-crash-'));
  const dbPath = join(dir, 'ledger.db');
  const checkpointPath = join(dir, 'publisher.db');
  const children: ChildProcess[] = [];
  const output: string[] = [];

  function startPublisher(): ChildProcess {
    const args = ['bin/sanctions-ledger.mjs', 'publish', '--db', dbPath, '--checkpoint-db', checkpointPath];
    // Small batches make the run last seconds (so the kill lands mid-way) and a kill during a send likely.
    args.push('--brokers', brokers.join(','), '--topic', topic, '--partitions', '4', '--batch-size', '10');
    // Full batches (10) through the send thread, the smaller ones of the live tail from the publisher's thread.
    const env = { ...process.env, LEDGER_PUBLISHER_THREAD_MIN_BATCH: '5' };
    const child = spawn('node', args, { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env });
    child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    children.push(child);
    return child;
  }

  const exited = (child: ChildProcess) =>
    new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
      else child.once('exit', (code, signal) => resolve({ code, signal }));
    });

  async function publishedCount(): Promise<number> {
    const offsets = await admin.fetchTopicOffsets(topic).catch(() => []);
    return offsets.reduce((sum, o) => sum + Number(o.high), 0);
  }

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await admin.deleteTopics({ topics: [topic], timeout: 10_000 }).catch(() => {});
    await admin.disconnect().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  it(`delivers all ${EVENTS} events exactly once after de-duplication, in per-key order`, async () => {
    await admin.connect();
    const ledger = Ledger.over(SqliteEventStore.open(dbPath));
    try {
      await appendGenerated(ledger, { count: 3_000, subjects: SUBJECTS, prefix: 'crash' });

      const first = startPublisher();
      // The rest is appended while the publisher runs (it reads the other process's appends by polling).
      // In chunks with pauses, so that this process's event loop still watches the topic while appending.
      const appending = (async () => {
        for (let from = 3_000; from < EVENTS; from += 100) {
          await appendGenerated(ledger, { from, count: 100, subjects: SUBJECTS, prefix: 'crash' });
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      await eventually(async () => (await publishedCount()) >= 2_000, 60_000, 'the first publisher to publish 2,000 events');
      first.kill('SIGKILL');
      expect(await exited(first)).toMatchObject({ signal: 'SIGKILL' });

      // Really in the middle: the checkpoint it left is before the end of the log.
      const atKill = await publishedCount();
      const checkpoints = CheckpointStore.open(checkpointPath);
      const left = checkpoints.get(`kafka:${topic}`);
      checkpoints.close();
      expect(atKill).toBeLessThan(EVENTS);
      expect(left).toBeDefined();

      const second = startPublisher();
      await appending;
      const log = await ledger.store.readAll({ maxCount: EVENTS + 1 });
      expect(log).toHaveLength(EVENTS);

      const consumer = await startConsumer(kafka, topic);
      await consumer.until((m) => dedupe(m).length >= EVENTS, 120_000, `${EVENTS} distinct ce_ids`);
      second.kill('SIGTERM');
      expect(await exited(second), output.join('')).toMatchObject({ code: 0 });
      // Everything the second publisher flushed before stopping is in; nothing more arrives.
      const received = await consumer.stop();
      console.info(
        `[publisher crash] killed after ${atKill} messages (checkpoint ${left!.position}); ` +
          `${received.length} messages received, ${received.length - dedupe(received).length} duplicates dropped by ce_id`,
      );
      expectExactlyOnceInKeyOrder(received, log);
      expect(output.join('')).toMatch(/SIGTERM received, stopping/);
      expect(output.join('')).toMatch(/stopped at position/);
    } finally {
      await ledger.close();
    }
  }, 300_000);
});
