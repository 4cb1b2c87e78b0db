/**
 * The service's memory with the real lists (../shared/data/lists) imported: RSS of `sanctions-ledger start` once
 * listening, after a first POST /screenings (the HTTP screening index is built), and after registering a
 * watchlist entry (the follower's screening of registrations: a second index unless the service shares one).
 * --root <dir> runs the service of another checkout (e.g. a git worktree of an older commit) on the same files.
 * Run: node bin/run-ts.mjs bench/service-screening-memory.ts [--root /tmp/before-checkout]
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Format } from '../src/importers/parse';
import { importFiles } from '../src/importers/import/run-import';
import { Ledger } from '../src/ledger';
import { Projector } from '../src/projector/projector';
import { SqliteEventStore } from '../src/store/sqlite/sqlite-event-store';
import { printTable } from './support';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = process.argv.includes('--root') ? resolve(process.argv[process.argv.indexOf('--root') + 1]!) : resolve(HERE, '..');
const LISTS = resolve(HERE, '../../shared/data/lists');
/** One snapshot of each list (the EU excerpt b would delist most of a: the ledger reads files as snapshots). */
const IMPORTS: ReadonlyArray<[Format, string[], string]> = [
  ['un-xml', ['un/un_consolidated_2024-09-26.xml'], '2024-09-26'],
  ['eu-xml', ['eu/eu_fsf_excerpt_2020-04-15_a.xml'], '2020-04-15'],
  ['ofac-csv', ['sdn.csv', 'add.csv', 'alt.csv', 'sdn_comments.csv'].map((f) => `ofac/2019-01_watchman/${f}`), '2019-01-04'],
  ['ofac-xml', ['ofac-consolidated/consolidated_nonsdn_2020-03-17.xml'], '2020-03-17'],
  ['uk-ofsi-csv', ['uk/ofsi_conlist_2020-04-27.csv'], '2020-04-27'],
  ['uk-xml', ['uk/uk_sanctions_list_xml_excerpt_2026-08-14.xml'], '2026-08-14'],
];

const rssMiB = (pid: number) => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const dir = mkdtempSync(join(tmpdir(), 'service-memory-'));
try {
  const events = SqliteEventStore.open(join(dir, 'ledger.db'));
  const ledger = Ledger.over(events);
  const projector = Projector.open(events, join(dir, 'views.db'));
  for (const [format, files, publishedOn] of IMPORTS) await importFiles({ ledger, projector }, format, files.map((f) => join(LISTS, f)), { publishedOn });
  await projector.catchUp();
  const subjects = (projector.db.prepare('SELECT count(DISTINCT subject_id) AS n FROM designation_segments').get() as { n: number }).n;
  await projector.close();
  await ledger.close();

  // The service of ROOT on a copy of the files, so that each run starts alike.
  const run = join(dir, 'run');
  mkdirSync(run);
  for (const file of ['ledger.db', 'views.db']) copyFileSync(join(dir, file), join(run, file));
  const child = spawn(process.execPath, [join(ROOT, 'bin/sanctions-ledger.mjs'), 'start', '--db', join(run, 'ledger.db'), '--views', join(run, 'views.db')], {
    cwd: ROOT,
    env: { ...process.env, LEDGER_HTTP_PORT: '0', LEDGER_LOG_LEVEL: 'warn', LEDGER_WATCHLISTS_DB: join(run, 'watchlists.db'), LEDGER_TOKENS: '', LEDGER_TOKENS_FILE: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => void (out += chunk.toString()));
  const deadline = Date.now() + 120_000;
  while (!/export LEDGER_TOKEN=\S+/.test(out) && Date.now() < deadline) await sleep(100);
  const base = /listening on (\S+)/.exec(out)![1]!;
  const token = /export LEDGER_TOKEN=(\S+)/.exec(out)![1]!;
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (response.status >= 300) throw new Error(`${path}: ${response.status}`);
  };
  await sleep(2000);
  const rows: Array<Record<string, string | number>> = [{ measure: 'listening (nothing screened yet)', 'RSS MiB': rssMiB(child.pid!) }];
  await post('/screenings', { name: 'Ro Kwang Chol' });
  rows.push({ measure: 'after one POST /screenings', 'RSS MiB': rssMiB(child.pid!) });
  await post('/watchlists', { id: 'bench', entries: [{ id: 'a', name: 'Ro Kwang Chol' }] });
  rows.push({ measure: 'after registering one watchlist entry', 'RSS MiB': rssMiB(child.pid!) });
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  printTable(`Service RSS, ${ROOT}, ${subjects.toLocaleString('en')} subjects (load ${loadavg().map((l) => l.toFixed(1)).join(' ')})`, rows);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
