/**
 * One screening over HTTP: `POST /screenings` p50/p99 against the real service (`sanctions-ledger start`) with
 * every shared list imported, one request at a time from this process, keep-alive, on 127.0.0.1 (so the client
 * shares the two cores). The queries are the in-process benchmark's (bench/screening-speed.ts). With
 * `--before <checkout root>` the service of another checkout (e.g. an older commit's `git archive`) runs on the
 * same files at the same time, and the requests alternate between the two, so both see the same machine load.
 * Run: node bin/run-ts.mjs bench/screening-http.ts [--before /tmp/older-checkout] [--requests 1000]
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { loadAllLists, speedQueries } from './screening-lists';
import { importAllLists, startService, THIS_CHECKOUT, type RunningService } from './screening-service';
import { printTable } from './support';

const argValue = (name: string) => (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : undefined);
const BEFORE = argValue('before');
const REQUESTS = Number(argValue('requests') ?? 1000);
const WARM_UP = 100;

const { listings } = await loadAllLists();
const queries = speedQueries(listings);
const lists = await importAllLists();
const roots = [...(BEFORE === undefined ? [] : [resolve(BEFORE)]), THIS_CHECKOUT];
const services: RunningService[] = [];
try {
  for (const root of roots) services.push(await startService(root, lists.dir));
  const screen = async (service: RunningService, name: string) => {
    const response = await fetch(`${service.url}/screenings`, { method: 'POST', headers: { authorization: `Bearer ${service.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
    if (response.status !== 200) throw new Error(`POST /screenings: ${response.status}`);
    await response.arrayBuffer();
  };
  // The first screening builds the service's index; the warm-up also lets the JIT settle.
  for (const service of services) for (let i = 0; i < WARM_UP; i++) await screen(service, queries[i % queries.length]!);
  const times = services.map((): number[] => []);
  for (let i = 0; i < REQUESTS; i++) {
    const name = queries[(WARM_UP + i) % queries.length]!;
    for (const [s, service] of services.entries()) {
      const started = performance.now();
      await screen(service, name);
      times[s]!.push(performance.now() - started);
    }
  }
  const at = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(2);
  const rows = roots.map((root, s) => {
    const sorted = [...times[s]!].sort((a, b) => a - b);
    return { service: root === THIS_CHECKOUT ? 'this checkout' : root, requests: sorted.length, 'p50 ms': at(sorted, 0.5), 'p99 ms': at(sorted, 0.99), 'max ms': at(sorted, 1), goal: '-' };
  });
  printTable(`POST /screenings, one at a time, ${lists.subjects.toLocaleString('en')} subjects from every shared list (load ${loadavg().map((l) => l.toFixed(1)).join(' ')})`, rows);
} finally {
  for (const service of services) await service.stop();
  lists.remove();
}
