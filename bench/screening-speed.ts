/**
 * Screening speed in process: index build time and memory, then p50/p99 of one screening over listed-name
 * queries, as wall-clock time and as this process's CPU time (process.cpuUsage: what the machine's other jobs do
 * not move, unlike the wall clock on a shared two-core machine). With `--before <checkout root>` the index of
 * another checkout (e.g. an older commit's `git archive`) is built from the same entries and each query is
 * screened by both in turn, so before and after see the same machine load.
 * Run: [WARM_UP=1500] node --expose-gc bin/run-ts.mjs bench/screening-speed.ts [--before /tmp/older-checkout]
 */
import { resolve } from 'node:path';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { ScreeningIndex, type ScreeningEntry, type ScreeningQuery } from '../src/screening';
import { loadAllLists, speedQueries } from './screening-lists';
import { printTable } from './support';

interface Screens {
  screen(query: ScreeningQuery, basis: { asOf: string; knownAt: string }): unknown;
  readonly size: unknown;
}

const BASIS = { asOf: '2025-01-01', knownAt: '2025-01-01T00:00:00.000Z' };
const BEFORE = process.argv.includes('--before') ? resolve(process.argv[process.argv.indexOf('--before') + 1]!) : undefined;
const { entries, listings, notes } = await loadAllLists();
notes.forEach((n) => console.log(n));

type IndexClass = new (entries: readonly ScreeningEntry[]) => Screens;
const indexes: Array<{ label: string; make: IndexClass }> = [];
if (BEFORE !== undefined) {
  const module = (await import(pathToFileURL(resolve(BEFORE, 'src/screening/index.ts')).href)) as { ScreeningIndex: IndexClass };
  indexes.push({ label: `before (${BEFORE})`, make: module.ScreeningIndex });
}
indexes.push({ label: 'this checkout', make: ScreeningIndex });

const built = indexes.map(({ label, make }) => {
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const index = new make(entries);
  const buildMs = performance.now() - t0;
  global.gc?.();
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
  console.log(`${label} index: ${entries.length} entries, ${JSON.stringify(index.size)}, built in ${buildMs.toFixed(0)} ms, heap +${heapMb.toFixed(1)} MB${global.gc ? '' : ' (run with --expose-gc for a steadier figure)'}`);
  return { label, index, wall: [] as number[], cpu: [] as number[] };
});

const queries = speedQueries(listings);
// Warm-up on other listed names: until V8 has compiled the hot path, its compiler threads' CPU time lands in this
// process's (process.cpuUsage counts every thread) and made the first pass's p99 4 to 5 times the steady one.
const WARM_UP = Number(process.env.WARM_UP ?? 1_500);
for (const { index } of built) for (const q of speedQueries(listings, 3).slice(0, WARM_UP)) index.screen({ name: q }, BASIS);
for (const q of queries) {
  for (const run of built) {
    const cpu = process.cpuUsage();
    const s = performance.now();
    run.index.screen({ name: q }, BASIS);
    run.wall.push(performance.now() - s);
    const used = process.cpuUsage(cpu);
    run.cpu.push((used.user + used.system) / 1000);
  }
}
const at = (times: number[], p: number) => {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(3);
};
printTable(
  `One screening in process, ${entries.length} listed entries, ${queries.length} queries (listed names, words reversed; load ${loadavg().map((l) => l.toFixed(1)).join(' ')})`,
  built.map(({ label, wall, cpu }) => ({ index: label, 'p50 ms': at(wall, 0.5), 'p99 ms': at(wall, 0.99), 'max ms': at(wall, 1), 'CPU p50 ms': at(cpu, 0.5), 'CPU p99 ms': at(cpu, 0.99), goal: 'p99 < 1 ms' })),
);
