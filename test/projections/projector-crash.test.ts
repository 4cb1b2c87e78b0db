/**
 * The projector survives kill -9: a real child process is killed mid-catch-up several times; after the last
 * restart the read models equal a rebuild from scratch (nothing skipped, nothing applied twice).
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
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
let dir: string;
let ledgerFile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'projector-crash-'));
  ledgerFile = join(dir, 'ledger.db');
  const store = SqliteEventStore.open(ledgerFile);
  for (let n = 0; n < EVENTS; n += 1000) {
    await store.appendToStream(`subject-s${n}`, Array.from({ length: 1000 }, (_, i) => designatedEvent(n + i)));
  }
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function checkpointOf(viewsFile: string): string | undefined {
  try {
    const db = new Database(viewsFile, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare("SELECT min(position) AS p FROM checkpoints").get() as { p: string | null }).p ?? undefined;
    } finally {
      db.close();
    }
  } catch {
    return undefined;
  }
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
  it('killed with SIGKILL three times mid-batch, it resumes without skipping or double-applying', async () => {
    const views = join(dir, 'views.db');
    const positions: string[] = [];
    for (let kill = 0; kill < 3; kill++) {
      const child = spawn(process.execPath, [CLI, '--db', ledgerFile, '--views', views, 'project', '--batch-size', '250'], { stdio: 'ignore' });
      const before = checkpointOf(views);
      // Wait until this run has committed at least one batch past where the last one stopped, then kill it.
      for (let i = 0; i < 600; i++) {
        const now = checkpointOf(views);
        if (now !== undefined && (before === undefined || now > before)) break;
        await sleep(20);
      }
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      positions.push(checkpointOf(views) ?? 'none');
    }
    expect(new Set(positions).size).toBe(3);
    expect(Number(positions[2])).toBeLessThan(EVENTS);
    const finish = runCli(['--db', ledgerFile, '--views', views, 'project']);
    expect(finish.status).toBe(0);

    const fresh = join(dir, 'fresh-views.db');
    const store = SqliteEventStore.open(ledgerFile);
    const projector = Projector.open(store, fresh);
    await projector.rebuild();
    await projector.close();
    await store.close();

    const resumed = digest(views);
    expect(resumed.history!.startsWith(`${EVENTS}:`)).toBe(true);
    expect(resumed).toEqual(digest(fresh));
  }, 180_000);
});
