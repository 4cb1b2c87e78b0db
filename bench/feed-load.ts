/**
 * The change feed under load (issue 10 item 9): `/health` latency while many clients read `GET /feed` from the
 * start of a ~10k-event log, while clients that never read hold their streams open, and the CPU of the service
 * while 1,000 followers wait at the head. The service is the real process (`sanctions-ledger start`) on
 * 127.0.0.1; the feed clients run in this process and the /health probe in one of its own (on two cores they
 * share the CPU, so the figures are a floor). Goal: /health p99 < 50 ms in every row. "loop waiting for a core" is the share of the
 * window the service's event-loop thread was runnable but had no core (other jobs on the machine).
 *
 *   node bin/run-ts.mjs bench/feed-load.ts [--events 10000 --window 8]   (BENCH_SERVICE_NODE_FLAGS="--cpu-prof ...": the service's Node flags)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SqliteEventStore } from '../src/store/sqlite/sqlite-event-store';
import { generateLedger } from './generate-ledger';
import { printTable } from './support';

const argValue = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const EVENTS = argValue('events', 10_000);
/** Seconds each scenario is watched for (catch-up scenarios stop earlier when every reader is done). */
const WINDOW_S = argValue('window', 8);
const TOKEN = 'bench-reader-token-0123456789abcdef';
const CLI = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../bin/sanctions-ledger.mjs');

const dir = mkdtempSync(join(tmpdir(), 'ledger-feed-bench-'));
const dbPath = join(dir, 'ledger.db');
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });

function startService(): Promise<{ url: string; child: ChildProcess; stop: () => Promise<number | null> }> {
  // Node flags for the service alone (e.g. --cpu-prof, --trace-gc: where a stall's time went).
  const nodeFlags = (process.env.BENCH_SERVICE_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeFlags, CLI, 'start'], {
    env: {
      ...process.env,
      LEDGER_STORE: 'sqlite',
      LEDGER_DB_PATH: dbPath,
      LEDGER_VIEWS_PATH: join(dir, 'views.db'),
      LEDGER_WATCHLISTS_DB: join(dir, 'watchlists.db'),
      LEDGER_HTTP_HOST: '127.0.0.1',
      LEDGER_HTTP_PORT: '0',
      LEDGER_TOKENS: `bench:reader:${TOKEN}`,
      LEDGER_LOG_LEVEL: 'warn',
      // The bench opens up to 1,000 feeds with one token: the caps must let them in.
      LEDGER_FEED_MAX_CONNECTIONS: '2000',
      LEDGER_FEED_MAX_CONNECTIONS_PER_TOKEN: '2000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  return new Promise((resolveStart, reject) => {
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match === null) return;
      child.stdout!.removeAllListeners('data');
      // BENCH_SERVICE_STDOUT=1: the service's output after start (e.g. --trace-gc lines) on this stderr.
      if (process.env.BENCH_SERVICE_STDOUT) child.stdout!.pipe(process.stderr);
      else child.stdout!.resume();
      resolveStart({
        url: match[1]!,
        child,
        stop: () =>
          new Promise((done) => {
            child.once('exit', (code) => done(code));
            child.kill('SIGTERM');
          }),
      });
    });
    child.once('exit', (code) => reject(new Error(`service exited with ${code} before listening:\n${out}`)));
  });
}

/**
 * Probes /health back to back (10 ms apart) for `seconds` from a process of its own, so that the feed clients of
 * this process cannot delay the probe; latencies in ms.
 */
const PROBE = `
const http = require('node:http');
const [url, seconds] = process.argv.slice(1);
const agent = new http.Agent({ keepAlive: false });
const latencies = [];
const end = Date.now() + Number(seconds) * 1000;
(async () => {
  while (Date.now() < end) {
    const started = performance.now();
    await new Promise((done) => http.get(url + '/health', { agent }, (res) => { res.resume(); res.on('end', done); }).on('error', done));
    latencies.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, 10));
  }
  process.stdout.write(JSON.stringify(latencies));
})();
`;

function healthProbe(url: string, seconds: number): Promise<{ probes: number; p50: number; p99: number; max: number }> {
  const child = spawn(process.execPath, ['-e', PROBE, url, String(seconds)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  return new Promise((resolveProbe) =>
    child.once('exit', () => {
      const sorted = (JSON.parse(out || '[]') as number[]).sort((a, b) => a - b);
      const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN);
      resolveProbe({ probes: sorted.length, p50: at(0.5), p99: at(0.99), max: Math.round(sorted[sorted.length - 1] ?? NaN) });
    }),
  );
}

/** Opens one feed; `reading: false` pauses the response at once (a client that never reads). */
function openFeed(url: string, path: string, reading: boolean, lastId?: string) {
  let events = 0;
  let status = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const request = http.get(`${url}${path}`, { agent, headers: { authorization: `Bearer ${TOKEN}` } }, (res) => {
    status = res.statusCode ?? 0;
    if (!reading) return res.pause();
    let tail = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      const text = tail + chunk;
      for (let at = text.indexOf('\nid: '); at !== -1; at = text.indexOf('\nid: ', at + 5)) events += 1;
      tail = text.slice(-4);
      if (lastId !== undefined && text.includes(`id: ${lastId}\n`)) done();
    });
    res.on('end', () => done());
    res.on('error', () => done());
  });
  request.on('error', () => done());
  return { finished, close: () => request.destroy(), status: () => status, events: () => events };
}

/** CPU seconds (user + system) the process has used so far, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
/**
 * Seconds the service's main thread (its event loop) spent runnable but waiting for a core, from the kernel's
 * schedstat: what separates "the loop was busy" from "the machine's other jobs held both cores".
 */
function runQueueSeconds(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e9;
}
function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Math.round(Number(match?.[1] ?? 0) / 1024);
}

async function scenario(
  service: { url: string; child: ChildProcess },
  label: string,
  clients: number,
  reading: boolean,
  head: string,
  after?: string,
) {
  const pid = service.child.pid!;
  const probe = healthProbe(service.url, WINDOW_S);
  const cpuBefore = cpuSeconds(pid);
  const waitBefore = runQueueSeconds(pid);
  const started = performance.now();
  let peakRss = rssMiB(pid);
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, rssMiB(pid))), 100);
  const path = after === undefined ? '/feed' : `/feed?after=${after}`;
  const feeds = Array.from({ length: clients }, () => openFeed(service.url, path, reading, after === undefined ? head : undefined));
  // The window is the probe's: the row ends with it (a probe stuck behind a stall included), whether the readers
  // caught up or not. CPU is taken over the same span: measured at the window's end it missed the stall itself.
  const health = await probe;
  const elapsed = (performance.now() - started) / 1000;
  const cpu = cpuSeconds(pid) - cpuBefore;
  const waited = runQueueSeconds(pid) - waitBefore;
  clearInterval(rssTimer);
  const statuses = new Map<number, number>();
  for (const f of feeds) statuses.set(f.status(), (statuses.get(f.status()) ?? 0) + 1);
  const complete = feeds.filter((f) => f.events() >= EVENTS).length;
  const delivered = feeds.reduce((sum, f) => sum + f.events(), 0);
  for (const f of feeds) f.close();
  await new Promise((r) => setTimeout(r, 1_000));
  return {
    scenario: label,
    clients,
    's watched': elapsed.toFixed(1),
    'caught up': reading && after === undefined ? `${complete}/${clients}` : '-',
    'HTTP statuses': [...statuses].map(([s, n]) => `${s}x${n}`).join(' '),
    '/health probes': health.probes,
    'p50 ms': health.p50,
    'p99 ms': health.p99,
    'max ms': health.max,
    'service CPU %': Math.round((cpu / elapsed) * 100),
    // CPU per event sent: what the feed costs, whatever else holds the cores (the latencies above are not).
    'events sent': delivered,
    'CPU µs per event sent': delivered === 0 ? '-' : Math.round((cpu * 1e6) / delivered),
    'loop waiting for a core %': Math.round((waited / elapsed) * 100),
    'peak RSS MiB': peakRss,
  };
}

const store = SqliteEventStore.open(dbPath);
const { events } = await generateLedger(store, EVENTS);
const log = await store.readAll({ maxCount: 1_000_000 });
const head = log[log.length - 1]!.position;
await store.close();
console.log(`generated ${events} events; head ${head}`);

const rows: Array<Record<string, string | number>> = [];
const service = await startService();
try {
  rows.push(await scenario(service, 'idle (baseline)', 0, true, head, head));
  rows.push(await scenario(service, '20 catch-up readers from the start', 20, true, head));
  rows.push(await scenario(service, '200 catch-up readers from the start', 200, true, head));
  rows.push(await scenario(service, '200 clients that never read', 200, false, head));
  rows.push(await scenario(service, '1,000 idle followers at the head', 1_000, true, head, head));
} finally {
  const code = await service.stop();
  if (code !== 0) console.error(`service exited with ${code} after SIGTERM`);
  rmSync(dir, { recursive: true, force: true });
}
printTable(`GET /feed load over a ${events}-event log, /health probed back to back (10 ms apart), ${WINDOW_S} s window`, rows);
