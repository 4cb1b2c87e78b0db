/**
 * Issue 10 items 3, 12, 15 through the real CLI and service processes: read models tied to their log, reads that
 * never create a ledger, files named in every message, a closed stdout pipe.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../support/cli';
import { startService } from '../support/service-process';

let dir: string;
const fresh = () => mkdtempSync(join(dir, 'case-'));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ledger-views-binding-'));
});
/** Services that started although they should not have (a failing test) are stopped, not leaked. */
const children: ChildProcessWithoutNullStreams[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const designate = (subject: string) => [
  'designate', '--subject', subject, '--kind', 'person', '--regime', 'EU:RUS', '--name', `Person ${subject}`,
  '--measure', 'asset-freeze', '--legal-basis', 'EU-RUS-PACKAGE-15', '--effective-from', '2024-12-16', '--source', 'OJ',
];
/** No line of a stack trace ("    at fn (file:line)"). */
const NO_STACK = /^\s+at /m;

/** A ledger with one designation, a copy of it taken then, and the ledger moved on to two with views built. */
function olderLedgerNewerViews() {
  const case_ = fresh();
  const db = join(case_, 'ledger.db');
  const old = join(case_, 'ledger-old.db');
  const views = join(case_, 'views.db');
  expect(runCli(['--db', db, ...designate('first')]).status).toBe(0);
  copyFileSync(db, old);
  expect(runCli(['--db', db, ...designate('second')]).status).toBe(0);
  expect(runCli(['--db', db, '--views', views, 'state', '--as-of', '2024-12-20']).stdout).toContain('2 designations in force');
  return { db, old, views };
}

// Each case runs four to six CLI processes one after another (each a tsx start): minutes on a loaded 2-core machine.
describe('item 3: a views file is bound to the log it was built from', { timeout: 180_000 }, () => {
  it('given views built from a newer copy of the ledger, when state reads an older copy, then it refuses naming both files, and rebuild makes them agree', () => {
    const { old, views } = olderLedgerNewerViews();
    const refused = runCli(['--db', old, '--views', views, 'state', '--as-of', '2024-12-20']);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(`views file ${views} does not match ledger ${old}`);
    expect(refused.stderr).not.toMatch(NO_STACK);
    expect(runCli(['--db', old, '--views', views, 'rebuild']).status).toBe(0);
    expect(runCli(['--db', old, '--views', views, 'state', '--as-of', '2024-12-20']).stdout).toContain('1 designations in force');
  });

  it('given views of another ledger, when a read uses them, then it refuses (store ids differ)', () => {
    const a = fresh();
    const b = fresh();
    const views = join(a, 'views.db');
    expect(runCli(['--db', join(a, 'ledger.db'), ...designate('one')]).status).toBe(0);
    expect(runCli(['--db', join(b, 'ledger.db'), ...designate('one')]).status).toBe(0);
    expect(runCli(['--db', join(a, 'ledger.db'), '--views', views, 'names', 'person']).status).toBe(0);
    const refused = runCli(['--db', join(b, 'ledger.db'), '--views', views, 'names', 'person']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/built from another ledger/);
  });

  it('given views built from a newer copy, when the service starts on the older copy, then it refuses to start with one line and never reports ready', async () => {
    const { old, views } = olderLedgerNewerViews();
    const started = startService({ LEDGER_DB_PATH: old, LEDGER_STORE: 'sqlite', LEDGER_VIEWS_PATH: views, LEDGER_HTTP_PORT: '0', LEDGER_HTTP_HOST: '127.0.0.1' }, ['start'], children);
    await expect(started).rejects.toThrow(new RegExp(`exited with 1 before printing its URL; stderr:\\nsanctions-ledger: views file ${views} does not match ledger ${old}[^\\n]*\\n$`));
  });

  it('given a views file from before bindings, when read against its ledger, then it is adopted and keeps answering', () => {
    const case_ = fresh();
    const db = join(case_, 'ledger.db');
    const views = join(case_, 'views.db');
    expect(runCli(['--db', db, ...designate('first')]).status).toBe(0);
    expect(runCli(['--db', db, '--views', views, 'state', '--as-of', '2024-12-20']).status).toBe(0);
    // What a views file written before this change looks like: no binding table.
    const raw = new Database(views);
    raw.exec('DROP TABLE views_binding');
    raw.close();
    expect(runCli(['--db', db, ...designate('second')]).status).toBe(0);
    expect(runCli(['--db', db, '--views', views, 'state', '--as-of', '2024-12-20']).stdout).toContain('2 designations in force');
  });
});

describe('item 3: reads of a ledger that does not exist', () => {
  const reads: string[][] = [['state'], ['subject', 'x'], ['history', 'x'], ['diff', '--from', '2024-01-01', '--to', '2024-02-01'], ['names', 'x'], ['verify'], ['feed'], ['project']];
  for (const args of reads) {
    it(`given a mistyped --db, when running ${args[0]}, then it exits 2 naming the path and creates nothing`, () => {
      const case_ = fresh();
      const missing = join(case_, 'ledgr.db');
      const result = runCli(['--db', missing, '--views', join(case_, 'views.db'), ...args]);
      expect(result.stderr).toBe(`sanctions-ledger: no ledger at ${missing}; check --db (or LEDGER_DB_PATH): reading never creates an empty ledger\n`);
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
      expect(existsSync(missing)).toBe(false);
    });
  }

  it('given a missing --db, when a write command runs, then it creates the ledger', () => {
    const db = join(fresh(), 'new.db');
    expect(runCli(['--db', db, ...designate('first')]).status).toBe(0);
    expect(runCli(['--db', db, 'verify']).stdout).toContain('ok: 1 events');
  });
});

describe('item 15: messages that name the file and what is wrong', () => {
  it('given --db is a directory, when reading or writing, then it exits 2 saying so', () => {
    const folder = fresh();
    for (const args of [['verify'], designate('x')]) {
      const result = runCli(['--db', folder, ...args]);
      expect(result.status).toBe(2);
      expect(result.stderr).toBe(`sanctions-ledger: ledger path ${folder} is a directory, not a SQLite file\n`);
    }
  });

  const damaged: Array<[string, (views: string) => void]> = [
    ['random bytes', (views) => writeFileSync(views, randomBytes(8192))],
    ['a truncated file', (views) => writeFileSync(views, readFileSync(views).subarray(0, 1000))],
  ];
  for (const [what, damage] of damaged) {
    it(`given a views file of ${what}, when state runs, then it exits 1 naming the file`, () => {
      const case_ = fresh();
      const db = join(case_, 'ledger.db');
      const views = join(case_, 'views.db');
      expect(runCli(['--db', db, ...designate('first')]).status).toBe(0);
      expect(runCli(['--db', db, '--views', views, 'state']).status).toBe(0);
      rmSync(`${views}-wal`, { force: true });
      rmSync(`${views}-shm`, { force: true });
      damage(views);
      const result = runCli(['--db', db, '--views', views, 'state']);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`^sanctions-ledger: views file ${views} is not a SQLite database or is damaged: .*\\n$`));
    });
  }

  it.skipIf(process.getuid?.() === 0)('given a views file that cannot be written, when state runs, then it exits 1 naming the file', () => {
    const case_ = fresh();
    const db = join(case_, 'ledger.db');
    const views = join(case_, 'views.db');
    expect(runCli(['--db', db, ...designate('first')]).status).toBe(0);
    writeFileSync(views, '');
    chmodSync(views, 0o444);
    const result = runCli(['--db', db, '--views', views, 'state']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^sanctions-ledger: views file ${views} cannot be written .*\\n$`));
  });

  it('given a views path that is a directory, when the service starts, then it refuses with one line', async () => {
    const case_ = fresh();
    const views = join(case_, 'views');
    mkdirSync(views);
    const started = startService({ LEDGER_DB_PATH: join(case_, 'ledger.db'), LEDGER_STORE: 'sqlite', LEDGER_VIEWS_PATH: views, LEDGER_HTTP_PORT: '0', LEDGER_HTTP_HOST: '127.0.0.1' }, ['start'], children);
    await expect(started).rejects.toThrow(new RegExp(`stderr:\\nsanctions-ledger: views path ${views} is a directory, not a SQLite file\\n$`));
  });
});

describe('item 12: a closed stdout pipe', () => {
  for (const args of [['state', '--as-of', '2024-12-16'], ['diff', '--from', '2024-01-01', '--to', '2024-12-31']]) {
    it(`given ${args[0]} | head -1, when the reader closes the pipe early, then it exits 0 quietly`, async () => {
      const case_ = fresh();
      const db = join(case_, 'ledger.db');
      expect(runCli(['--db', db, 'seed']).status).toBe(0);
      const child = spawn(process.execPath, [CLI, '--db', db, '--views', join(case_, 'views.db'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.stdout.destroy(); // the reader is gone before the first line is written
      const [code] = await new Promise<[number | null]>((done) => child.on('exit', (c) => done([c])));
      expect(stderr).toBe('');
      expect(code).toBe(0);
    });
  }
});
