/**
 * Keeping the screening index current (src/screening/index-keeper.ts): the cost of replacing N subjects in the
 * index built over every shared list, against building it afresh, in memory (the SQLite reads are not timed).
 * Run: node bin/run-ts.mjs bench/screening-keeping.ts
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { ScreeningIndex } from '../src/screening';
import { loadAllLists } from './screening-lists';
import { printTable } from './support';

const { entries } = await loadAllLists();
let started = performance.now();
const index = new ScreeningIndex(entries);
const rows: Array<Record<string, string | number>> = [{ step: `build afresh (${entries.length} entries)`, ms: Math.round(performance.now() - started) }];
let from = 0;
for (const count of [1, 10, 100, 1000, 2700]) {
  // Each subject comes back amended (its names reversed), so every name is new to the index.
  const changed = entries.slice(from, from + count).map((e) => ({ ...e, names: e.names.map((n) => ({ ...n, name: n.name.split(/\s+/).reverse().join(' ') })) }));
  from += count;
  started = performance.now();
  index.replaceSubjects(changed.map((e) => e.subjectId), changed);
  rows.push({ step: `replace ${count} subjects`, ms: (performance.now() - started).toFixed(1) });
}
printTable(`Keeping the screening index current (load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; size after: ${JSON.stringify(index.size)})`, rows);
