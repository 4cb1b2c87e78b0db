/**
 * Batch screening throughput in process, over every shared list: NAMES (default 100,000) generated names
 * (listed names, perturbed, and @faker-js/faker names in many locales; never real screened data) streamed as
 * NDJSON (or CSV) through readBatchInput -> screenBatch -> ndjson, answers counted and dropped. Goal: at least
 * 20,000 names/s. Also the index alone on the same names, to show what the batch path adds. Besides names per
 * wall-clock second, names per CPU second of this process (process.cpuUsage): the figure the shared machine's
 * other jobs do not move, so two runs at different loads compare.
 */
import { allFakers } from '@faker-js/faker';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { decodeBatchOptions, ndjson, planBatch, readBatchInput, receiptOf, screenBatch, ScreeningIndex, type BatchFormat } from '../src/screening';
import { loadAllLists } from './screening-lists';
import { printTable, rate } from './support';

const TOTAL = Number(process.env.NAMES ?? 100_000);
const BASIS = { asOf: '2025-01-01', knownAt: '2025-01-01T00:00:00.000Z' };
const { entries, listings, notes } = await loadAllLists();
notes.forEach((n) => console.log(n));
const index = new ScreeningIndex(entries);

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

/** The body, generated line by line as it is read (the batch is never one string). */
function* body(format: BatchFormat, count: number): Generator<string> {
  if (format === 'csv') yield 'id,name\n';
  for (let i = 0; i < count; i++) {
    yield format === 'csv' ? `n${i},"${names[i]!.replace(/"/g, '""')}"\n` : `${JSON.stringify({ id: `n${i}`, name: names[i] })}\n`;
  }
}

async function run(label: string, format: BatchFormat, count: number, since?: string) {
  const options = decodeBatchOptions({ asOf: BASIS.asOf, knownAt: BASIS.knownAt, ...(since === undefined ? {} : { since }) });
  if (options._tag === 'Left') throw new Error(JSON.stringify(options.left));
  const plan = planBatch(options.right);
  let lines = 0;
  let bytes = 0;
  let matched = 0;
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  for await (const line of ndjson(screenBatch(readBatchInput(Readable.from(body(format, count)), format), plan, (query, basis) => receiptOf(index, '1', query, basis)))) {
    lines++;
    bytes += line.length;
    if (!line.includes('"matches":[]') && !line.includes('"gained":[],"lost":[]')) matched++;
  }
  const ms = performance.now() - t0;
  const cpuMs = cpuMsSince(cpu);
  if (lines !== count) throw new Error(`${label}: ${lines} answers for ${count} lines`);
  return { path: label, names: count, seconds: (ms / 1000).toFixed(1), 'names/s': rate(count, ms), 'names/CPU s': rate(count, cpuMs), 'with a match or change': matched, 'output MB': (bytes / 1024 / 1024).toFixed(0), goal: '≥ 20,000 names/s' };
}

const cpuMsSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};

function indexOnly(count: number) {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < count; i++) index.screen({ name: names[i]! }, BASIS);
  const ms = performance.now() - t0;
  const cpuMs = cpuMsSince(cpu);
  return { path: 'index.screen only (no parsing, receipts or output)', names: count, seconds: (ms / 1000).toFixed(1), 'names/s': rate(count, ms), 'names/CPU s': rate(count, cpuMs), 'with a match or change': '-', 'output MB': '-', goal: '-' };
}

for (let i = 0; i < 1000; i++) index.screen({ name: names[i]! }, BASIS); // warm-up
const rows = [
  indexOnly(TOTAL),
  await run('batch NDJSON -> NDJSON with receipts', 'ndjson', TOTAL),
  await run('batch CSV -> NDJSON with receipts', 'csv', Math.min(TOTAL, 20_000)),
  await run('lookback (since 2024-01-01: two screenings a line)', 'ndjson', Math.min(TOTAL, 20_000), '2024-01-01'),
];
printTable(`Batch screening in process, ${entries.length} listed entries, ${TOTAL} generated names (half listed and perturbed, half fake)`, rows);
