/**
 * `sanctions-ledger watch` as a REAL child process, killed with SIGKILL mid-way through the log and restarted:
 * the matches and notifications it leaves equal screening every entry against the whole state, and no match is
 * notified twice (results and checkpoint commit in one transaction). Kafka is not involved (--no-kafka).
 */
import Database from 'better-sqlite3';
import { faker } from '@faker-js/faker';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as E from 'fp-ts/Either';
import { CommandHandler } from '../../src/commands/command-handler';
import { Projector } from '../../src/projector/projector';
import { MAX_LIMIT, ScreeningService } from '../../src/screening';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { Watchlists, WatchlistStore } from '../../src/watchlists';
import { FOLLOWER_CHECKPOINT } from '../../src/watchlists/follower';
import { CLI } from '../support/cli';
import { designate } from './support';

const SUBJECTS = 3000;
const dir = mkdtempSync(join(tmpdir(), 'watch-crash-'));
const children: ChildProcess[] = [];
afterAll(() => {
  reader?.close();
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const paths = { db: join(dir, 'ledger.db'), views: join(dir, 'views.db'), watchlists: join(dir, 'watchlists.db') };
const watch = () => {
  const child = spawn('node', [CLI, '--db', paths.db, '--views', paths.views, 'watch', '--no-kafka', '--watchlists-db', paths.watchlists], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return child;
};
/**
 * Read through one read-only connection kept open, not a WatchlistStore opened per poll: the follower's batches of
 * this log take tens of milliseconds, and a slow poll saw the first checkpoint only once the log was done.
 */
let reader: Database.Database | undefined;
const checkpointNow = () => {
  reader ??= new Database(paths.watchlists, { readonly: true });
  const row = reader.prepare<[string], { position: string }>('SELECT position FROM follower_checkpoint WHERE name = ?').get(FOLLOWER_CHECKPOINT);
  return row?.position;
};
const until = async (check: () => boolean, ms: number, what: string) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
};

describe('watch process killed with SIGKILL and restarted', () => {
  it('given a kill -9 mid-way, when restarted, then nothing is lost and no match is notified twice', async () => {
    faker.seed(14);
    const names = Array.from({ length: SUBJECTS }, () => faker.person.fullName());
    const events = SqliteEventStore.open(paths.db);
    const handler = new CommandHandler(events);
    for (const [i, name] of names.entries()) {
      const result = await handler.handle(designate(`s${i}`, name), { actor: { id: 'test', kind: 'person' }, source: { publisher: 'test' } });
      if (E.isLeft(result)) throw new Error('refused');
    }
    const [last] = (await events.readAll({ maxCount: SUBJECTS + 10 })).slice(-1);
    const store = WatchlistStore.open(paths.watchlists);
    new Watchlists(store, undefined).create('wl', names.filter((_, i) => i % 3 === 0).map((name, i) => ({ id: `e${i}`, name })));
    store.close();

    const first = watch();
    await until(() => checkpointNow() !== undefined, 120_000, 'a first checkpoint');
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const atKill = checkpointNow();
    expect(atKill! < last!.position, `killed at ${atKill}, the log ends at ${last!.position}`).toBe(true);

    const second = watch();
    await until(() => checkpointNow() === last!.position, 120_000, 'the restarted follower to catch up');
    second.kill('SIGTERM');
    await new Promise((r) => second.once('exit', r));

    const projector = Projector.open(events, paths.views);
    await projector.catchUp();
    const service = new ScreeningService(projector);
    const check = WatchlistStore.open(paths.watchlists);
    try {
      const entries = check.entries('wl', '', 100_000);
      const naive = entries.flatMap(({ id, ...query }) => service.screen({ ...query, limit: MAX_LIMIT }).matches.map((m) => `${id} ${m.subjectId} ${m.score}`)).sort();
      const kept = check.currentMatches('wl').map((m) => `${m.entryId} ${m.match.subjectId} ${m.match.score}`).sort();
      expect(kept.length).toBeGreaterThanOrEqual(entries.length);
      expect(kept).toEqual(naive);
      const created = check.notificationsAfter(0, { limit: 1_000_000 }).map((n) => `${n.event.type} ${n.event.data.entryId} ${n.event.data.subjectId}`);
      expect(new Set(created).size).toBe(created.length);
      expect(created.length).toBe(naive.length);
    } finally {
      check.close();
      await projector.close();
      await events.close();
    }
  }, 300_000);
});
