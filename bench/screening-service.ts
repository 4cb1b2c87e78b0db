/**
 * The real service over the real lists, for the screening benchmarks that go through HTTP: every shared list
 * (../shared/data/lists) imported into a fresh ledger, then `sanctions-ledger start` of a checkout (this one, or
 * another given by its root, to compare two commits on the same files) listening on 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Format } from '../src/importers/parse';
import { importFiles } from '../src/importers/import/run-import';
import { Ledger } from '../src/ledger';
import { Projector } from '../src/projector/projector';
import { SqliteEventStore } from '../src/store/sqlite/sqlite-event-store';

const HERE = dirname(fileURLToPath(import.meta.url));
export const THIS_CHECKOUT = resolve(HERE, '..');
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

export interface ListsLedger {
  readonly dir: string;
  readonly subjects: number;
  remove(): void;
}

/** A ledger and its read models in a temporary directory, with every shared list imported and projected. */
export async function importAllLists(): Promise<ListsLedger> {
  const dir = mkdtempSync(join(tmpdir(), 'screening-service-'));
  const events = SqliteEventStore.open(join(dir, 'ledger.db'));
  const ledger = Ledger.over(events);
  const projector = Projector.open(events, join(dir, 'views.db'));
  for (const [format, files, publishedOn] of IMPORTS) await importFiles({ ledger, projector }, format, files.map((f) => join(LISTS, f)), { publishedOn });
  await projector.catchUp();
  const subjects = (projector.db.prepare('SELECT count(DISTINCT subject_id) AS n FROM designation_segments').get() as { n: number }).n;
  await projector.close();
  await ledger.close();
  return { dir, subjects, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface RunningService {
  readonly url: string;
  readonly token: string;
  readonly pid: number;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts `sanctions-ledger start` of the checkout at `root` on the ledger files in `dir`; resolves once it listens. */
export async function startService(root: string, dir: string): Promise<RunningService> {
  const child = spawn(process.execPath, [join(root, 'bin/sanctions-ledger.mjs'), 'start', '--db', join(dir, 'ledger.db'), '--views', join(dir, 'views.db')], {
    cwd: root,
    env: { ...process.env, LEDGER_HTTP_HOST: '127.0.0.1', LEDGER_HTTP_PORT: '0', LEDGER_LOG_LEVEL: 'warn', LEDGER_WATCHLISTS_DB: join(dir, 'watchlists.db'), LEDGER_TOKENS: '', LEDGER_TOKENS_FILE: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => void (out += chunk.toString()));
  const deadline = Date.now() + 120_000;
  while (!/export LEDGER_TOKEN=\S+/.test(out) && Date.now() < deadline && child.exitCode === null) await sleep(100);
  const url = /listening on (\S+)/.exec(out)?.[1];
  const token = /export LEDGER_TOKEN=(\S+)/.exec(out)?.[1];
  if (url === undefined || token === undefined) {
    child.kill('SIGTERM');
    throw new Error(`the service of ${root} did not start`);
  }
  return {
    url,
    token,
    pid: child.pid!,
    stop: async () => {
      child.kill('SIGTERM');
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
    },
  };
}
