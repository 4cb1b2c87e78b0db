/** Screening speed in process: index build time and memory, then p50/p99 of one screening over listed-name queries. */
import { performance } from 'node:perf_hooks';
import { ScreeningIndex } from '../src/screening';
import { loadAllLists } from './screening-lists';

const BASIS = { asOf: '2025-01-01', knownAt: '2025-01-01T00:00:00.000Z' };
const { entries, listings, notes } = await loadAllLists();
notes.forEach((n) => console.log(n));
global.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const t0 = performance.now();
const index = new ScreeningIndex(entries);
const buildMs = performance.now() - t0;
global.gc?.();
const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
console.log(`index: ${entries.length} entries, ${JSON.stringify(index.size)}, built in ${buildMs.toFixed(0)} ms, heap +${heapMb.toFixed(1)} MB${global.gc ? '' : ' (run with --expose-gc for a steadier figure)'}`);

const queries = listings.filter((_, i) => i % 7 === 0).map((l) => l.identity.names[0]!.name.split(/\s+/).reverse().join(' '));
for (const q of queries.slice(0, 200)) index.screen({ name: q }, BASIS); // warm-up
const times: number[] = [];
for (const q of queries) {
  const s = performance.now();
  index.screen({ name: q }, BASIS);
  times.push(performance.now() - s);
}
times.sort((a, b) => a - b);
const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
console.log(`one screening (${times.length} queries): p50 ${at(0.5).toFixed(3)} ms, p99 ${at(0.99).toFixed(3)} ms, max ${at(1).toFixed(3)} ms`);
