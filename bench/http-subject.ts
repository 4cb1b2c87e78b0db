/**
 * HTTP read path under load: `GET /subjects/{id}?asOf=` with 50 connections against the real service process
 * (`sanctions-ledger start`, projector in-process) on 127.0.0.1, over a generated ledger of 10,000+ subjects.
 * The load generator (autocannon) runs in this process and the server in its own, as in production; on a
 * two-core machine they still share the CPU, so the figures are a floor, not a ceiling.
 *
 *   node bin/run-ts.mjs bench/http-subject.ts [--events 60000 --seconds 10 --connections 50]
 */
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SqliteEventStore } from '../src/store/sqlite/sqlite-event-store';
import { generateLedger } from './generate-ledger';
import { printTable } from './support';

const argValue = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const EVENTS = argValue('events', 60_000);
const SECONDS = argValue('seconds', 10);
const CONNECTIONS = argValue('connections', 50);
const TOKEN = 'bench-reader-token-0123456789abcdef';
const CLI = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../bin/sanctions-ledger.mjs');

const dir = mkdtempSync(join(tmpdir(), 'ledger-http-bench-'));
const dbPath = join(dir, 'ledger.db');

async function generate(): Promise<number> {
  const store = SqliteEventStore.open(dbPath);
  const { events, subjects } = await generateLedger(store, EVENTS);
  await store.close();
  console.log(`generated ${events} events for ${subjects} subjects`);
  return subjects;
}

/** Starts the service over the generated ledger and resolves with its URL and a stop function. */
function startService(logLevel: string): Promise<{ url: string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, [CLI, 'start'], {
    env: {
      ...process.env,
      LEDGER_STORE: 'sqlite',
      LEDGER_DB_PATH: dbPath,
      LEDGER_VIEWS_PATH: join(dir, 'views.db'),
      LEDGER_WATCHLISTS_DB: join(dir, 'watchlists.db'),
      LEDGER_HTTP_HOST: '127.0.0.1',
      LEDGER_HTTP_PORT: '0',
      LEDGER_TOKENS: `bench:reader:${TOKEN}`,
      LEDGER_LOG_LEVEL: logLevel,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  return new Promise((resolveStart, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      // Request logs are not kept: at info level they would fill memory during the run.
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match !== null) {
        out = '';
        child.stdout.removeAllListeners('data');
        child.stdout.resume();
        resolveStart({
          url: match[1]!,
          stop: () =>
            new Promise((done) => {
              child.once('exit', (code) => done(code));
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`service exited with ${code} before listening:\n${out}`)));
  });
}

async function load(url: string, label: string, path: (n: number) => string) {
  let n = 0;
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { authorization: `Bearer ${TOKEN}` },
    requests: [{ setupRequest: (request) => ({ ...request, path: path(n++) }) }],
  });
  return {
    scenario: label,
    connections: CONNECTIONS,
    requests: result.requests.total,
    'req/s (mean)': Math.round(result.requests.average),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    'max ms': result.latency.max,
    'non-2xx': result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

const subjects = await generate();
const rows: Array<Record<string, string | number>> = [];
try {
  for (const logLevel of ['info', 'warn']) {
    const service = await startService(logLevel);
    try {
      // Warm-up: the first requests compile the query plans and fill SQLite's page cache.
      await autocannon({ url: `${service.url}/subjects/gen-1?asOf=2020-01-01`, connections: 10, amount: 2000, headers: { authorization: `Bearer ${TOKEN}` } });
      // Baseline: the same HTTP stack (auth, hooks, logging, JSON) with no query behind it.
      rows.push(await load(service.url, `GET /health (baseline: public, no query), log ${logLevel}`, () => '/health'));
      rows.push(await load(service.url, `one subject, log ${logLevel}`, () => '/subjects/gen-1?asOf=2020-01-01'));
      rows.push(
        await load(service.url, `random of ${subjects} subjects, log ${logLevel}`, (i) => `/subjects/gen-${(i * 7919) % subjects}?asOf=2020-01-01`),
      );
    } finally {
      const code = await service.stop();
      if (code !== 0) console.error(`service exited with ${code} after SIGTERM`);
    }
  }
  printTable(`GET /subjects/{id}?asOf= over HTTP, ${SECONDS} s per row, ${CONNECTIONS} connections, 127.0.0.1`, rows);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
