/**
 * How long an import holds the event loop (issue 10 item 10): the largest real list files imported into a fresh
 * file-backed ledger in this process, with `perf_hooks.monitorEventLoopDelay` (1 ms resolution) watching the
 * loop meanwhile. A dry run covers parse, plan and decider check; the full import adds the append and the
 * projection. The plan and the decider check run in time slices (src/scheduling/steps.ts) and the parser
 * reads 64 KiB at a time; the first row of each file runs the same parse, plan and check at once, as imports did
 * before, for comparison in the same run. The append of a large import runs on the store's append thread
 * (src/store/sqlite/append-thread.ts) and the projector's transactions end after a time budget. The last row of each
 * file is not an import: a new views file loaded from a ledger that holds the file (one bulk-load transaction, as
 * at a rebuild or a start with no views), for what still holds the loop. The goal: an import leaves the service
 * answering.
 *
 *   node bin/run-ts.mjs bench/import-responsiveness.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { importFiles } from '../src/importers/import';
import { loadListView } from '../src/importers/import/current-view';
import { checkPlan } from '../src/importers/import/decider-check';
import { planImport } from '../src/importers/import/plan';
import { parseSnapshot } from '../src/importers/parse';
import type { Format } from '../src/importers/listing';
import { Ledger } from '../src/ledger';
import { Projector } from '../src/projector/projector';
import { SqliteEventStore } from '../src/store/sqlite/sqlite-event-store';
import { printTable } from './support';

const DATA = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/data/lists');
// The data holds no OFAC consolidated XML: the full OFAC 2019 CSV set is the largest OFAC input there is.
const FILES: Array<{ label: string; format: Format; files: string[]; publishedOn?: string }> = [
  { label: 'UK OFSI CSV 2020-04-27 (3.8 MB)', format: 'uk-ofsi-csv', files: [join(DATA, 'uk/ofsi_conlist_2020-04-27.csv')] },
  { label: 'UN consolidated XML 2024-09-21', format: 'un-xml', files: [join(DATA, 'un/un_consolidated_2024-09-21.xml')] },
  {
    label: 'OFAC 2019 CSV set (sdn + add + alt + comments)',
    format: 'ofac-csv',
    files: ['sdn.csv', 'add.csv', 'alt.csv', 'sdn_comments.csv'].map((f) => join(DATA, 'ofac/2019-01_watchman', f)),
    publishedOn: '2019-01-04', // OFAC CSV files carry no date; the one bench/import.ts uses for this set
  },
];

/** What the ledger holds before each measured import. */
const SEED = join(DATA, 'un/un_consolidated_2017-06-20.xml');

type Mode = 'at once' | 'dry run' | 'full' | 'full, empty ledger' | 'new views';

async function measure(format: Format, files: string[], mode: Mode, publishedOn?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'import-loop-bench-'));
  const store = SqliteEventStore.open(join(dir, 'ledger.db'));
  const projector = Projector.open(store, join(dir, 'views.db'));
  const delay = monitorEventLoopDelay({ resolution: 1 });
  try {
    // A service's ledger already holds lists: the import then goes through the projector's batches. An empty
    // ledger is its own row (its read models were loaded from an empty log: the import is followed in batches too).
    if (mode !== 'full, empty ledger') await importFiles({ ledger: Ledger.over(store), projector }, 'un-xml', [SEED]);
    if (mode === 'new views') await importFiles({ ledger: Ledger.over(store), projector }, format, files, publishedOn === undefined ? {} : { publishedOn });
    delay.enable();
    // The histogram measures from its first tick: a block that starts in the same turn as enable() is not recorded.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    let events = 0;
    if (mode === 'new views') {
      const fresh = Projector.open(store, join(dir, 'new-views.db'));
      events = await fresh.catchUp();
      await fresh.close();
    } else if (mode === 'at once') {
      // What importFiles did before slicing: parse, then plan and check in one synchronous run each.
      const snapshot = await parseSnapshot(format, files, publishedOn === undefined ? {} : { publishedOn });
      await projector.catchUp();
      const view = loadListView(projector.db, snapshot.list, snapshot.publishedOn);
      checkPlan(planImport(snapshot, view), view);
    } else {
      const options = { dryRun: mode === 'dry run', ...(publishedOn === undefined ? {} : { publishedOn }) };
      events = (await importFiles({ ledger: Ledger.over(store), projector }, format, files, options)).appendedEvents;
    }
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    // The histogram records a stall when its timer next fires: let it fire before disabling it, or a block at the
    // very end (the "at once" rows' plan and check) is never recorded.
    await new Promise((resolve) => setTimeout(resolve, 5));
    delay.disable();
    return {
      wallMs: Math.round(wallMs),
      // Every thread of the process (the append thread too): on a shared machine this moves less than wall time.
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      events,
      maxMs: Math.round(delay.max / 1e6),
      p99Ms: Math.round(delay.percentile(99) / 1e6),
    };
  } finally {
    await projector.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows: Array<Record<string, string | number>> = [];
for (const { label, format, files, publishedOn } of FILES) {
  for (const mode of ['at once', 'dry run', 'full', 'full, empty ledger', 'new views'] as const) {
    const m = await measure(format, files, mode, publishedOn);
    rows.push({
      file: label,
      import: { 'at once': 'parse, plan, check at once (before)', 'dry run': 'dry run, sliced (parse, plan, check)', full: 'full import, sliced (+ append, project)', 'full, empty ledger': 'full import into an empty ledger', 'new views': 'not an import: new views file bulk-loaded from the ledger' }[mode],
      'wall ms': m.wallMs,
      'process CPU ms': m.cpuMs,
      'events appended (loaded)': m.events,
      'loop delay max ms': m.maxMs,
      'loop delay p99 ms': m.p99Ms,
    });
  }
}
printTable('Event-loop delay during an import into a ledger holding the UN list of 2017-06-20 (monitorEventLoopDelay, 1 ms resolution)', rows);
