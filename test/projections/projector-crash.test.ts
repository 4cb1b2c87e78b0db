/**
 * The projector survives kill -9. Real child processes (`sanctions-ledger project`) are killed several times:
 * while following the log batch by batch (a checkpoint per batch) and in the middle of bulk-loading empty read
 * models (one transaction). After the last restart the read models equal a rebuild from scratch: nothing
 * skipped, nothing applied twice.
 */
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Projector } from '../../src/projector/projector';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { designatedEvent } from '../../bench/support';
import { CLI, runCli } from '../support/cli';

const EVENTS = 30_000;
/** The incremental run's views are loaded up to here before the rest of the log is appended. */
const LOADED_FIRST = 5_000;
let dir: string;
let ledgerFile: string;
let incrementalViews: string;

async function append(store: SqliteEventStore, from: number, to: number) {
  for (let n = from; n < to; n += 1000) {
    await store.appendToStream(`subject-s${n}`, Array.from({ length: 1000 }, (_, i) => designatedEvent(n + i)));
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'projector-crash-'));
  ledgerFile = join(dir, 'ledger.db');
  incrementalViews = join(dir, 'incremental-views.db');
  const store = SqliteEventStore.open(ledgerFile);
  await append(store, 0, LOADED_FIRST);
  const projector = Projector.open(store, incrementalViews);
  await projector.catchUp();
  await projector.close();
  await append(store, LOADED_FIRST, EVENTS);
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a read-only query on the views file; undefined while the file or table does not exist yet. */
function peek<T>(viewsFile: string, sql: string): T | undefined {
  try {
    const db = new Database(viewsFile, { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).pluck().get() as T;
    } finally {
      db.close();
    }
  } catch {
    return undefined;
  }
}

const checkpointOf = (viewsFile: string) => peek<string | null>(viewsFile, 'SELECT min(position) FROM checkpoints') ?? undefined;

/** Whether another connection holds the views file's write lock (a bulk load holds it until it commits). */
function writeLocked(viewsFile: string): boolean {
  try {
    const db = new Database(viewsFile, { fileMustExist: true, timeout: 0 });
    try {
      db.exec('BEGIN IMMEDIATE; ROLLBACK');
      return false;
    } finally {
      db.close();
    }
  } catch (error) {
    return (error as { code?: string }).code === 'SQLITE_BUSY';
  }
}

const project = (views: string) => spawn(process.execPath, [CLI, '--db', ledgerFile, '--views', views, 'project', '--batch-size', '250'], { stdio: 'ignore' });

/** SIGKILL, unless the process already finished; resolves once it is gone. */
async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1500 && !condition(); i++) await sleep(20);
}

/** The read models' digest after a rebuild from scratch in this process. */
async function rebuiltDigest(): Promise<Record<string, string>> {
  const fresh = join(dir, 'fresh-views.db');
  const store = SqliteEventStore.open(ledgerFile);
  const projector = Projector.open(store, fresh);
  await projector.rebuild();
  await projector.close();
  await store.close();
  return digest(fresh);
}

/** A digest of every read-model table's full content, in a stable order. */
function digest(viewsFile: string): Record<string, string> {
  const db = new Database(viewsFile, { readonly: true });
  const tables = { designation_states: 'designation_key', designation_segments: 'designation_key, recorded_from, effective_from', subjects: 'subject_id', subject_names: 'token, subject_id, name', resolutions: 'resolution_id', history: 'position' };
  const result: Record<string, string> = {};
  for (const [table, order] of Object.entries(tables)) {
    const rows = db.prepare(`SELECT * FROM ${table} ORDER BY ${order}`).raw().all();
    result[table] = `${rows.length}:${createHash('sha256').update(JSON.stringify(rows)).digest('hex')}`;
  }
  db.close();
  return result;
}

describe('projector crash and restart', () => {
  it('killed with SIGKILL three times while following the log mid-batch, it resumes without skipping or double-applying', async () => {
    const positions: string[] = [];
    for (let round = 0; round < 3; round++) {
      const before = checkpointOf(incrementalViews);
      const child = project(incrementalViews);
      // Wait until this run has committed at least one batch past where the last one stopped, then kill it.
      await waitUntil(() => (checkpointOf(incrementalViews) ?? '') > (before ?? ''));
      await kill(child);
      positions.push(checkpointOf(incrementalViews) ?? 'none');
    }
    expect(new Set(positions).size).toBe(3);
    expect(Number(positions[0])).toBeGreaterThan(LOADED_FIRST);
    expect(Number(positions[2])).toBeLessThan(EVENTS);
    expect(runCli(['--db', ledgerFile, '--views', incrementalViews, 'project']).status).toBe(0);

    const resumed = digest(incrementalViews);
    expect(resumed.history!.startsWith(`${EVENTS}:`)).toBe(true);
    expect(resumed).toEqual(await rebuiltDigest());
  }, 180_000);

  it('killed with SIGKILL three times while bulk-loading empty read models, it loads them again from scratch', async () => {
    const views = join(dir, 'bulk-views.db');
    let killedMidLoad = 0;
    for (let round = 0; round < 3; round++) {
      const child = project(views);
      // The load holds the write lock from its first row to its commit: kill at a random moment inside it.
      await waitUntil(() => writeLocked(views));
      await sleep(Math.random() * 300);
      await kill(child);
      const checkpoint = checkpointOf(views);
      if (checkpoint === undefined) killedMidLoad++;
      else expect(checkpoint).toBe(String(EVENTS).padStart(16, '0')); // finished before the kill: all of it
      expect(peek<number>(views, 'SELECT count(*) FROM history') ?? 0, 'a killed load leaves nothing').toBe(checkpoint === undefined ? 0 : EVENTS);
    }
    console.info(`projector crash: ${killedMidLoad} of 3 kills landed in the middle of a bulk load`);
    expect(killedMidLoad).toBeGreaterThan(0);
    expect(runCli(['--db', ledgerFile, '--views', views, 'project']).status).toBe(0);

    const loaded = digest(views);
    expect(loaded.history!.startsWith(`${EVENTS}:`)).toBe(true);
    expect(loaded).toEqual(await rebuiltDigest());
  }, 180_000);
});
