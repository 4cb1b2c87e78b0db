/**
 * Found by the hostile pass (notes/hostile-pass.md): a retracted import, imported again, and retracted again.
 *
 * An import's command ids are derived from list, publication date and content, and a retraction's from list,
 * date and designation. So the same file imported again after its retraction planned the same commands under the
 * same ids: the report said "delisted 3" while nothing was appended (every command a duplicate of a withdrawn
 * one), and the ledger kept answering as if the file had never been imported. Such an import is now refused,
 * naming the retraction; a second retraction of an import already withdrawn, under another reason, says so.
 * Through the real CLI on the real UN files.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countEvents, runCli } from '../support/cli';
import { data } from './fixtures';

let dir: string;
let db: string;
const cli = (args: string[]) => runCli(['--db', db, '--views', join(dir, 'views.db'), ...args], { env: { LEDGER_ACTOR: 'ops:alice' } });
const inForce = () => (JSON.parse(cli(['--json', 'state', '--as-of', '2017-07-05', '--limit', '100000']).stdout) as { total: number }).total;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'import-retract-reimport-'));
  db = join(dir, 'ledger.db');
  for (const file of ['un_consolidated_2017-06-30.xml', 'un_consolidated_2017-07-03.xml']) expect(cli(['import', 'un-xml', data('un', file)]).status).toBe(0);
  const retracted = cli(['retract-import', 'UN', '--published-on', '2017-07-03', '--reason', 'wrong file chosen']);
  expect(retracted.stderr).toBe('');
  expect(retracted.stdout).toMatch(/retracted: [1-9]\d* events appended/);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('an import of a publication date that was retracted', () => {
  it('is refused, naming the retraction, dry run included; nothing is appended and the answers stay those of the retraction', () => {
    const events = countEvents(db);
    const before = inForce();
    for (const extra of [[], ['--dry-run']]) {
      const again = cli(['import', 'un-xml', data('un/un_consolidated_2017-07-03.xml'), ...extra]);
      expect(again.status).toBe(3);
      expect(again.stderr).toContain('UN import refused, nothing appended: the import of the list published 2017-07-03 was retracted');
      expect(again.stdout).toBe('');
    }
    expect(countEvents(db)).toBe(events);
    expect(inForce()).toBe(before);
  }, 60_000);

  it('retracted again under another reason: exit 3 saying it is already retracted, nothing appended', () => {
    const events = countEvents(db);
    const twice = cli(['retract-import', 'UN', '--published-on', '2017-07-03', '--reason', 'another reason']);
    expect(twice.status).toBe(3);
    expect(twice.stderr).toContain('UN retraction refused, nothing appended: the import of the list published 2017-07-03 is already retracted');
    expect(countEvents(db)).toBe(events);
  }, 60_000);

  it('the next real file still imports normally', () => {
    const next = cli(['import', 'un-xml', data('un/un_consolidated_2024-09-21.xml')]);
    expect(next.stderr).toBe('');
    expect(next.status).toBe(0);
    expect(cli(['verify']).stdout).toMatch(/^ok: /);
  }, 120_000);
});
