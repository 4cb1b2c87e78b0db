/**
 * Issue 10 item 1, the way out: `sanctions-ledger retract-import` through the real CLI on real UN files.
 *
 * The bad import: the real 2017-07-03 file with its dateGenerated changed to today (within the tolerance, so
 * the refusal of future dates cannot catch it: a wrongly dated or tampered file). It records delistings and
 * amendments dated wrong and locks the list: the real 2017-06-30 file is refused as older. After the retraction
 * the ledger answers, asOf every date as known now, exactly as a ledger that never saw the bad file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countEvents, runCli } from '../support/cli';
import { data } from './fixtures';

const today = new Date().toISOString().slice(0, 10);
const REASON = 'tampered file: dateGenerated changed; the real file is the 2017-07-03 list';
let dir: string;
let bad: string;
type Cli = (args: string[]) => ReturnType<typeof runCli>;
const ledgerIn = (name: string): { cli: Cli; db: string } => {
  const db = join(dir, `${name}.db`);
  return { db, cli: (args) => runCli(['--db', db, '--views', join(dir, `${name}-views.db`), ...args], { env: { LEDGER_ACTOR: 'ops:alice' } }) };
};
let subject: ReturnType<typeof ledgerIn>;
let control: ReturnType<typeof ledgerIn>;
/** A ledger holding only the real 2017-06-20 file: what the subject ledger held before the bad import. */
let first: ReturnType<typeof ledgerIn>;
const DATES = ['2017-06-19', '2017-06-20', '2017-06-30', '2017-07-03', today, '2099-01-01'];
let beforeRetraction: string;

const ok = (result: ReturnType<typeof runCli>) => {
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout;
};

/** The designations in force, without what differs between two ledgers recording the same facts (ids, instants). */
function stateOf(cli: Cli, asOf: string, knownAt?: string) {
  const out = JSON.parse(ok(cli(['--json', 'state', '--as-of', asOf, '--limit', '100000', ...(knownAt === undefined ? [] : ['--known-at', knownAt])]))) as { total: number; designations: Record<string, unknown>[] };
  const designations = out.designations
    .map((d) => Object.fromEntries(Object.entries(d).filter(([k]) => !/designationId|recorded/i.test(k))))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return { total: out.total, designations };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'import-retract-'));
  const real = readFileSync(data('un/un_consolidated_2017-07-03.xml'), 'utf8');
  const dated = real.replace(/dateGenerated=(["'])2017-07-03/, `dateGenerated=$1${today}`);
  expect(dated).not.toBe(real);
  bad = join(dir, 'consolidated.xml');
  writeFileSync(bad, dated);
  subject = ledgerIn('subject');
  control = ledgerIn('control');
  first = ledgerIn('first');
  ok(first.cli(['import', 'un-xml', data('un/un_consolidated_2017-06-20.xml')]));
  // The control ledger never sees the bad file. Each CLI run blocks this worker (spawnSync): give the loop a turn
  // between them, or vitest's 60 s RPC timeout fires on a loaded machine.
  for (const file of ['un_consolidated_2017-06-20.xml', 'un_consolidated_2017-06-30.xml', 'un_consolidated_2017-07-03.xml']) {
    await new Promise((resolve) => setImmediate(resolve));
    ok(control.cli(['import', 'un-xml', data('un', file)]));
  }
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sanctions-ledger retract-import', () => {
  it('given the real 2017-06-20 list and the bad file imported, then the real 2017-06-30 file is refused (the list is locked)', () => {
    ok(subject.cli(['import', 'un-xml', data('un/un_consolidated_2017-06-20.xml')]));
    expect(ok(subject.cli(['import', 'un-xml', bad]))).toMatch(new RegExp(`^UN list published ${today} \\(consolidated\\.xml\\): \\d+ events appended`));
    const locked = subject.cli(['import', 'un-xml', data('un/un_consolidated_2017-06-30.xml')]);
    expect(locked.status).toBe(3);
    expect(locked.stderr).toContain(`the ledger already holds the list published ${today}`);
    beforeRetraction = new Date().toISOString();
  }, 60_000);

  it('when the bad import is retracted, then corrections are appended and asOf every date, known now, the state is that of a ledger that never saw the bad file', () => {
    const events = countEvents(subject.db);
    const out = ok(subject.cli(['retract-import', 'UN', '--published-on', today, '--reason', REASON]));
    expect(out).toMatch(new RegExp(`^UN import published ${today} retracted: [1-9]\\d* events appended; 0 designations, [1-9]\\d* delistings, [1-9]\\d* amendments withdrawn\\n$`));
    expect(countEvents(subject.db)).toBeGreaterThan(events);
    for (const asOf of DATES) expect(stateOf(subject.cli, asOf)).toEqual(stateOf(first.cli, asOf));
  }, 120_000);

  it('given the retraction, when asked as known before it, then the ledger still shows what the bad import had recorded (audit)', () => {
    expect(stateOf(subject.cli, today, beforeRetraction)).not.toEqual(stateOf(first.cli, today));
    expect(stateOf(subject.cli, today, beforeRetraction).total).toBeLessThan(stateOf(first.cli, today).total);
  }, 60_000);

  it('history shows the retraction with its actor and reason, and verify passes', () => {
    const history = JSON.parse(ok(subject.cli(['--json', 'history', 'UN:QDi.168']))) as Array<{ type: string; actor: { id: string }; data: Record<string, unknown> }>;
    expect(history.map((e) => e.type)).toEqual(['SubjectDesignated', 'SubjectDelisted', 'DesignationCorrected']);
    expect(history[2]).toMatchObject({ actor: { id: 'ops:alice', kind: 'person' }, data: { corrections: { delistingWithdrawn: true } } });
    expect(String(history[2]!.data.reason)).toContain(REASON);
    expect(ok(subject.cli(['verify']))).toMatch(/^ok: /);
  }, 60_000);

  it('running the same retraction again appends nothing', () => {
    const events = countEvents(subject.db);
    expect(ok(subject.cli(['retract-import', 'UN', '--published-on', today, '--reason', REASON]))).toMatch(/retracted: 0 events appended \(\d+ already recorded\)/);
    expect(countEvents(subject.db)).toBe(events);
  }, 60_000);

  it('then the real next files import normally, and the ledger equals one that imported only the real files', () => {
    ok(subject.cli(['import', 'un-xml', data('un/un_consolidated_2017-06-30.xml')]));
    ok(subject.cli(['import', 'un-xml', data('un/un_consolidated_2017-07-03.xml')]));
    for (const asOf of DATES) expect(stateOf(subject.cli, asOf)).toEqual(stateOf(control.cli, asOf));
  }, 120_000);

  it('refuses a retraction of an import that was never recorded, and a missing reason, appending nothing', () => {
    const events = countEvents(subject.db);
    const none = subject.cli(['retract-import', 'UN', '--published-on', '2001-01-01', '--reason', REASON]);
    expect(none.status).toBe(3);
    expect(none.stderr).toBe('sanctions-ledger: UN retraction refused, nothing appended: no import of the list published 2001-01-01 is recorded\n');
    const unexplained = subject.cli(['retract-import', 'UN', '--published-on', today]);
    expect(unexplained.status).toBe(2);
    expect(unexplained.stderr).toContain('--reason is required');
    expect(countEvents(subject.db)).toBe(events);
  }, 60_000);
});
