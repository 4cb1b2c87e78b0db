/** The CLI end to end, as a child process against a real SQLite file. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countEvents, runCli } from '../support/cli';
import { designate } from '../support/fixtures';

let dir: string;
const fresh = () => join(mkdtempSync(join(dir, 'case-')), 'ledger.db');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ledger-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const designateFlags = ['--subject', 'ro-kwang-chol', '--kind', 'person', '--regime', 'EU:RUS', '--name', 'RO Kwang Chol', '--alias', 'NO Kwang-chol', '--measure', 'asset-freeze', '--legal-basis', 'EU-RUS-PACKAGE-15', '--effective-from', '2024-12-16', '--source', 'Official Journal of the EU'];

describe('sanctions-ledger CLI', () => {
  it('designates from flags, shows the history with both times, and verifies', () => {
    const db = fresh();
    const designated = runCli(['--db', db, 'designate', ...designateFlags, '--command-id', 'c-1']);
    expect(designated.stderr).toBe('');
    expect(designated.stdout).toMatch(/^recorded SubjectDesignated@0 in subject-ro-kwang-chol \(command c-1\)/);
    const history = runCli(['--db', db, 'history', 'ro-kwang-chol']);
    expect(history.status).toBe(0);
    expect(history.stdout).toMatch(/0\s+\d{4}-\d{2}-\d{2}T[\d:.]+Z\s+2024-12-16\s+SubjectDesignated\s+EU:RUS\s+cli-test\s+Official Journal of the EU/);
    const again = runCli(['--db', db, 'designate', ...designateFlags, '--command-id', 'c-1']);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('already recorded');
    expect(countEvents(db)).toBe(1);
    expect(runCli(['--db', db, 'verify']).stdout).toContain('ok: 1 events in 1 streams');
  });

  it('given a command id used for one subject, when another subject is designated under it, then exit 3 naming the first stream, nothing appended', () => {
    const db = fresh();
    expect(runCli(['--db', db, 'designate', ...designateFlags, '--command-id', 'c-shared']).status).toBe(0);
    const other = designateFlags.map((flag) => (flag === 'ro-kwang-chol' ? 'kim-yong-bok' : flag));
    const refused = runCli(['--db', db, 'designate', ...other, '--command-id', 'c-shared']);
    expect(refused.status).toBe(3);
    expect(refused.stderr).toContain('command-id-reused');
    expect(refused.stderr).toContain('subject-ro-kwang-chol');
    expect(countEvents(db)).toBe(1);
  });

  it('reads the command from stdin JSON, with flags overriding it', () => {
    const db = fresh();
    const json = JSON.stringify({ ...designate(), effectiveFrom: '2020-01-01' });
    const result = runCli(['--db', db, '--json', 'designate', '-', '--effective-from', '2024-12-16', '--source', 'OJ'], { input: json });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'accepted', events: [{ type: 'SubjectDesignated', revision: 0 }] });
    const history = JSON.parse(runCli(['--db', db, '--json', 'history', 'ro-kwang-chol']).stdout);
    expect(history[0].data.effectiveFrom).toBe('2024-12-16');
  });

  it('seeds the worked example once', () => {
    const db = fresh();
    expect(runCli(['--db', db, 'seed']).stdout).toContain('9 commands recorded, 0 already present');
    expect(runCli(['--db', db, 'seed']).stdout).toContain('0 commands recorded, 9 already present');
    expect(countEvents(db)).toBe(9);
  });

  it('given the open-end day or swapped diff dates, when queried, then exit 2 naming them', () => {
    const db = fresh();
    runCli(['--db', db, 'seed']);
    const openEnd = runCli(['--db', db, 'state', '--as-of', '9999-12-31']);
    expect([openEnd.status, openEnd.stderr]).toEqual([2, expect.stringContaining('--as-of: asOf must be a real calendar date YYYY-MM-DD before 9999-12-31')]);
    const swapped = runCli(['--db', db, 'diff', '--from', '2024-12-16', '--to', '2024-12-15']);
    expect([swapped.status, swapped.stderr]).toEqual([2, expect.stringContaining('--from: from 2024-12-16 is after to 2024-12-15')]);
  });

  // One case per command: each is a child process (about 2 s on a loaded 2-core CI machine), so twelve in one case
  // could outlast a single case's timeout (CI of stop 23 did).
  it.each(['adopt-resolution', 'amend-resolution', 'repeal-resolution', 'designate', 'amend', 'correct', 'delist', 'submit', 'history', 'verify', 'seed', 'start'])('prints help for %s', (command) => {
    const help = runCli([command, '--help']);
    expect(help.status, command).toBe(0);
    expect(help.stdout, command).toContain(`Usage: sanctions-ledger ${command}`);
  });

  it('given an unknown option, a missing argument or an unknown command, when run, then exit 2 with the usage, and help still exits 0', () => {
    const db = fresh();
    for (const args of [['import', '--format', 'un-xml', 'x.xml'], ['watchlist', 'create', 'only-an-id'], ['designat']]) {
      const result = runCli(['--db', db, ...args]);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(/^error: /);
    }
    expect(runCli(['--help']).status).toBe(0);
  });

  describe('bad input: one-line error naming the field and rule, non-zero exit, nothing appended', () => {
    const write = (name: string, content: string | Buffer) => {
      const file = join(mkdtempSync(join(dir, 'input-')), name);
      writeFileSync(file, content);
      return file;
    };
    const cases: Array<[string, () => string[], number, RegExp, string?]> = [
      ['malformed JSON', () => ['designate', write('bad.json', '{\n  "subjectId": "x",\n  "kind": }'), '--source', 'OJ'], 2, /bad\.json: malformed JSON at line 3 column 11/],
      ['a file saved as Windows-1252, not UTF-8', () => ['designate', write('latin.json', Buffer.from(JSON.stringify({ ...designate(), identity: { names: [{ name: 'José Roe', quality: 'primary' }] } }), 'latin1')), '--source', 'OJ'], 2, /latin\.json: line 1, column \d+ is not UTF-8 \(byte 0xe9\)/],
      ['an unknown command type', () => ['submit', write('c.json', JSON.stringify({ type: 'TeleportSubject', data: {}, metadata: {} }))], 2, /type: expected one of AdoptResolution/],
      ['an impossible date', () => ['designate', ...designateFlags.slice(0, -4), '--effective-from', '2024-02-30', '--source', 'OJ'], 2, /data\.effectiveFrom: expected IsoDate, got "2024-02-30"/],
      ['an empty name', () => ['designate', ...designateFlags.map((f) => (f === 'RO Kwang Chol' ? '  ' : f))], 2, /data\.identity\.names\.0\.name: expected NonEmptyString/],
      ['a designation without legal basis', () => ['designate', write('d.json', JSON.stringify({ ...designate(), legalBasis: [] })), '--source', 'OJ'], 2, /data\.legalBasis: expected legalBasis \(at least one resolution\)/],
      ['no source', () => ['designate', ...designateFlags.slice(0, -2)], 2, /source\.publisher: expected NonEmptyString/],
      ['delisting a subject not designated at that date', () => ['delist', '--subject', 'nobody', '--regime', 'EU:RUS', '--effective-from', '2025-01-01', '--legal-basis', 'EU-X', '--reason', 'r', '--source', 'OJ'], 3, /refused \(not-designated\) at effectiveFrom/],
      ['a body over 1 MB', () => ['designate', '-', '--source', 'OJ'], 2, /stdin: larger than the 1 MiB limit/, 'x'.repeat(1024 * 1024 + 10)],
    ];
    it.each(cases)('%s', (_label, args, code, message, input) => {
      const db = fresh();
      const result = runCli(['--db', db, ...args()], input === undefined ? {} : { input });
      expect(result.status).toBe(code);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stdout).toBe('');
      expect(countEvents(db)).toBe(0);
    });

    it('a duplicate designation', () => {
      const db = fresh();
      expect(runCli(['--db', db, 'designate', ...designateFlags]).status).toBe(0);
      const result = runCli(['--db', db, 'designate', ...designateFlags.map((f) => (f === '2024-12-16' ? '2025-01-01' : f))]);
      expect(result.status).toBe(3);
      expect(result.stderr).toMatch(/refused \(overlapping-designation\) at effectiveFrom: subject ro-kwang-chol already holds EU:RUS designation/);
      expect(countEvents(db)).toBe(1);
    });
  });
});

describe('CLI input encodings', () => {
  it('accepts a JSON file that starts with a UTF-8 byte-order mark', () => {
    const db = join(mkdtempSync(join(dir, 'bom-')), 'ledger.db');
    const file = join(mkdtempSync(join(dir, 'bom-input-')), 'designation.json');
    writeFileSync(file, `\uFEFF${JSON.stringify(designate())}`);
    const result = runCli(['--db', db, 'designate', file, '--source', 'OJ']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(countEvents(db)).toBe(1);
  });
});
