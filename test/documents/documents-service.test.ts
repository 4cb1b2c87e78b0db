/**
 * The document archive through the real service process and the real CLI, on the real list files: an import by
 * hand (raw body, multipart OFAC set, CLI) archives its files before appending; the document named by an event's
 * source.sha256 comes back byte for byte from GET /documents/{sha256} and `sanctions-ledger document`; a dry run,
 * a refused import and a no-op re-import archive nothing new.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, countEvents, runCli } from '../support/cli';
import { startService, type RunningService } from '../support/service-process';
import { TOKENS } from '../http/support';
import { data, OFAC_2019 } from '../importers/fixtures';
import { filesBody, MULTIPART_TYPE } from '../importers/multipart-body';

const children: RunningService['child'][] = [];
let dir: string;
let service: RunningService;
const docs = () => join(dir, 'documents');
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const archived = (): string[] => (existsSync(docs()) ? readdirSync(docs()).filter((d) => d.length === 2).flatMap((d) => readdirSync(join(docs(), d))).sort() : []);
const writer = { authorization: `Bearer ${TOKENS.writer}` };
const reader = { authorization: `Bearer ${TOKENS.reader}` };
const un = (date: string) => data(`un/un_consolidated_${date}.xml`);

async function post(path: string, body: Buffer, contentType: string) {
  const response = await fetch(`${service.url}${path}`, { method: 'POST', headers: { ...writer, 'content-type': contentType }, body });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'documents-service-'));
  service = await startService(
    {
      LEDGER_DB_PATH: join(dir, 'ledger.db'),
      LEDGER_VIEWS_PATH: join(dir, 'views.db'),
      LEDGER_DOCUMENTS_DIR: docs(),
      LEDGER_HTTP_PORT: '0',
      LEDGER_HTTP_HOST: '127.0.0.1',
      LEDGER_TOKENS: `alice:writer:${TOKENS.writer},screening:reader:${TOKENS.reader}`,
      LEDGER_STORE: 'sqlite',
      LEDGER_ESDB_URL: '',
    },
    ['start'],
    children,
  );
});
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /documents/{sha256} after imports by hand', () => {
  it('a dry run archives nothing; the import does, before its events, and the event names that document', async () => {
    const bytes = readFileSync(un('2017-06-20'));
    const dry = await post('/imports/un-xml?dryRun=true', bytes, 'application/xml');
    expect(dry.status).toBe(200);
    expect(archived()).toEqual([]);

    const done = await post('/imports/un-xml', bytes, 'application/xml');
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.appendedEvents).toBeGreaterThan(0);
    expect(archived()).toEqual([sha(bytes)]);

    const history = (await (await fetch(`${service.url}/subjects/${encodeURIComponent('UN:QDi.058')}/history`, { headers: reader })).json()) as Array<{ source: { sha256: string } }>;
    const named = history[0]!.source.sha256;
    expect(named).toBe(sha(bytes));
    const response = await fetch(`${service.url}/documents/${named}`, { headers: reader });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/xml');
    expect(response.headers.get('etag')).toBe(`"${named}"`);
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);

    const again = await fetch(`${service.url}/documents/${named}`, { headers: { ...reader, 'if-none-match': `"${named}"` } });
    expect(again.status).toBe(304);
  });

  it('the multipart OFAC CSV set archives every file of the set, each served as CSV', async () => {
    const done = await post('/imports/ofac-csv?publishedOn=2019-01-04', filesBody(OFAC_2019), MULTIPART_TYPE);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    for (const path of OFAC_2019) {
      const bytes = readFileSync(path);
      const response = await fetch(`${service.url}/documents/${sha(bytes)}`, { headers: reader });
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
    }
  });

  it('a refused import (older than the list held) and a no-op re-import archive nothing new', async () => {
    expect((await post('/imports/un-xml', readFileSync(un('2017-07-03')), 'application/xml')).status).toBe(200);
    const before = archived();
    const older = await post('/imports/un-xml', readFileSync(un('2017-06-30')), 'application/xml');
    expect(older.status).toBe(422);
    const same = await post('/imports/un-xml', readFileSync(un('2017-07-03')), 'application/xml');
    expect(same.body.appendedEvents).toBe(0);
    expect(archived()).toEqual(before);
    expect(before).not.toContain(sha(readFileSync(un('2017-06-30'))));
  });

  it('404 for a document not archived, 400 naming sha256 for a malformed id, 401 without a token', async () => {
    const absent = await fetch(`${service.url}/documents/${'0'.repeat(64)}`, { headers: reader });
    expect(absent.status).toBe(404);
    for (const bad of ['ABC', 'A'.repeat(64), '..%2F..%2Fledger.db', `${'a'.repeat(63)}g`]) {
      const response = await fetch(`${service.url}/documents/${bad}`, { headers: reader });
      expect(response.status, bad).toBe(400);
      expect(((await response.json()) as { parameter: string }).parameter).toBe('sha256');
    }
    expect((await fetch(`${service.url}/documents/${'0'.repeat(64)}`)).status).toBe(401);
  });
});

describe('sanctions-ledger import and document', () => {
  it('the CLI import archives its file; document writes the exact bytes to stdout or --out; exit 1 when absent, 2 when malformed', () => {
    const cliDir = mkdtempSync(join(tmpdir(), 'documents-cli-'));
    try {
      const env = { LEDGER_DOCUMENTS_DIR: join(cliDir, 'documents') };
      const base = ['--db', join(cliDir, 'ledger.db'), '--views', join(cliDir, 'views.db')];
      const bytes = readFileSync(data('eu/eu_fsf_excerpt_2020-04-15_a.xml'));
      const dry = runCli([...base, 'import', 'eu-xml', data('eu/eu_fsf_excerpt_2020-04-15_a.xml'), '--dry-run'], { env });
      expect(dry.status, dry.stderr).toBe(0);
      expect(existsSync(join(cliDir, 'documents', sha(bytes).slice(0, 2)))).toBe(false);
      const imported = runCli([...base, '--json', 'import', 'eu-xml', data('eu/eu_fsf_excerpt_2020-04-15_a.xml')], { env });
      expect(imported.status, imported.stderr).toBe(0);
      expect(countEvents(join(cliDir, 'ledger.db'))).toBeGreaterThan(0);

      const named = (JSON.parse(imported.stdout) as { files: Array<{ sha256: string }> }).files[0]!.sha256;
      expect(named).toBe(sha(bytes));
      const out = join(cliDir, 'copy.xml');
      const toFile = runCli(['document', named, '--out', out], { env });
      expect(toFile.status, toFile.stderr).toBe(0);
      expect(readFileSync(out).equals(bytes)).toBe(true);
      const toStdout = spawnSync(process.execPath, [CLI, 'document', named], { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
      expect(toStdout.status).toBe(0);
      expect(Buffer.from(toStdout.stdout).equals(bytes)).toBe(true);

      const missing = runCli(['document', '1'.repeat(64)], { env });
      expect(missing.status).toBe(1);
      expect(missing.stderr).toMatch(/no document 1{64} in the archive/);
      const malformed = runCli(['document', '../../etc/passwd'], { env });
      expect(malformed.status).toBe(2);
      expect(malformed.stderr).toMatch(/document id must be a sha256/);
    } finally {
      rmSync(cliDir, { recursive: true, force: true });
    }
  }, 180_000);
});
