/**
 * The real main job as a child process (`node bin/sanctions-ledger.mjs start`): it prints its URL, serves,
 * and on SIGTERM finishes what is in flight and exits 0 with its checkpoint consistent, so a restart gives the
 * same answers and no acknowledged write is lost.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startService } from '../support/service-process';
import { designation, TOKENS } from './support';

const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

const start = (env: NodeJS.ProcessEnv, args: string[] = ['start']) => startService(env, args, children);

const headers = { authorization: `Bearer ${TOKENS.writer}`, 'content-type': 'application/json' };

async function designate(url: string, subjectId: string): Promise<number | 'refused'> {
  try {
    const response = await fetch(`${url}/commands/DesignateSubject`, { method: 'POST', headers, body: JSON.stringify(designation(subjectId)) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 'refused';
  }
}

async function answers(url: string, subjects: string[]) {
  const results: Record<string, unknown> = {};
  for (const id of subjects) {
    const response = await fetch(`${url}/subjects/${id}?asOf=2024-12-16`, { headers });
    const body = response.status === 200 ? ((await response.json()) as { designations: Array<{ regime: string; recordedAt: string }> }) : undefined;
    results[id] = body?.designations.map((d) => `${d.regime}@${d.recordedAt}`) ?? response.status;
  }
  return results;
}

describe('the service process', () => {
  it('serves, shuts down gracefully on SIGTERM (exit 0) and restarts with the same answers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-service-'));
    const env = {
      LEDGER_DB_PATH: join(dir, 'ledger.db'),
      LEDGER_VIEWS_PATH: join(dir, 'views.db'),
      LEDGER_HTTP_PORT: '0',
      LEDGER_HTTP_HOST: '127.0.0.1',
      LEDGER_TOKENS: `alice:writer:${TOKENS.writer}`,
      LEDGER_STORE: 'sqlite',
      LEDGER_ESDB_URL: '',
    };

    const first = await start(env);
    expect(first.stdout()).toContain('recorded the worked example');
    expect(first.stdout()).toContain(`curl -H "Authorization: Bearer <token>" '${first.url}/subjects/ro-kwang-chol?asOf=2024-12-16'`);

    const settled = await Promise.all(['p-1', 'p-2', 'p-3'].map((id) => designate(first.url, id)));
    expect(settled).toEqual([201, 201, 201]);

    // Writes in flight when SIGTERM arrives: each is either acknowledged (and then must survive) or refused.
    const racing = ['r-1', 'r-2', 'r-3', 'r-4'].map((id) => designate(first.url, id));
    await new Promise((resolve) => setTimeout(resolve, 5));
    first.child.kill('SIGTERM');
    const raced = await Promise.all(racing);
    for (const status of raced) expect([201, 503, 'refused']).toContain(status);
    const exit = await first.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(first.stdout()).toMatch(/"msg":"projector stopped at a consistent checkpoint"/);
    expect(first.stdout()).not.toContain(TOKENS.writer);

    // Checkpoint consistent: every read model's checkpoint is a position the log really has, and none is ahead.
    const log = new Database(env.LEDGER_DB_PATH, { readonly: true });
    const views = new Database(env.LEDGER_VIEWS_PATH, { readonly: true });
    const head = (log.prepare('SELECT max(position) AS p FROM events').get() as { p: number }).p;
    const checkpoints = views.prepare('SELECT read_model, position FROM checkpoints').all() as Array<{ position: string }>;
    log.close();
    views.close();
    expect(checkpoints.length).toBeGreaterThan(0);
    for (const { position } of checkpoints) expect(Number(position)).toBeLessThanOrEqual(head);

    const acknowledged = ['r-1', 'r-2', 'r-3', 'r-4'].filter((_, i) => raced[i] === 201);
    const subjects = ['ro-kwang-chol', 'kim-yong-bok', 'p-1', 'p-2', 'p-3', ...acknowledged];

    const second = await start(env, ['serve']);
    expect(second.stdout()).not.toContain('recorded the worked example');
    const afterRestart = await answers(second.url, subjects);
    for (const id of subjects) expect(afterRestart[id], id).toEqual(expect.arrayContaining([expect.stringMatching(/^(EU:RUS|US:RUSSIA-EO14024)@/)]));
    const again = await answers(second.url, subjects);
    expect(again).toEqual(afterRestart);
    second.child.kill('SIGINT');
    expect(await second.exited).toEqual({ code: 0, signal: null });

    // A third start over the same files answers exactly as the second did.
    const third = await start(env);
    expect(await answers(third.url, subjects)).toEqual(afterRestart);
    third.child.kill('SIGTERM');
    expect((await third.exited).code).toBe(0);
  }, 90_000);

  it('prints a development token once when no tokens are configured, and it works', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-service-'));
    const running = await start({
      LEDGER_DB_PATH: join(dir, 'ledger.db'),
      LEDGER_VIEWS_PATH: join(dir, 'views.db'),
      LEDGER_HTTP_PORT: '0',
      LEDGER_TOKENS: '',
      LEDGER_TOKENS_FILE: '',
      LEDGER_STORE: 'sqlite',
      LEDGER_ESDB_URL: '',
    });
    const out = running.stdout();
    const token = /export LEDGER_TOKEN=(\S+)/.exec(out)?.[1];
    expect(token).toBeDefined();
    expect(out.split(token!).length - 1).toBe(1);
    const response = await fetch(`${running.url}/subjects/ro-kwang-chol?asOf=2024-12-16`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    running.child.kill('SIGTERM');
    expect((await running.exited).code).toBe(0);
    expect(running.stdout().split(token!).length - 1).toBe(1);
  }, 60_000);
});
