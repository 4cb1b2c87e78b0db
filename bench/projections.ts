/**
 * Read side on a generated ledger (default 1,000,000 events, ~100,000 subjects): rebuilding every read model,
 * the state of one regime asOf random dates, one subject asOf/knownAt, peak RSS.
 * Run: npm run bench:projections [-- --events 1000000]
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Projector } from '../src/projector/projector';
import { SqliteEventStore } from '../src/store/sqlite/sqlite-event-store';
import { generateLedger } from './generate-ledger';
import { printTable, rate } from './support';

const argValue = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const EVENTS = argValue('events', 1_000_000);
const dir = join(process.cwd(), 'bench', 'results');
mkdirSync(dir, { recursive: true });
const ledgerFile = join(dir, `generated-${EVENTS}.db`);
const rows: Array<Record<string, string | number>> = [];

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
function latencyRow(measure: string, samples: number[], goal: string) {
  const sorted = [...samples].sort((a, b) => a - b);
  rows.push({ measure, count: samples.length, p50: `${percentile(sorted, 50).toFixed(2)} ms`, p99: `${percentile(sorted, 99).toFixed(2)} ms`, goal });
}

// The generated ledger is kept between runs (bench/results is gitignored): generating it is not what we measure.
if (!existsSync(ledgerFile)) {
  const store = SqliteEventStore.open(ledgerFile);
  const started = performance.now();
  const { events, subjects } = await generateLedger(store, EVENTS, (n) => process.stderr.write(`\rgenerating: ${n} events`));
  process.stderr.write(`\rgenerated ${events} events for ${subjects} subjects in ${Math.round(performance.now() - started)} ms\n`);
  await store.close();
}

// A new views file each run: the rebuild measured is the load itself, not dropping an earlier run's tables.
const viewsFile = join(dir, `views-${EVENTS}.db`);
for (const file of [viewsFile, `${viewsFile}-wal`, `${viewsFile}-shm`]) rmSync(file, { force: true });
const store = SqliteEventStore.open(ledgerFile);
const projector = Projector.open(store, viewsFile);
const started = performance.now();
const count = await projector.rebuild();
const rebuildMs = performance.now() - started;
rows.push({ measure: 'rebuild all read models', count, p50: `${Math.round(rebuildMs)} ms total`, p99: `${rate(count, rebuildMs)} events/s`, goal: '≥ 200,000 events/s' });

const pickDate = () => new Date(Date.UTC(2000 + Math.floor(Math.random() * 26), Math.floor(Math.random() * 12), 1 + Math.floor(Math.random() * 28))).toISOString().slice(0, 10);
const sizes: number[] = [];
const regimeSamples: number[] = [];
// Warm-up, not counted: the first queries after the load read the index pages from disk into SQLite's cache.
for (let i = 0; i < 20; i++) await projector.queries.state({ regime: 'EU:RUS', asOf: pickDate() });
for (let i = 0; i < 200; i++) {
  const t = performance.now();
  const result = await projector.queries.state({ regime: 'EU:RUS', asOf: pickDate() });
  regimeSamples.push(performance.now() - t);
  sizes.push(result.total);
}
latencyRow(`state of one regime (EU:RUS, up to ${Math.max(...sizes)} in force) asOf a random date, after 20 warm-up queries`, regimeSamples, 'p99 < 20 ms');

const [first] = await store.readAll({ maxCount: 1 });
const from = Date.parse(first!.envelope.recordedAt);
const span = Date.now() - from;
const subjects = Math.round(count / 10);
const subjectSamples: number[] = [];
for (let i = 0; i < 5000; i++) {
  const knownAt = new Date(from + Math.random() * span).toISOString();
  const t = performance.now();
  await projector.queries.subject(`gen-${Math.floor(Math.random() * subjects)}`, { asOf: pickDate(), knownAt });
  subjectSamples.push(performance.now() - t);
}
latencyRow('one subject asOf a random date, knownAt a random instant', subjectSamples, 'p99 < 2 ms');
// The kernel's high-water mark: a timer-based sampler misses the peak, which comes during the synchronous load.
rows.push({ measure: 'peak RSS (whole run, kernel high-water mark)', count: '', p50: `${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`, p99: '', goal: 'reported' });
printTable(`Read side on a generated ledger of ${count.toLocaleString('en')} events (node ${process.version})`, rows);
await projector.close();
await store.close();
