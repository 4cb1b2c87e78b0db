/** Runs the real CLI as a child process, the way a user or script does. */
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const CLI = resolve(__dirname, '../../bin/sanctions-ledger.mjs');

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The side files' defaults (./data/...) beside the `--db` file: with the real defaults, every test's CLI would share
 * the working folder's views file, and a views file left there by an earlier run of another ledger refuses the
 * next one (it belongs to another ledger). Flags and env the test gives win.
 */
function sideFilesBeside(args: readonly string[]): NodeJS.ProcessEnv {
  const at = args.indexOf('--db');
  return at < 0 || args[at + 1] === undefined ? {} : sideFilesOf(args[at + 1]!);
}

/** The ./data side files' defaults beside a ledger file (the service's too: test/support/service-process.ts). */
export function sideFilesOf(ledgerFile: string): NodeJS.ProcessEnv {
  const dir = dirname(ledgerFile);
  return { LEDGER_VIEWS_PATH: join(dir, 'views.db'), LEDGER_WATCHLISTS_DB: join(dir, 'watchlists.db'), LEDGER_DOCUMENTS_DIR: join(dir, 'documents'), LEDGER_SYNC_STATE_DB: join(dir, 'sync.db'), LEDGER_PUBLISHER_DB: join(dir, 'publisher.db') };
}

export function runCli(args: readonly string[], options: { input?: string | Buffer; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    input: options.input,
    encoding: 'utf8',
    env: { ...sideFilesBeside(args), ...process.env, LEDGER_ACTOR: 'cli-test', ...options.env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Events in a SQLite ledger file, read directly (not through the code under test). */
export function countEvents(file: string): number {
  if (!existsSync(file)) return 0;
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  } finally {
    db.close();
  }
}
