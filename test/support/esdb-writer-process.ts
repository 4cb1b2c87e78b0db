/**
 * A second writer PROCESS for the real-server contract suite: appends `count` one-event batches to streams
 * `<prefix>-0..7` of the EventStoreDB at `url`, then prints how many it appended. Run with
 * `node bin/run-ts.mjs test/support/esdb-writer-process.ts <url> <prefix> <count>`.
 */
import { EsdbEventStore } from '../../src/store/esdb/esdb-event-store';
import { envelopeInput } from './events';

const [url, prefix, count] = process.argv.slice(2);
if (url === undefined || prefix === undefined || count === undefined) {
  console.error('usage: esdb-writer-process.ts <url> <prefix> <count>');
  process.exit(2);
}
const store = EsdbEventStore.connect(url);
try {
  const total = Number(count);
  await Promise.all(
    Array.from({ length: total }, (_, i) =>
      store.appendToStream(`${prefix}-${i % 8}`, [{ type: 'TestHappened', data: { n: i, writer: 'child' }, envelope: envelopeInput() }]),
    ),
  );
  console.log(JSON.stringify({ appended: total }));
} finally {
  await store.close();
}
