/**
 * Batches screened on worker threads (src/screening/batch/parallel-batch.ts, workers/) give the one-thread path's
 * answers byte for byte: same receipts (so the same position), same order, same error lines, the fatal line last,
 * over a real views file (the worked example, seeded by the CLI) and its real index. Also when no worker can be
 * used (the views moved on after the batch was pinned) and when the workers end mid-batch.
 */
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Projector } from '../../src/projector/projector';
import {
  BatchWorkerPool,
  batchWorkerCount,
  decodeBatchOptions,
  ndjson,
  planBatch,
  readBatchInput,
  receiptOf,
  screenBatch,
  screenBatchText,
  ScreeningService,
  type BatchFormat,
  type BatchPlan,
  type BatchThreads,
  type ScreenAt,
} from '../../src/screening';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { runCli } from '../support/cli';

let dir: string;
let viewsPath: string;
let store: SqliteEventStore;
let projector: Projector;
let pool: BatchWorkerPool;
let listed: string[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ledger-batch-workers-'));
  viewsPath = join(dir, 'views.db');
  expect(runCli(['--db', join(dir, 'ledger.db'), '--views', viewsPath, 'seed']).status).toBe(0);
  store = SqliteEventStore.open(join(dir, 'ledger.db'));
  projector = Projector.open(store, viewsPath);
  await projector.catchUp();
  listed = (projector.db.prepare('SELECT DISTINCT primary_name AS name FROM designation_segments ORDER BY 1').all() as Array<{ name: string }>).map((r) => r.name);
  pool = new BatchWorkerPool(viewsPath, 2);
  // Warm: the workers hold the index, so the batches below hand them lines from their first chunk on.
  const { position } = new ScreeningService(projector).current();
  const warming = pool.batch(position ?? null, planBatch({}));
  await warming.settled();
  warming.end();
}, 60_000);
afterAll(async () => {
  await pool?.close();
  await projector?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const pinned = () => {
  const { index, position } = new ScreeningService(projector).current();
  const screenAt: ScreenAt = (query, basis) => receiptOf(index, position, query, basis);
  return { screenAt, position: position ?? null };
};
const planOf = (since?: string): BatchPlan => {
  const options = decodeBatchOptions({ asOf: '2024-12-16', knownAt: '2024-12-17T00:00:00Z', ...(since === undefined ? {} : { since }) });
  if (options._tag === 'Left') throw new Error(JSON.stringify(options.left));
  return planBatch(options.right);
};

async function text(answers: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const piece of answers) out += piece;
  return out;
}
const oneThread = (body: string, format: BatchFormat, plan: BatchPlan, screenAt: ScreenAt) => text(ndjson(screenBatch(readBatchInput(Readable.from([body]), format), plan, screenAt)));
const withWorkers = (body: string, format: BatchFormat, plan: BatchPlan, screenAt: ScreenAt, threads: BatchThreads) =>
  text(screenBatchText(readBatchInput(Readable.from([body]), format), plan, screenAt, threads));

/** A line of a customer file: a listed name (perturbed or not), another name, a bad line, a repeated id, a basis field. */
const lineArb = (ids: number) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.record({ id: fc.integer({ min: 0, max: ids }), name: fc.integer({ min: 0, max: 1000 }), how: fc.constantFrom('as is', 'reversed', 'lower', 'letter dropped') }).map(({ id, name, how }) => ({ id, name, how, kind: 'name' as const })) },
    { weight: 2, arbitrary: fc.record({ id: fc.integer({ min: 0, max: ids }), name: fc.string({ minLength: 1, maxLength: 20 }) }).map((l) => ({ ...l, kind: 'other' as const })) },
    { weight: 1, arbitrary: fc.constantFrom('not json', '[1,2]', '{"id":"x"}', '{"id":"y","name":"Kim","asOf":"2024-01-01"}', '{"id":"z","name":"Kim","colour":"red"}', '{"id":"","name":"Kim"}') },
  );
type GeneratedLine = string | { kind: 'name'; id: number; name: number; how: string } | { kind: 'other'; id: number; name: string };

function ndjsonOf(lines: readonly GeneratedLine[]): string {
  return lines
    .map((l) => {
      if (typeof l === 'string') return l;
      if (l.kind === 'other') return JSON.stringify({ id: `c-${l.id}`, name: l.name });
      const name = listed[l.name % listed.length]!;
      const perturbed = l.how === 'reversed' ? name.split(' ').reverse().join(' ') : l.how === 'lower' ? name.toLowerCase() : l.how === 'letter dropped' ? name.slice(0, 2) + name.slice(3) : name;
      return JSON.stringify({ id: `c-${l.id}`, name: perturbed });
    })
    .join('\n');
}

describe('batch screening on worker threads', () => {
  it('given random batches of listed, perturbed, other and bad lines with repeated ids, when screened with two workers from a random line on in random chunks, then the answer is the one-thread answer byte for byte', async () => {
    const { screenAt, position } = pinned();
    await fc.assert(
      fc.asyncProperty(
        fc.array(lineArb(60), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
        async (lines, startAfter, chunkLines, perWorker, lookback) => {
          const body = ndjsonOf(lines);
          const plan = planOf(lookback ? '2024-12-15' : undefined);
          const expected = await oneThread(body, 'ndjson', plan, screenAt);
          expect(await withWorkers(body, 'ndjson', plan, screenAt, { pool, position, startAfter, chunkLines, perWorker })).toBe(expected);
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);

  it('given 3,000 lines, when screened with the workers from the first line, then they answered (at the batch position) and the answer is the one-thread answer', async () => {
    const { screenAt, position } = pinned();
    const lines = Array.from({ length: 3000 }, (_, i) => ({ id: i % 1500 === 7 ? 1 : i, name: i, how: 'as is' as const, kind: 'name' as const }));
    const body = ndjsonOf(lines);
    const plan = planOf();
    const batch = pool.batch(position, plan);
    await batch.settled();
    expect(batch.ready()).toHaveLength(2);
    batch.end();
    const answer = await withWorkers(body, 'ndjson', plan, screenAt, { pool, position, startAfter: 0 });
    expect(answer).toBe(await oneThread(body, 'ndjson', plan, screenAt));
    const positions = new Set(answer.trimEnd().split('\n').flatMap((l) => { const a = JSON.parse(l); return a.receipt === undefined ? [] : [a.receipt.basis.position]; }));
    expect([...positions]).toEqual([position]);
  }, 60_000);

  it('given CSV with a broken quote at its end, when screened with workers, then every row before it is answered in order and the fatal line is last, as on one thread', async () => {
    const { screenAt, position } = pinned();
    const rows = listed.map((name, i) => `r${i},"${name}"`);
    const body = `id,name\n${[...rows, ...rows].join('\n')}\nbad,"never closed\n`;
    const plan = planOf();
    const answer = await withWorkers(body, 'csv', plan, screenAt, { pool, position, startAfter: 0, chunkLines: 7 });
    expect(answer).toBe(await oneThread(body, 'csv', plan, screenAt));
    expect(JSON.parse(answer.trimEnd().split('\n').at(-1)!)).toMatchObject({ error: { errors: [{ path: '(line)' }] } });
  }, 60_000);

  it('given the views moved on after the batch was pinned, when screened, then no worker is used and every answer is at the pinned position', async () => {
    const { screenAt, position } = pinned();
    const plan = planOf();
    // A position the views file is not at: the workers read where the file is and hold nothing for the batch.
    const elsewhere = `${position ?? ''}0`;
    const batch = pool.batch(elsewhere, plan);
    await batch.settled();
    expect(batch.ready()).toHaveLength(0);
    batch.end();
    const body = ndjsonOf(Array.from({ length: 200 }, (_, i) => ({ id: i, name: i, how: 'reversed' as const, kind: 'name' as const })));
    expect(await withWorkers(body, 'ndjson', plan, screenAt, { pool, position: elsewhere, startAfter: 0, chunkLines: 5 })).toBe(await oneThread(body, 'ndjson', plan, screenAt));
  }, 60_000);

  it('given the workers end in the middle of a batch, when it goes on, then their chunks are screened on this thread and the answer is the one-thread answer', async () => {
    const { screenAt, position } = pinned();
    const own = new BatchWorkerPool(viewsPath, 2);
    try {
      const plan = planOf();
      const warming = own.batch(position, plan);
      await warming.settled();
      expect(warming.ready()).toHaveLength(2);
      warming.end();
      const body = ndjsonOf(Array.from({ length: 2000 }, (_, i) => ({ id: i, name: i, how: 'lower' as const, kind: 'name' as const })));
      let out = '';
      let pieces = 0;
      for await (const piece of screenBatchText(readBatchInput(Readable.from([body]), 'ndjson'), plan, screenAt, { pool: own, position, startAfter: 0, chunkLines: 50 })) {
        out += piece;
        if (++pieces === 3) void own.close(); // the threads are terminated with chunks in flight
      }
      expect(out).toBe(await oneThread(body, 'ndjson', plan, screenAt));
    } finally {
      await own.close();
    }
  }, 60_000);
});

describe('batchWorkerCount', () => {
  it.each([
    [undefined, {}, 'default'],
    ['0', {}, 0],
    ['3', { LEDGER_SCREENING_BATCH_WORKERS: '1' }, 3],
    [undefined, { LEDGER_SCREENING_BATCH_WORKERS: '1' }, 1],
    [undefined, { LEDGER_SCREENING_BATCH_WORKERS: ' ' }, 'default'],
  ] as const)('given --workers %j and env %j, then the count is %j', (option, env, expected) => {
    const count = batchWorkerCount(option, env);
    if (expected === 'default') expect(count).toBeGreaterThanOrEqual(1);
    else expect(count).toBe(expected);
  });

  it.each([
    ['abc', {}, '--workers'],
    ['9', {}, '--workers'],
    [undefined, { LEDGER_SCREENING_BATCH_WORKERS: '-1' }, 'LEDGER_SCREENING_BATCH_WORKERS'],
  ] as const)('given --workers %j and env %j, then it is refused naming %s', (option, env, name) => {
    expect(batchWorkerCount(option, env)).toEqual({ error: expect.stringContaining(name) });
  });
});
