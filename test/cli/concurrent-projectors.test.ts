/**
 * Issue 10 item 13: several CLI processes projecting into one views file at once. Each applies a batch inside
 * the views file's write lock after re-reading the checkpoints, so none applies an event twice and all succeed.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { CLI, runCli } from '../support/cli';
import { designate } from '../support/fixtures';
import { writer } from '../support/metadata';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ledger-concurrent-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: readonly string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, LEDGER_ACTOR: 'cli-test' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('exit', (status) => done({ status, stdout, stderr }));
  });
}


/** Appends `count` designations straight through the library: many events, so projectors' batches overlap. */
async function appendDesignations(db: string, prefix: string, count: number): Promise<void> {
  const store = SqliteEventStore.open(db);
  const ledger = Ledger.over(store);
  try {
    for (let i = 0; i < count; i++) {
      const subjectId = `${prefix}-${i}`;
      const names = [{ name: `Person ${prefix} ${i}`, quality: 'primary', script: 'Latn' }];
      const result = await ledger.execute({ type: 'DesignateSubject', data: designate({ subjectId, identity: { names } } as never) }, writer);
      expect(result._tag).toBe('Right');
    }
  } finally {
    await ledger.close();
  }
}

describe('concurrent projectors on one views file', () => {
  it('given new events each round, when several processes project them into one views file at once, then all succeed and each event is applied once', async () => {
    const db = join(dir, 'ledger.db');
    const views = join(dir, 'views.db');
    expect(runCli(['--db', db, 'seed']).status).toBe(0);
    expect(runCli(['--db', db, '--views', views, 'project']).status).toBe(0);
    const inForce = () => JSON.parse(runCli(['--db', db, '--views', views, '--json', 'state', '--as-of', '2024-12-20']).stdout).total as number;
    const seeded = inForce();
    for (let round = 0; round < 3; round++) {
      // Given: events the views file has not seen yet.
      await appendDesignations(db, `round${round}`, 150);
      // When: projectors race to apply them, one event per transaction (the history read model has a UNIQUE
      // log position, so an event applied twice fails).
      const raced = await Promise.all([
        cli(['--db', db, '--views', views, 'project', '--batch-size', '1']),
        cli(['--db', db, '--views', views, 'project', '--batch-size', '1']),
        cli(['--db', db, '--views', views, 'project', '--batch-size', '3']),
      ]);
      // Then: every one succeeds, and the views hold each designation once.
      expect(raced.map((r) => r.stderr)).toEqual(['', '', '']);
      expect(raced.map((r) => r.status)).toEqual([0, 0, 0]);
      expect(inForce()).toBe(seeded + 150 * (round + 1));
    }
  }, 240_000);
});
