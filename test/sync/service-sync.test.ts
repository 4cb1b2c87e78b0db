/**
 * Sync inside the real service (`sanctions-ledger start` with LEDGER_SOURCES_FILE): it imports a new file by
 * itself, `GET /sources` shows each source (reader token), and `/ready` fails naming a source that has had no
 * successful check for longer than its staleness bound.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../support/service-process';
import { data } from '../importers/fixtures';
import { LocalPublisher } from './publisher';

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('sync in the service', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sync-service-'));
  const publisher = new LocalPublisher();
  let service: RunningService | undefined;
  afterAll(async () => {
    service?.child.kill('SIGTERM');
    await service?.exited;
    await publisher.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports a published file, shows it in /sources, and /ready names a stale source', async () => {
    await publisher.start();
    publisher.publish('/consolidated.xml', data('un/un_consolidated_2017-06-20.xml'));
    const sources = join(dir, 'sources.json');
    writeFileSync(
      sources,
      JSON.stringify({
        sources: [
          { name: 'un', format: 'un-xml', list: 'UN', urls: [`${publisher.url}/consolidated.xml`], interval: '1s', staleAfter: '1h' },
          { name: 'gone', format: 'uk-xml', list: 'UK-SL', urls: [`${publisher.url}/missing.xml`], interval: '1s', staleAfter: '3s' },
        ],
      }),
    );
    service = await startService({
      LEDGER_DB_PATH: join(dir, 'ledger.db'),
      LEDGER_VIEWS_PATH: join(dir, 'views.db'),
      LEDGER_SYNC_STATE_DB: join(dir, 'sync.db'),
      LEDGER_DOCUMENTS_DIR: join(dir, 'documents'),
      LEDGER_WATCHLISTS_DB: join(dir, 'watchlists.db'),
      LEDGER_SOURCES_FILE: sources,
      LEDGER_HTTP_HOST: '127.0.0.1',
      LEDGER_HTTP_PORT: '0',
      LEDGER_TOKENS: 'r:reader:reader-token-0123456789abcdef',
      LEDGER_LOG_LEVEL: 'silent',
    });
    const url = service.url;
    const auth = { authorization: 'Bearer reader-token-0123456789abcdef' };
    expect((await fetch(`${url}/sources`)).status).toBe(401);
    const un = await until('the UN import', async () => {
      const body = (await (await fetch(`${url}/sources`, { headers: auth })).json()) as { sources: { name: string; lastOutcome: string | null }[] };
      const s = body.sources.find((x) => x.name === 'un');
      return s?.lastOutcome === 'imported' ? s : undefined;
    });
    expect(un).toMatchObject({ publishedOn: '2017-06-20', eventsAppended: 1025, lastError: null, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const gone = ((await (await fetch(`${url}/sources`, { headers: auth })).json()) as { sources: { name: string; lastError: string }[] }).sources.find((s) => s.name === 'gone');
    expect(gone?.lastError).toMatch(/^HTTP 404: /);
    const ready = await until('/ready to name the stale source', async () => {
      const res = await fetch(`${url}/ready`);
      return res.status === 503 ? ((await res.json()) as { status: string; message: string }) : undefined;
    });
    expect(ready).toMatchObject({ status: 'source-stale', message: expect.stringMatching(/^no successful check of gone since /) });
    expect(ready.message).not.toContain('un since');
  }, 90_000);
});
