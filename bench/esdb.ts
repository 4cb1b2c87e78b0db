/**
 * EventStoreDB adapter benchmark. Always: the adapter's own CPU per event over the stand-in client (no server, no
 * network: sealing, conversion, read-back and $all paging only), beside SQLite on the same events. With
 * LEDGER_ESDB_URL set: append and read throughput against that live server, printed in the same table.
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

async function measure(name: string, store: EventStore): Promise<Record<string, string | number>> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let s = 0; s < STREAMS; s++) {
    await store.appendToStream(`bench-${s}`, Array.from({ length: PER_STREAM }, (_, i) => designatedEvent(s * PER_STREAM + i)));
  }
  const appendMs = performance.now() - t0;
  const cpu1 = process.cpuUsage(cpu0);
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
  const events = STREAMS * PER_STREAM;
  return {
    store: name,
    events,
    'append ev/s': Math.round(events / (appendMs / 1000)),
    'append CPU µs/ev': ((cpu1.user + cpu1.system) / events).toFixed(1),
    'read ev/s': Math.round(read / (readMs / 1000)),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'bench-esdb-'));
const rows: Array<Record<string, string | number>> = [];
try {
  const sqlite = SqliteEventStore.open(join(dir, 'ledger.db'));
  rows.push(await measure('SQLite (file)', sqlite));
  await sqlite.close();
  const standIn = new EsdbEventStore(asEsdbClient(new StandInEsdbClient()));
  rows.push(await measure('ESDB adapter over the stand-in (adapter overhead only)', standIn));
  await standIn.close();
  const url = process.env.LEDGER_ESDB_URL;
  if (url !== undefined && url !== '') {
    const live = EsdbEventStore.connect(url);
    rows.push(await measure(`ESDB live (${url})`, live));
    await live.close();
  } else {
    console.log('LEDGER_ESDB_URL not set: no live-server figures');
  }
  printTable(`EventStoreDB adapter (${STREAMS} streams x ${PER_STREAM} events)`, rows);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
