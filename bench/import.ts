/**
 * Importers end to end on file-backed SQLite (store and read models in a temp dir, as the CLI runs them):
 * the full OFAC 2019 CSV set into an empty ledger, its re-import, and a full UN file; peak RSS as the kernel's
 * high-water mark after each measure (a timer cannot sample inside SQLite's synchronous work, so it misses peaks).
 * Wall time includes parsing and, for imports that append, bringing the read models up to date.
 * Run: node bin/run-ts.mjs bench/import.ts [--runs 3]   (each run uses fresh ledgers; the median is printed)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { importFiles, type ImportReport } from '../src/importers/import';
import type { Format } from '../src/importers/listing';
import { Ledger } from '../src/ledger';
import { Projector } from '../src/projector/projector';
import { SqliteEventStore } from '../src/store/sqlite/sqlite-event-store';
import { printTable } from './support';

const DATA = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/data/lists');
const OFAC_2019 = ['sdn.csv', 'add.csv', 'alt.csv', 'sdn_comments.csv'].map((f) => join(DATA, 'ofac/2019-01_watchman', f));
const UN_2024 = [join(DATA, 'un/un_consolidated_2024-09-21.xml')];
const UN_2024_SAME = [join(DATA, 'un/un_consolidated_2024-09-26.xml')];

const runsIndex = process.argv.indexOf('--runs');
const RUNS = runsIndex === -1 ? 1 : Number(process.argv[runsIndex + 1]);

interface Measured {
  readonly wallMs: number;
  readonly cpuMs: number;
  /** The process's peak RSS so far, in MiB: the first measure's is its own; later ones can only show a new peak. */
  readonly peakRssMiB: number;
  readonly report: ImportReport;
}

const peakRssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);

function openLedger(dir: string, name: string) {
  const store = SqliteEventStore.open(join(dir, `${name}.db`));
  const projector = Projector.open(store, join(dir, `${name}-views.db`));
  return {
    ctx: { ledger: Ledger.over(store), projector },
    close: async () => {
      await projector.close();
      await store.close();
    },
  };
}

async function measure(run: () => Promise<ImportReport>): Promise<Measured> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const report = await run();
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000, peakRssMiB: peakRssMiB(), report };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const rssAtStart = peakRssMiB();
const results = new Map<string, Measured[]>();
const record = (name: string, m: Measured) => results.set(name, [...(results.get(name) ?? []), m]);
const importOf = (ctx: ReturnType<typeof openLedger>['ctx'], format: Format, files: string[], publishedOn?: string) => () =>
  importFiles(ctx, format, files, publishedOn === undefined ? {} : { publishedOn });

for (let run = 0; run < RUNS; run++) {
  const dir = mkdtempSync(join(tmpdir(), 'import-bench-'));
  try {
    const ofac = openLedger(dir, 'ofac');
    record('OFAC SDN 2019 CSV set into an empty ledger', await measure(importOf(ofac.ctx, 'ofac-csv', OFAC_2019, '2019-01-04')));
    record('OFAC SDN 2019 CSV set re-imported (no change)', await measure(importOf(ofac.ctx, 'ofac-csv', OFAC_2019, '2019-01-04')));
    await ofac.close();
    const un = openLedger(dir, 'un');
    record('UN 2024-09-21 into an empty ledger', await measure(importOf(un.ctx, 'un-xml', UN_2024)));
    record('UN 2024-09-26 after 09-21 (no change)', await measure(importOf(un.ctx, 'un-xml', UN_2024_SAME)));
    await un.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const GOALS: Record<string, number> = {
  'OFAC SDN 2019 CSV set into an empty ledger': 3000,
  'OFAC SDN 2019 CSV set re-imported (no change)': 1000,
  'UN 2024-09-21 into an empty ledger': 1000,
  'UN 2024-09-26 after 09-21 (no change)': 1000,
};
const ms = (x: number) => Math.round(x);
printTable(
  `Importers (${RUNS} run${RUNS === 1 ? '' : 's'}, median; file-backed SQLite; RSS ${rssAtStart} MiB after loading the code)`,
  [...results].map(([name, runs]) => {
    const last = runs[runs.length - 1]!.report;
    const t = (k: keyof ImportReport['timings']) => ms(median(runs.map((r) => r.report.timings[k])));
    const wall = median(runs.map((r) => r.wallMs));
    return {
      measure: name,
      'wall ms': ms(wall),
      'cpu ms': ms(median(runs.map((r) => r.cpuMs))),
      'parse/plan/check/append/project ms': `${t('parseMs')}/${t('planMs')}/${t('checkMs')}/${t('appendMs')}/${t('projectMs')}`,
      events: last.appendedEvents,
      'peak RSS so far': `${runs[0]!.peakRssMiB} MiB`, // the first run's: later runs only repeat the peak
      goal: `< ${GOALS[name]! / 1000} s`,
      met: wall < GOALS[name]! ? 'yes' : 'no',
    };
  }),
);
console.log(`\nload average at the end: ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')} (cores: ${(await import('node:os')).cpus().length})`);
