/**
 * Batch screening throughput in process, over every shared list imported into a real ledger and views file
 * (screening-service.ts importAllLists; LISTS_LEDGER=<dir> reuses one): NAMES (default 100,000) generated names
 * (listed names, perturbed, and @faker-js/faker names in many locales; never real screened data) streamed as
 * NDJSON (or CSV) through readBatchInput -> screenBatchText, answers counted and hashed. Goal: at least 20,000
 * names/s. Each path on this thread only and with the worker threads (LEDGER_SCREENING_BATCH_WORKERS, default one per
 * core): cold is the CLI's case (the workers start and build their index during the batch), warm the service's
 * (they hold it from an earlier batch). The answers of both are compared byte for byte. Also the index alone on
 * the same names. Besides names per wall-clock second, names per CPU second of this process (process.cpuUsage,
 * every thread): the figure the shared machine's other jobs do not move much, so two runs at different loads compare.
 */
import { allFakers } from '@faker-js/faker';
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { Projector } from '../src/projector/projector';
import { BatchWorkerPool, batchWorkerCount, decodeBatchOptions, planBatch, readBatchInput, receiptOf, screenBatchText, ScreeningService, type BatchFormat } from '../src/screening';
import { SqliteEventStore } from '../src/store/sqlite/sqlite-event-store';
import { importAllLists } from './screening-service';
import { loadAllLists } from './screening-lists';
import { printTable, rate } from './support';

const TOTAL = Number(process.env.NAMES ?? 100_000);
const SMALL = Math.min(TOTAL, 20_000);
const WORKERS = batchWorkerCount();
if (typeof WORKERS !== 'number') throw new Error(WORKERS.error);
const BASIS = { asOf: '2025-01-01', knownAt: '2025-01-01T00:00:00.000Z' };
const { listings, notes } = await loadAllLists();
notes.forEach((n) => console.log(n));

const dir = process.env.LISTS_LEDGER ?? (await importAllLists()).dir;
console.log(`ledger and views in ${dir}`);
const store = SqliteEventStore.open(join(dir, 'ledger.db'));
const viewsPath = join(dir, 'views.db');
const projector = Projector.open(store, viewsPath);
await projector.catchUp();
const { index, position } = new ScreeningService(projector).current();
const entryCount = (projector.db.prepare('SELECT count(*) AS n FROM designation_segments').get() as { n: number }).n;

/** Half listed names (as listed, reversed, a letter dropped, lower case), half fake names: a customer file has both. */
const LOCALES = ['en', 'de', 'fr', 'es', 'ru', 'ar', 'ko', 'zh_CN', 'tr', 'pt_BR'].filter((l) => l in allFakers);
const PERTURB = [(n: string) => n, (n: string) => n.split(/\s+/).reverse().join(' '), (n: string) => n.slice(0, n.length >> 1) + n.slice((n.length >> 1) + 1), (n: string) => n.toLowerCase()];
function nameAt(i: number): string {
  if (i % 2 === 0) {
    const listed = listings[(i * 7919) % listings.length]!.identity.names[0]!.name;
    return PERTURB[(i >> 1) % PERTURB.length]!(listed);
  }
  const faker = allFakers[LOCALES[i % LOCALES.length] as keyof typeof allFakers];
  return i % 8 === 7 ? faker.company.name() : faker.person.fullName();
}
LOCALES.forEach((l) => allFakers[l as keyof typeof allFakers].seed(12));
const names = Array.from({ length: TOTAL }, (_, i) => nameAt(i));

/** The body, generated line by line as it is read (the batch is never one string); a bad line and a repeated id in it. */
function* body(format: BatchFormat, count: number): Generator<string> {
  if (format === 'csv') yield 'id,name\n';
  for (let i = 0; i < count; i++) {
    if (i === 777) yield format === 'csv' ? 'n1,"a repeated id"\n' : 'not json\n';
    yield format === 'csv' ? `n${i},"${names[i]!.replace(/"/g, '""')}"\n` : `${JSON.stringify({ id: `n${i}`, name: names[i] })}\n`;
  }
}

const cpuMsSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};
const load = () => loadavg()[0]!.toFixed(1);

let pool: BatchWorkerPool | undefined;
const digests = new Map<string, string>();

async function run(label: string, format: BatchFormat, count: number, threads: 'this thread' | 'workers, cold' | 'workers, warm', since?: string) {
  const options = decodeBatchOptions({ asOf: BASIS.asOf, knownAt: BASIS.knownAt, ...(since === undefined ? {} : { since }) });
  if (options._tag === 'Left') throw new Error(JSON.stringify(options.left));
  const plan = planBatch(options.right);
  if (threads === 'workers, cold') {
    await pool?.close();
    pool = new BatchWorkerPool(viewsPath, WORKERS as number);
  }
  const hash = createHash('sha256');
  let lines = 0;
  let bytes = 0;
  const rss0 = process.memoryUsage().rss;
  let rssMax = rss0;
  const cpu = process.cpuUsage();
  const elu = performance.eventLoopUtilization();
  const t0 = performance.now();
  const screenAt = (query: Parameters<typeof index.screen>[0], basis: typeof BASIS) => receiptOf(index, position, query, basis);
  const threadsOf = { pool: threads === 'this thread' ? undefined : pool, position: position ?? null };
  for await (const text of screenBatchText(readBatchInput(Readable.from(body(format, count)), format), plan, screenAt, threadsOf)) {
    hash.update(text);
    bytes += text.length;
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lines++;
    if (lines % 5000 < 300) rssMax = Math.max(rssMax, process.memoryUsage().rss);
  }
  const ms = performance.now() - t0;
  const cpuMs = cpuMsSince(cpu);
  const expected = count + 1;
  if (lines !== expected) throw new Error(`${label}: ${lines} answers for ${expected} lines`);
  const key = `${label}|${count}`;
  const digest = hash.digest('hex');
  const same = digests.has(key) ? (digests.get(key) === digest ? 'yes' : 'NO') : '(reference)';
  digests.set(key, digest);
  return { path: label, threads: threads === 'this thread' ? 'this thread' : `${WORKERS} ${threads}`, names: count, seconds: (ms / 1000).toFixed(1), 'names/s': rate(count, ms), 'names/CPU s': rate(count, cpuMs), 'same bytes': same, 'output MB': (bytes / 1024 / 1024).toFixed(0), 'this thread busy': `${(100 * performance.eventLoopUtilization(elu).utilization).toFixed(0)}%`, 'RSS +MB': ((rssMax - rss0) / 1024 / 1024).toFixed(0), load: load() };
}

function indexOnly(count: number) {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < count; i++) index.screen({ name: names[i]! }, BASIS);
  const ms = performance.now() - t0;
  return { path: 'index.screen only (no parsing, receipts or output)', threads: 'this thread', names: count, seconds: (ms / 1000).toFixed(1), 'names/s': rate(count, ms), 'names/CPU s': rate(count, cpuMsSince(cpu)), 'same bytes': '-', 'output MB': '-', 'this thread busy': '-', 'RSS +MB': '-', load: load() };
}

/** The workers' start and index build alone: the cost a cold batch pays before they answer. */
async function workerBuild() {
  await pool?.close();
  pool = new BatchWorkerPool(viewsPath, WORKERS as number);
  const rss0 = process.memoryUsage().rss;
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const batch = pool.batch(position ?? null, planBatch({}));
  await batch.settled();
  const ms = performance.now() - t0;
  const ready = batch.ready().length;
  const onThread = batch.prepareMs().map((m) => (m / 1000).toFixed(2)).join(' and ');
  batch.end();
  return `${WORKERS} workers started and built their index in ${(ms / 1000).toFixed(2)} s (CPU ${(cpuMsSince(cpu) / 1000).toFixed(2)} s, ${ready} ready; reading the views and building the index ${onThread} s on the threads; RSS +${((process.memoryUsage().rss - rss0) / 1024 / 1024).toFixed(0)} MB), load ${load()}`;
}

for (let i = 0; i < 1000; i++) index.screen({ name: names[i]! }, BASIS); // warm-up
const build = await workerBuild();
const rows = [
  indexOnly(TOTAL),
  await run('batch NDJSON -> NDJSON with receipts', 'ndjson', TOTAL, 'this thread'),
  await run('batch NDJSON -> NDJSON with receipts', 'ndjson', TOTAL, 'workers, cold'),
  await run('batch NDJSON -> NDJSON with receipts', 'ndjson', TOTAL, 'workers, warm'),
  await run('batch CSV -> NDJSON with receipts', 'csv', SMALL, 'this thread'),
  await run('batch CSV -> NDJSON with receipts', 'csv', SMALL, 'workers, warm'),
  await run('lookback (since 2024-01-01: two screenings a line)', 'ndjson', SMALL, 'this thread', '2024-01-01'),
  await run('lookback (since 2024-01-01: two screenings a line)', 'ndjson', SMALL, 'workers, warm', '2024-01-01'),
];
await pool?.close();
await projector.close();
await store.close();
console.log(build);
printTable(`Batch screening in process, ${entryCount} segments, ${TOTAL} generated names (half listed and perturbed, half fake); goal ≥ 20,000 names/s`, rows);
