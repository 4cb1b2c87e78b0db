/**
 * Two real processes (`sanctions-ledger sync --once`) racing on the same new file of one local publisher, over one
 * SQLite store, append each event once: the importer's command ids make the second append a duplicate. Then the
 * CLI's `sources` shows what each process's state says.
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../support/cli';
import { data } from '../importers/fixtures';
import { LocalPublisher } from './publisher';

function runAsync(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('two sync processes, one store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sync-two-'));
  const publisher = new LocalPublisher();
  afterAll(async () => {
    await publisher.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('append each event once, for the first file and for the next', async () => {
    await publisher.start();
    const sources = join(dir, 'sources.yaml');
    writeFileSync(sources, `sources:\n  - name: un\n    format: un-xml\n    list: UN\n    urls: ["${publisher.url}/consolidated.xml"]\n    interval: 1m\n    staleAfter: 1h\n`);
    const db = join(dir, 'ledger.db');
    const env = (n: number) => ({ LEDGER_DB_PATH: db, LEDGER_VIEWS_PATH: join(dir, `views-${n}.db`), LEDGER_SYNC_STATE_DB: join(dir, `sync-${n}.db`), LEDGER_SOURCES_FILE: sources, LEDGER_DOCUMENTS_DIR: join(dir, 'documents') });
    const events = () => {
      const d = new Database(db, { readonly: true });
      try {
        return d.prepare("SELECT count(*) AS n, count(DISTINCT json_extract(envelope, '$.commandId')) AS ids FROM events").get() as { n: number; ids: number };
      } finally {
        d.close();
      }
    };
    for (const [date, expected] of [['2017-06-20', 1025], ['2017-06-30', 1027]] as const) {
      publisher.publish('/consolidated.xml', data(`un/un_consolidated_${date}.xml`));
      const [a, b] = await Promise.all([runAsync(['sync', '--once'], env(1)), runAsync(['sync', '--once'], env(2))]);
      expect(a.stderr + b.stderr).toBe('');
      expect([a.status, b.status]).toEqual([0, 0]);
      expect(a.stdout + b.stdout).toMatch(/un: imported: imported the list published/);
      expect(events()).toEqual({ n: expected, ids: expected });
    }
    const table = runCli(['sources'], { env: env(1) });
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/^source\s+format\s+last check/);
    expect(table.stdout).toMatch(/\nun\s+un-xml\s+\d{4}-\d\d-\d\dT\S+\s+imported\s+2017-06-30\s+[0-9a-f]{12}\s+\d+/);
    const json = JSON.parse(runCli(['--json', 'sources'], { env: env(2) }).stdout) as { name: string; publishedOn: string; lastError: string | null }[];
    expect(json).toMatchObject([{ name: 'un', publishedOn: '2017-06-30', lastError: null }]);
  }, 180_000);
});
