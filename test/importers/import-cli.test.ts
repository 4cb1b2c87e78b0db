/** `sanctions-ledger import` end to end, as a child process against SQLite files (stderr is not a TTY: no bar). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countEvents, runCli } from '../support/cli';
import { data } from './fixtures';

let dir: string;
let db: string;
let cli: (args: string[]) => ReturnType<typeof runCli>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'import-cli-'));
  db = join(dir, 'ledger.db');
  cli = (args) => runCli(['--db', db, '--views', join(dir, 'views.db'), ...args]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sanctions-ledger import', () => {
  it('imports a file and prints the summary table', () => {
    const result = cli(['import', 'un-xml', data('un/un_consolidated_2017-06-20.xml')]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^UN list published 2017-06-20 \(un_consolidated_2017-06-20\.xml\): 1025 events appended\n/);
    expect(result.stdout).toMatch(/ {2}added\s+1024\s+1024\n {2}amended\s+0\s+0\n {2}delisted\s+0\s+0\n {2}unchanged\s+0\n {2}time\s+[\d.]+ s \(parse/);
    expect(countEvents(db)).toBe(1025); // 1024 designations and the file's ListFileImported
  }, 60_000);

  it('--dry-run prints the diff per entry and appends nothing', () => {
    const result = cli(['import', 'un-xml', data('un/un_consolidated_2017-07-03.xml'), '--dry-run']);
    expect(result.status).toBe(0);
    expect(result.stdout.split('\n').slice(0, 4)).toEqual([
      '~ UN:QDi.058  BOUBEKEUR BOULGHITI  UN:AL-QAIDA reasons from 2017-07-03',
      '- UN:QDi.168  AHMAD ZERFAOUI  -UN:AL-QAIDA on 2017-07-03',
      '- UN:QDi.169  DHOU EL-AICH  -UN:AL-QAIDA on 2017-07-03',
      '- UN:QDi.170  HACENE ALLANE  -UN:AL-QAIDA on 2017-07-03',
    ]);
    expect(result.stdout).toContain('dry run, nothing appended');
    expect(countEvents(db)).toBe(1025);
  }, 60_000);

  it('--json prints the report', () => {
    const result = cli(['import', 'un-xml', data('un/un_consolidated_2017-06-30.xml'), '--json']);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ list: 'UN', publishedOn: '2017-06-30', entries: { amended: 1, unchanged: 1023 }, appendedEvents: 2 });
    expect(countEvents(db)).toBe(1027);
  }, 60_000);

  it('a bad file exits 2 with the one-line parse error and appends nothing', () => {
    const wrong = cli(['import', 'un-xml', data('ofac/2019-01_watchman/sdn.csv')]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toBe('sanctions-ledger: sdn.csv line 1: not an XML document (starts with "36,\\"AEROCARIBBEAN AI")\n');
    const undated = cli(['import', 'ofac-csv', data('ofac/2019-01_watchman/sdn.csv')]);
    expect(undated.status).toBe(2);
    expect(undated.stderr).toContain('OFAC CSV files carry no publication date');
    expect(cli(['import', 'pdf', 'x.pdf']).status).toBe(2);
    expect(countEvents(db)).toBe(1027);
  }, 60_000);

  it('an older file than the one imported exits 3 and appends nothing', () => {
    const result = cli(['import', 'un-xml', data('un/un_consolidated_2017-06-20.xml')]);
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(/^sanctions-ledger: UN import refused, nothing appended: the ledger already holds the list published 2017-06-30/);
    expect(countEvents(db)).toBe(1027);
  }, 60_000);
});
