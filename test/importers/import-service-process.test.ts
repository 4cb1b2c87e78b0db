/**
 * Imports against the real service process and the real CLI on SQLite files (issue 10, items 2 and 15): what the
 * last import of a list consisted of is derived from the log, so it holds across processes and restarts; an
 * aborted upload is a warning and leaves no spool; a SIGKILLed import's spool is removed at the next start.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countEvents, runCli } from '../support/cli';
import { startService, type RunningService } from '../support/service-process';
import { TOKENS } from '../http/support';
import { data, OFAC_2019 } from './fixtures';

const children: RunningService['child'][] = [];
let dir: string;
let spool: string;
let env: NodeJS.ProcessEnv;
const db = () => join(dir, 'ledger.db');
/** Upload spools only: other tools (tsx's cache) use the same temp dir. */
const spooled = () => readdirSync(spool).filter((name) => name.startsWith('sanctions-import-'));
const auth = { authorization: `Bearer ${TOKENS.writer}` };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'import-service-'));
  spool = join(dir, 'tmp');
  mkdirSync(spool);
  env = {
    LEDGER_DB_PATH: db(),
    LEDGER_VIEWS_PATH: join(dir, 'views.db'),
    LEDGER_HTTP_PORT: '0',
    LEDGER_HTTP_HOST: '127.0.0.1',
    LEDGER_TOKENS: `alice:writer:${TOKENS.writer}`,
    LEDGER_STORE: 'sqlite',
    LEDGER_ESDB_URL: '',
    // os.tmpdir(): where the service spools uploads.
    TMPDIR: spool,
  };
});
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const cli = (args: string[]) => runCli(['--db', db(), '--views', join(dir, 'views.db'), ...args]);
/** Waits for a condition; gives up (failing the test with what it waited for) after 20 s rather than hang. */
const until = async (what: string, check: () => boolean) => {
  for (let tries = 0; !check(); tries++) {
    if (tries > 1000) throw new Error(`still waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** Sends the head of a large upload and leaves the request open (the caller aborts it or kills the service). */
function partialUpload(url: string) {
  const body = readFileSync(data('un/un_consolidated_2017-06-30.xml'));
  const req = request(`${url}/imports/un-xml`, { method: 'POST', headers: { ...auth, 'content-type': 'application/xml', 'content-length': String(body.length) } });
  req.on('error', () => undefined);
  req.write(body.subarray(0, 64 * 1024));
  return req;
}

describe('the OFAC CSV set across the CLI and the service', () => {
  it('given the full set imported by the CLI, sdn.csv alone is refused by the CLI (exit 3) and by the service (422); the full set appends nothing', async () => {
    const full = cli(['import', 'ofac-csv', ...OFAC_2019, '--published-on', '2019-01-04']);
    expect(full.status, full.stderr).toBe(0);
    const events = countEvents(db());

    const alone = cli(['import', 'ofac-csv', OFAC_2019[0]!, '--published-on', '2019-01-04']);
    expect(alone.status).toBe(3);
    expect(alone.stderr.trim().split('\n')).toHaveLength(1);
    expect(alone.stderr).toMatch(/lacks add\.csv, alt\.csv, sdn_comments\.csv/);
    expect(countEvents(db())).toBe(events);

    const badDate = cli(['import', 'ofac-csv', ...OFAC_2019, '--published-on', '2019-13-01']);
    expect(badDate.status).toBe(2);
    expect(badDate.stderr).toMatch(/--published-on "2019-13-01" is not a real calendar date/);

    const service = await startService(env, ['start'], children);
    const refused = await fetch(`${service.url}/imports/ofac-csv?publishedOn=2019-01-04`, { method: 'POST', headers: { ...auth, 'content-type': 'text/csv' }, body: readFileSync(OFAC_2019[0]!) });
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ missingFiles: ['add.csv', 'alt.csv', 'sdn_comments.csv'] });

    const form = new FormData();
    for (const path of OFAC_2019) form.append('file', new Blob([readFileSync(path)], { type: 'text/csv' }), basename(path));
    const again = await fetch(`${service.url}/imports/ofac-csv?publishedOn=2019-01-04`, { method: 'POST', headers: auth, body: form });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ appendedEvents: 0, entries: { added: 0, amended: 0, delisted: 0 } });
    const subject = await (await fetch(`${service.url}/subjects/OFAC-SDN:306`, { headers: auth })).text();
    expect(subject).toContain('NATIONAL BANK OF CUBA');
    expect(countEvents(db())).toBe(events);

    // When a client aborts an upload mid-body: a warning, no "import failed", and the spool is removed.
    const aborted = partialUpload(service.url);
    await until('the aborted upload to be spooled', () => spooled().length > 0);
    aborted.destroy();
    await until('the spool removed', () => spooled().length === 0);
    await until('the abort logged', () => service.stdout().includes('upload aborted'));
    expect(service.stdout()).not.toContain('import failed');

    // When the service is killed mid-upload, its spool is left behind...
    const killed = partialUpload(service.url);
    await until('the killed upload to be spooled', () => spooled().length > 0);
    service.child.kill('SIGKILL');
    await service.exited;
    killed.destroy();
    expect(spooled()).toHaveLength(1);
    // ...and removed at the next start.
    const restarted = await startService(env, ['start'], children);
    expect(spooled()).toEqual([]);
    restarted.child.kill('SIGTERM');
    await restarted.exited;
  }, 180_000);
});
