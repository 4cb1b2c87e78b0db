/**
 * Watchlists (issue 14): how many candidate entries one listed name pulls from the key index of a watchlist of N
 * generated names (default 100,000; --size N), for listed names of OFAC's SDN 2019 (individuals) and for
 * generated names like the customers' own; how many of them screening then matches; and, for --exact names,
 * every entry screening matches found by screening the whole watchlist (the candidates must include them all).
 * Run: node bin/run-ts.mjs bench/watchlist-candidates.ts [--size 100000] [--exact 20]
 */
import { faker } from '@faker-js/faker';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { ScreeningIndex, type ScreeningEntry } from '../src/screening';
import { WatchlistStore } from '../src/watchlists';
import { queryOf, type WatchlistEntry } from '../src/watchlists/entry-codec';
import { printTable } from './support';

const arg = (name: string, fallback: number) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
const SIZE = arg('--size', 100_000);
const EXACT = arg('--exact', 20);
const SDN = join(resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/data/lists'), 'ofac/2019-01_watchman/sdn.csv');
const BASIS = { asOf: '2025-01-01', knownAt: '2025-01-01T00:00:00.000Z' };

/** One listed name as the follower sees a changed subject: one segment in force at the basis. */
const listed = (name: string, i: number): ScreeningEntry => ({
  subjectId: `s${i}`, designationId: `d${i}`, kind: 'person', authority: 'OFAC', regime: 'OFAC:SDGT', primaryName: name,
  names: [{ name, quality: 'primary' }], identifiers: [], birthDates: [], countries: [],
  effectiveFrom: '2020-01-01', effectiveTo: '9999-12-31', recordedFrom: '2020-01-01T00:00:00.000Z', recordedTo: '9999-12-31T23:59:59.999Z',
});

function sdnIndividuals(count: number): string[] {
  const names: string[] = [];
  for (const line of readFileSync(SDN, 'latin1').split('\n')) {
    const individual = /^\d+,"([^"]+)","individual"/.exec(line);
    if (individual === null) continue;
    names.push(individual[1]!);
    if (names.length === count) break;
  }
  return names;
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

faker.seed(14);
const entries: WatchlistEntry[] = Array.from({ length: SIZE }, (_, i) => ({ id: `c${i}`, name: faker.person.fullName(), ...(i % 4 === 0 ? { birthDate: String(1940 + (i % 60)) } : {}) }));
const dir = mkdtempSync(join(tmpdir(), 'watchlist-candidates-'));
const store = WatchlistStore.open(join(dir, 'watchlists.db'));
try {
  const started = performance.now();
  store.create('customers');
  store.transaction(() => entries.forEach((e) => store.putEntry('customers', e)));
  const loadMs = Math.round(performance.now() - started);
  const keyRows = (store.db.prepare('SELECT count(*) AS n FROM entry_keys').get() as { n: number }).n;

  const groups: Array<[string, string[]]> = [
    ['OFAC SDN 2019 individuals', sdnIndividuals(300)],
    ['generated names (as a designated customer)', entries.slice(0, 100).map((e) => e.name)],
  ];
  const rows: Array<Record<string, string | number>> = [];
  for (const [group, names] of groups) {
    const counts: number[] = [];
    let matched = 0;
    let lookupMs = 0;
    for (const [i, name] of names.entries()) {
      const segment = listed(name, i);
      const t0 = performance.now();
      const found = store.candidatesOf([segment]);
      lookupMs += performance.now() - t0;
      counts.push(found.length);
      const local = new ScreeningIndex([segment]);
      matched += found.filter((c) => local.screen(queryOf(c.entry), BASIS).length > 0).length;
    }
    rows.push({
      'listed names': `${group} (${names.length})`,
      'candidates p50': pct(counts, 50),
      'candidates p99': pct(counts, 99),
      'candidates max': Math.max(...counts),
      'candidates mean': Math.round(counts.reduce((a, b) => a + b, 0) / counts.length),
      'matched (sum)': matched,
      'lookup mean': `${(lookupMs / names.length).toFixed(2)} ms`,
    });
  }
  printTable(`Candidates per listed name, watchlist of ${SIZE.toLocaleString('en')} generated names`, rows);

  // The candidates must include every entry screening matches: screen the whole watchlist for a few names.
  let missed = 0;
  let exactMatches = 0;
  const probes = [...sdnIndividuals(EXACT / 2), ...entries.slice(0, EXACT / 2).map((e) => e.name)];
  for (const [i, name] of probes.entries()) {
    const segment = listed(name, i);
    const local = new ScreeningIndex([segment]);
    const candidates = new Set(store.candidatesOf([segment]).map((c) => c.entry.id));
    for (const entry of entries) {
      if (local.screen(queryOf(entry), BASIS).length === 0) continue;
      exactMatches += 1;
      if (!candidates.has(entry.id)) missed += 1;
    }
  }
  printTable('Key index and exact check', [
    { measure: `key index of ${SIZE.toLocaleString('en')} entries`, value: `${keyRows.toLocaleString('en')} key rows`, note: `written in ${loadMs} ms` },
    { measure: `whole-watchlist screening of ${probes.length} listed names`, value: `${exactMatches} matches`, note: `${missed} not among the candidates` },
    { measure: 'load average (1, 5, 15 min)', value: loadavg().map((l) => l.toFixed(1)).join(', '), note: '' },
  ]);
} finally {
  store.close();
  rmSync(dir, { recursive: true, force: true });
}
