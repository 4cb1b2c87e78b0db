/**
 * Ledger core on the SQLite store: batched append with hashing, the full command path, reading the global
 * log, and memory while streaming a large log. Run: npm run bench:core [-- --events 1000000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as E from 'fp-ts/Either';
import { CommandHandler } from '../src/commands/command-handler';
import { SqliteEventStore } from '../src/store/sqlite/sqlite-event-store';
import type { Position } from '../src/store/event-store';
import { designatedEvent, designationData, printTable, rate, rssSampler } from './support';

const argValue = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const STREAM_EVENTS = argValue('events', 1_000_000);
const APPEND_EVENTS = 200_000;
const COMMANDS = 20_000;
const BATCH = 1000;

const dir = mkdtempSync(join(tmpdir(), 'ledger-bench-'));
const rows: Array<Record<string, string | number>> = [];

async function batchedAppend() {
  const store = SqliteEventStore.open(join(dir, 'append.db'));
  const start = performance.now();
  for (let n = 0; n < APPEND_EVENTS; n += BATCH) {
    // One stream per batch: a large import appends many events per transaction.
    await store.appendToStream(`bench-${n}`, Array.from({ length: BATCH }, (_, i) => designatedEvent(n + i)));
  }
  const ms = performance.now() - start;
  rows.push({ measure: `batched append with hashing (${BATCH}/append)`, count: APPEND_EVENTS, 'ms': Math.round(ms), 'per second': rate(APPEND_EVENTS, ms), goal: '≥ 50,000 events/s' });
  await store.close();
}

async function commandPath() {
  const store = SqliteEventStore.open(join(dir, 'commands.db'));
  const handler = new CommandHandler(store);
  const metadata = { actor: { id: 'bench', kind: 'service' }, source: { publisher: 'benchmark' } };
  const start = performance.now();
  for (let n = 0; n < COMMANDS; n++) {
    const { designationId: _id, authority: _a, ...data } = designationData(n);
    const result = await handler.handle({ type: 'DesignateSubject', data }, metadata);
    if (E.isLeft(result)) throw new Error(JSON.stringify(result.left));
  }
  const ms = performance.now() - start;
  rows.push({ measure: 'command path: read, decide, append (distinct subjects)', count: COMMANDS, ms: Math.round(ms), 'per second': rate(COMMANDS, ms), goal: '≥ 5,000 commands/s' });
  await store.close();
}

async function fillLog(file: string, count: number) {
  const store = SqliteEventStore.open(file);
  for (let n = 0; n < count; n += BATCH) {
    await store.appendToStream(`log-${n}`, Array.from({ length: Math.min(BATCH, count - n) }, (_, i) => designatedEvent(n + i)));
  }
  await store.close();
}

async function readWholeLog(file: string, count: number) {
  const store = SqliteEventStore.open(file);
  const memory = rssSampler();
  const before = process.memoryUsage.rss();
  const start = performance.now();
  let read = 0;
  let after: Position | undefined;
  for (;;) {
    const page = await store.readAll({ after, maxCount: 5000 });
    if (page.length === 0) break;
    read += page.length;
    after = page[page.length - 1]!.position;
    memory.sample();
  }
  const ms = performance.now() - start;
  memory.stop();
  if (read !== count) throw new Error(`read ${read} of ${count} events`);
  rows.push({ measure: 'read the whole global log (pages of 5,000)', count: read, ms: Math.round(ms), 'per second': rate(read, ms), goal: '≥ 300,000 events/s' });
  rows.push({ measure: `peak RSS streaming ${count.toLocaleString('en')} events`, count: read, ms: '', 'per second': `${memory.peakMiB()} MiB (${Math.round(before / 1048576)} MiB before)`, goal: 'flat' });
  await store.close();
}

try {
  await batchedAppend();
  await commandPath();
  const logFile = join(dir, 'log.db');
  const fillStart = performance.now();
  await fillLog(logFile, STREAM_EVENTS);
  rows.push({ measure: 'fill log for the read test', count: STREAM_EVENTS, ms: Math.round(performance.now() - fillStart), 'per second': rate(STREAM_EVENTS, performance.now() - fillStart), goal: '' });
  await readWholeLog(logFile, STREAM_EVENTS);
  printTable(`Ledger core on SQLite (node ${process.version}, ${new Date().toISOString().slice(0, 10)})`, rows);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
