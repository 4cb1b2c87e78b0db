/**
 * The service's memory with the real lists (../shared/data/lists) imported: RSS of `sanctions-ledger start` once
 * listening, after a first POST /screenings (the HTTP screening index is built), and after registering a
 * watchlist entry (the follower's screening of registrations: a second index unless the service shares one).
 * --root <dir> runs the service of another checkout (e.g. a git worktree of an older commit) on the same files.
 * Run: node bin/run-ts.mjs bench/service-screening-memory.ts [--root /tmp/before-checkout]
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { importAllLists, startService, THIS_CHECKOUT } from './screening-service';
import { printTable } from './support';

const ROOT = process.argv.includes('--root') ? resolve(process.argv[process.argv.indexOf('--root') + 1]!) : THIS_CHECKOUT;

const rssMiB = (pid: number) => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const lists = await importAllLists();
try {
  // The service of ROOT on a copy of the files, so that each run starts alike.
  const run = join(lists.dir, 'run');
  mkdirSync(run);
  for (const file of ['ledger.db', 'views.db']) copyFileSync(join(lists.dir, file), join(run, file));
  const service = await startService(ROOT, run);
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${service.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${service.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (response.status >= 300) throw new Error(`${path}: ${response.status}`);
  };
  await sleep(2000);
  const rows: Array<Record<string, string | number>> = [{ measure: 'listening (nothing screened yet)', 'RSS MiB': rssMiB(service.pid) }];
  await post('/screenings', { name: 'Ro Kwang Chol' });
  rows.push({ measure: 'after one POST /screenings', 'RSS MiB': rssMiB(service.pid) });
  await post('/watchlists', { id: 'bench', entries: [{ id: 'a', name: 'Ro Kwang Chol' }] });
  rows.push({ measure: 'after registering one watchlist entry', 'RSS MiB': rssMiB(service.pid) });
  await service.stop();
  printTable(`Service RSS, ${ROOT}, ${lists.subjects.toLocaleString('en')} subjects (load ${loadavg().map((l) => l.toFixed(1)).join(' ')})`, rows);
} finally {
  lists.remove();
}
