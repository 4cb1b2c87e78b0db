/**
 * EventStoreDB adapter benchmark. Always: the adapter's own CPU per event over the stand-in client (no server, no
 * network: sealing, conversion, read-back and $all paging only) and the requests it sends per append (each one a
 * network round trip on a real server), beside SQLite on the same work. With LEDGER_ESDB_URL set: the same against
 * that live server, printed in the same table.
 *
 * Two workloads: `new streams` (200 streams, one 25-event append each: the first append to a stream) and
 * `command style` (the command handler's pattern: read the stream, then append one event, 5 times on each of 200
 * streams).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { EventStore } from '../src/store/event-store';
import { EsdbEventStore } from '../src/store/esdb/esdb-event-store';
import { SqliteEventStore } from '../src/store/sqlite/sqlite-event-store';
import { asEsdbClient, StandInEsdbClient } from '../test/support/esdb-stand-in/stand-in-client';
import { designatedEvent, printTable } from './support';

const STREAMS = 200;
const PER_STREAM = 25;
const COMMANDS_PER_STREAM = 5;

type Workload = 'new streams' | 'command style';

/** Runs the workload; returns the appends made and the events appended. */
async function run(workload: Workload, store: EventStore, prefix: string): Promise<{ appends: number; events: number }> {
  if (workload === 'new streams') {
    for (let s = 0; s < STREAMS; s++) {
      await store.appendToStream(`${prefix}-${s}`, Array.from({ length: PER_STREAM }, (_, i) => designatedEvent(s * PER_STREAM + i)));
    }
    return { appends: STREAMS, events: STREAMS * PER_STREAM };
  }
  for (let round = 0; round < COMMANDS_PER_STREAM; round++) {
    for (let s = 0; s < STREAMS; s++) {
      const streamId = `${prefix}-${s}`;
      const read = await store.readStream(streamId);
      const last = read[read.length - 1];
      await store.appendToStream(streamId, [designatedEvent(round * STREAMS + s)], {
        expectedRevision: last === undefined ? 'no-stream' : last.revision,
      });
    }
  }
  return { appends: STREAMS * COMMANDS_PER_STREAM, events: STREAMS * COMMANDS_PER_STREAM };
}

async function measure(
  name: string,
  workload: Workload,
  store: EventStore,
  requests?: () => number,
): Promise<Record<string, string | number>> {
  const prefix = `bench-${workload.replace(' ', '-')}-${Date.now()}`;
  const requests0 = requests?.() ?? 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const { appends, events } = await run(workload, store, prefix);
  const appendMs = performance.now() - t0;
  const cpu1 = process.cpuUsage(cpu0);
  const sent = requests === undefined ? undefined : requests() - requests0;
  const t1 = performance.now();
  let read = 0;
  let after;
  for (;;) {
    const page = await store.readAll({ after, maxCount: 1000 });
    if (page.length === 0) break;
    read += page.length;
    after = page[page.length - 1]!.position;
  }
  const readMs = performance.now() - t1;
  return {
    store: name,
    workload,
    events,
    'requests/append': sent === undefined ? 'n/a' : (sent / appends).toFixed(2),
    'append ev/s': Math.round(events / (appendMs / 1000)),
    'appends/s': Math.round(appends / (appendMs / 1000)),
    'CPU µs/ev': ((cpu1.user + cpu1.system) / events).toFixed(1),
    'read ev/s': Math.round(read / (readMs / 1000)),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'bench-esdb-'));
const rows: Array<Record<string, string | number>> = [];
try {
  for (const workload of ['new streams', 'command style'] satisfies Workload[]) {
    const sqlite = SqliteEventStore.open(join(dir, `${workload.replace(' ', '-')}.db`));
    rows.push(await measure('SQLite (file)', workload, sqlite));
    await sqlite.close();
    const standIn = new StandInEsdbClient();
    const overStandIn = new EsdbEventStore(asEsdbClient(standIn));
    rows.push(await measure('ESDB adapter over the stand-in', workload, overStandIn, () => standIn.totalCalls()));
    await overStandIn.close();
    const url = process.env.LEDGER_ESDB_URL;
    if (url !== undefined && url !== '') {
      const live = EsdbEventStore.connect(url);
      rows.push(await measure(`ESDB live (${url})`, workload, live));
      await live.close();
    }
  }
  if (!process.env.LEDGER_ESDB_URL) console.log('LEDGER_ESDB_URL not set: no live-server figures');
  printTable(`EventStoreDB adapter (requests/append counts every request, the command-style read included)`, rows);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
