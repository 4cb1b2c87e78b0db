/**
 * Concurrent writers (issue "Proof under load"): 8 writer processes send conflicting commands to TWO service
 * processes sharing one SQLite store, in two runs:
 *   mixed: designations, amendments and delistings of a few shared subjects (many refused by the rules);
 *   hot:   amendments of ONE designation, several requests in flight per writer, so that each service keeps
 *          deciding on a revision the other has just moved (conflicts, re-read and decided again).
 * Every command must end accepted, refused by a rule, or reported as a conflict; no stream may have a gap or a
 * duplicate revision; replaying the accepted commands one by one, in the order they were appended, must give
 * exactly the same events; verify passes.
 */
import Database from 'better-sqlite3';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as E from 'fp-ts/Either';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/audit/verify';
import { subjectStream } from '../../src/commands/command-catalogue';
import { CommandHandler } from '../../src/commands/command-handler';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { startService } from '../support/service-process';

const WRITERS = Number(process.env.LEDGER_LOAD_WRITERS ?? 8);
const COMMANDS_PER_WRITER = Number(process.env.LEDGER_LOAD_COMMANDS ?? 60);
const TOKEN = 'load-test-writer-token-0123456789';
const RUN_TS = resolve(__dirname, '../../bin/run-ts.mjs');
const WORKER = resolve(__dirname, 'writer-process.ts');
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

interface Outcome {
  commandId: string;
  type: string;
  data: Record<string, unknown>;
  status: number;
  rule?: string;
  attempts?: number;
  positions: string[];
}

const dir = mkdtempSync(join(tmpdir(), 'ledger-load-'));
const children: ChildProcessWithoutNullStreams[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

type Mode = 'mixed' | 'hot';

function runWriter(url: string, worker: number, mode: Mode, inFlight: number): Promise<Outcome[]> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [RUN_TS, WORKER, url, TOKEN, String(worker), String(COMMANDS_PER_WRITER), String(worker * 7919 + 1), mode, String(inFlight)]);
    children.push(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('exit', (code) => (code === 0 ? done(out.trim().split('\n').map((l) => JSON.parse(l) as Outcome)) : fail(new Error(`writer ${worker} exited ${code}: ${err}`))));
  });
}

/** The hot run's one designation, made before the writers start (and replayed with their commands). */
async function designateHotSubject(url: string): Promise<Outcome> {
  const commandId = 'hot-designation';
  const data = { subjectId: 'hot', kind: 'entity', regime: 'EU:RUS', identity: { names: [{ name: 'Hot Trading LLC', quality: 'primary' }] }, measures: ['asset-freeze'], legalBasis: ['ACT-0'], effectiveFrom: '2024-01-01' };
  const response = await fetch(`${url}/commands/DesignateSubject`, { method: 'POST', headers, body: JSON.stringify({ data, source: { publisher: 'concurrency test' }, commandId }) });
  const body = (await response.json()) as { events: Array<{ position: string }> };
  expect(response.status).toBe(201);
  return { commandId, type: 'DesignateSubject', data, status: 201, positions: body.events.map((e) => e.position) };
}

/** Two services over one new store, WRITERS writer processes split between them; returns every outcome. */
async function run(mode: Mode, inFlight: number) {
  const ledgerFile = join(dir, `${mode}.db`);
  const env = (name: string) => ({ LEDGER_DB_PATH: ledgerFile, LEDGER_VIEWS_PATH: join(dir, `${mode}-views-${name}.db`), LEDGER_HTTP_PORT: '0', LEDGER_HTTP_HOST: '127.0.0.1', LEDGER_TOKENS: `load:writer:${TOKEN}`, LEDGER_LOG_LEVEL: 'warn', LEDGER_STORE: 'sqlite', LEDGER_ESDB_URL: '' });
  const a = await startService(env('a'), ['start'], children);
  const b = await startService(env('b'), ['start'], children);
  const setup = mode === 'hot' ? [await designateHotSubject(a.url)] : [];
  const outcomes = (await Promise.all(Array.from({ length: WRITERS }, (_, w) => runWriter(w % 2 === 0 ? a.url : b.url, w, mode, inFlight)))).flat();
  a.child.kill('SIGTERM');
  b.child.kill('SIGTERM');
  await Promise.all([a.exited, b.exited]);
  expect(outcomes).toHaveLength(WRITERS * COMMANDS_PER_WRITER);
  return { ledgerFile, setup, outcomes };
}

/** Everything the issue promises of a run, checked against the store file itself. */
async function expectAccountedFor(ledgerFile: string, commands: Outcome[]) {
  // Every command ended in one of the three outcomes.
  const byStatus: Record<string, Outcome[]> = {};
  for (const o of commands) (byStatus[String(o.status)] ??= []).push(o);
  expect(Object.keys(byStatus).every((s) => ['201', '422', '409'].includes(s)), JSON.stringify(Object.keys(byStatus))).toBe(true);

  // No gap and no duplicate revision in any stream; accepted commands are in, the others are absent.
  const db = new Database(ledgerFile, { readonly: true });
  const rows = db.prepare('SELECT stream_id, revision, type, data, envelope FROM events ORDER BY position').all() as Array<{ stream_id: string; revision: number; type: string; data: string; envelope: string }>;
  db.close();
  const revisions = new Map<string, number[]>();
  for (const row of rows) revisions.set(row.stream_id, [...(revisions.get(row.stream_id) ?? []), row.revision]);
  for (const [stream, list] of revisions) expect(list, stream).toEqual(list.map((_, i) => i));
  const commandIds = new Set(rows.map((r) => (JSON.parse(r.envelope) as { commandId: string }).commandId));
  for (const o of commands) expect(commandIds.has(o.commandId), `${o.commandId} ${o.status}`).toBe(o.status === 201);

  // A sequential replay of the accepted commands, in the order the log holds them, gives the same events.
  const accepted = (byStatus['201'] ?? []).sort((x, y) => (x.positions[0]! < y.positions[0]! ? -1 : 1));
  const replayStore = SqliteEventStore.open(':memory:');
  const replay = new CommandHandler(replayStore);
  for (const o of accepted) {
    const result = await replay.handle({ type: o.type, data: o.data }, { actor: { id: 'replay', kind: 'service' }, source: { publisher: 'replay' }, commandId: o.commandId });
    expect(E.isRight(result), `${o.commandId} ${JSON.stringify(E.isLeft(result) && result.left)}`).toBe(true);
  }
  const streams = new Set(commands.map((o) => subjectStream(o.data.subjectId as string)));
  const replayed = (await replayStore.readAll({ maxCount: 100_000 })).map((e) => [e.streamId, e.revision, e.type, e.data]);
  const original = rows.filter((r) => streams.has(r.stream_id)).map((r) => [r.stream_id, r.revision, r.type, JSON.parse(r.data)]);
  expect(replayed).toEqual(original);
  await replayStore.close();

  const store = SqliteEventStore.open(ledgerFile);
  expect((await verifyLedger(store)).ok).toBe(true);
  await store.close();

  const retried = commands.filter((o) => (o.attempts ?? 1) > 1).length;
  const conflicts = retried + (byStatus['409']?.length ?? 0);
  return { conflicts, summary: `${commands.length} commands: ${Object.entries(byStatus).map(([s, l]) => `${l.length} × ${s}`).join(', ')}; ${retried} accepted after re-reading on a conflict` };
}

describe('concurrent writers through the HTTP API', () => {
  it(`${WRITERS} processes, 2 services, one store, mixed commands: every command accounted for, replay equals the log`, async () => {
    const { ledgerFile, outcomes } = await run('mixed', 1);
    const statuses = new Set(outcomes.map((o) => o.status));
    expect(statuses.has(201) && statuses.has(422), 'both accepted and refused commands').toBe(true);
    console.info(`concurrent writers (mixed, ${WRITERS} processes): ${(await expectAccountedFor(ledgerFile, outcomes)).summary}`);
  }, 240_000);

  it(`${WRITERS} processes, 2 services, one hot stream: conflicts are re-decided or reported, never forked`, async () => {
    const { ledgerFile, setup, outcomes } = await run('hot', 4);
    const { conflicts, summary } = await expectAccountedFor(ledgerFile, [...setup, ...outcomes]);
    console.info(`concurrent writers (hot stream, ${WRITERS} processes × 4 in flight): ${summary}`);
    // The point of this run: the services really did decide on stale revisions (about 40% of commands here).
    expect(conflicts, 'conflicts met in the hot run').toBeGreaterThan(0);
  }, 240_000);
});
