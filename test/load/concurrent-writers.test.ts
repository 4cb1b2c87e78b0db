/**
 * Concurrent writers (issue "Proof under load"): 8 writer processes send conflicting commands about the same
 * subjects to TWO service processes sharing one SQLite store. Every command must end accepted, refused by a
 * rule, or reported as a conflict; no stream may have a gap or a duplicate revision; replaying the accepted
 * commands one by one, in the order they were appended, must give exactly the same events; verify passes.
 */
import Database from 'better-sqlite3';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as E from 'fp-ts/Either';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/audit/verify';
import { CommandHandler } from '../../src/commands/command-handler';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { startService } from '../support/service-process';

const WRITERS = Number(process.env.LEDGER_LOAD_WRITERS ?? 8);
const COMMANDS_PER_WRITER = Number(process.env.LEDGER_LOAD_COMMANDS ?? 60);
const TOKEN = 'load-test-writer-token-0123456789';
const RUN_TS = resolve(__dirname, '../../bin/run-ts.mjs');
const WORKER = resolve(__dirname, 'writer-process.ts');

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

function runWriter(url: string, worker: number): Promise<Outcome[]> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [RUN_TS, WORKER, url, TOKEN, String(worker), String(COMMANDS_PER_WRITER), String(worker * 7919 + 1)]);
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('exit', (code) => (code === 0 ? done(out.trim().split('\n').map((l) => JSON.parse(l) as Outcome)) : fail(new Error(`writer ${worker} exited ${code}: ${err}`))));
  });
}

describe('concurrent writers through the HTTP API', () => {
  it(`${WRITERS} processes, 2 services, one store: every command accounted for, replay equals the log`, async () => {
    const ledgerFile = join(dir, 'ledger.db');
    const env = (name: string) => ({ LEDGER_DB_PATH: ledgerFile, LEDGER_VIEWS_PATH: join(dir, `views-${name}.db`), LEDGER_HTTP_PORT: '0', LEDGER_HTTP_HOST: '127.0.0.1', LEDGER_TOKENS: `load:writer:${TOKEN}`, LEDGER_LOG_LEVEL: 'warn', LEDGER_STORE: 'sqlite', LEDGER_ESDB_URL: '' });
    const a = await startService(env('a'), ['start'], children);
    const b = await startService(env('b'), ['start'], children);
    const outcomes = (await Promise.all(Array.from({ length: WRITERS }, (_, w) => runWriter(w % 2 === 0 ? a.url : b.url, w)))).flat();
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    await Promise.all([a.exited, b.exited]);

    // Every command ended in one of the three outcomes.
    expect(outcomes).toHaveLength(WRITERS * COMMANDS_PER_WRITER);
    const byStatus: Record<string, Outcome[]> = {};
    for (const o of outcomes) (byStatus[String(o.status)] ??= []).push(o);
    expect(Object.keys(byStatus).every((s) => ['201', '422', '409'].includes(s)), JSON.stringify(Object.keys(byStatus))).toBe(true);
    expect(byStatus['201']?.length ?? 0).toBeGreaterThan(10);
    expect(byStatus['422']?.length ?? 0).toBeGreaterThan(10);

    // No gap and no duplicate revision in any stream; accepted commands are in, the others are absent.
    const db = new Database(ledgerFile, { readonly: true });
    const rows = db.prepare('SELECT stream_id, revision, type, data, envelope FROM events ORDER BY position').all() as Array<{ stream_id: string; revision: number; type: string; data: string; envelope: string }>;
    db.close();
    const revisions = new Map<string, number[]>();
    for (const row of rows) revisions.set(row.stream_id, [...(revisions.get(row.stream_id) ?? []), row.revision]);
    for (const [stream, list] of revisions) expect(list, stream).toEqual(list.map((_, i) => i));
    const commandIds = new Set(rows.map((r) => (JSON.parse(r.envelope) as { commandId: string }).commandId));
    for (const o of outcomes) expect(commandIds.has(o.commandId), `${o.commandId} ${o.status}`).toBe(o.status === 201);

    // A sequential replay of the accepted commands, in the order the log holds them, gives the same events.
    const accepted = (byStatus['201'] ?? []).sort((x, y) => (x.positions[0]! < y.positions[0]! ? -1 : 1));
    const replayStore = SqliteEventStore.open(':memory:');
    const replay = new CommandHandler(replayStore);
    for (const o of accepted) {
      const result = await replay.handle({ type: o.type, data: o.data }, { actor: { id: 'replay', kind: 'service' }, source: { publisher: 'replay' }, commandId: o.commandId });
      expect(E.isRight(result), `${o.commandId} ${JSON.stringify(E.isLeft(result) && result.left)}`).toBe(true);
    }
    const replayed = (await replayStore.readAll({ maxCount: 100_000 })).map((e) => [e.streamId, e.revision, e.type, e.data]);
    const original = rows.filter((r) => r.stream_id.startsWith('subject-s')).map((r) => [r.stream_id, r.revision, r.type, JSON.parse(r.data)]);
    expect(replayed).toEqual(original);
    await replayStore.close();

    const store = SqliteEventStore.open(ledgerFile);
    expect((await verifyLedger(store)).ok).toBe(true);
    await store.close();
    const retried = outcomes.filter((o) => (o.attempts ?? 1) > 1).length;
    console.info(`concurrent writers: ${outcomes.length} commands from ${WRITERS} processes: ${Object.entries(byStatus).map(([s, l]) => `${l.length} × ${s}`).join(', ')}; ${retried} accepted after re-reading on a conflict`);
  }, 240_000);
});
