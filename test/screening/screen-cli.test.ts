/** `sanctions-ledger screen` end to end, as a child process against real SQLite files seeded with the worked example. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';

let dir: string;
let files: string[];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ledger-screen-'));
  files = ['--db', join(dir, 'ledger.db'), '--views', join(dir, 'views.db')];
  expect(runCli([...files, 'seed']).status).toBe(0);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sanctions-ledger screen', () => {
  it('given the worked example, when "No Kwang-chol" is screened on 2024-12-16, then Ro Kwang Chol is listed with its score', () => {
    const result = runCli([...files, 'screen', 'No Kwang-chol', '--as-of', '2024-12-16']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^1\.0000\s+EU:RUS\s+ro-kwang-chol\s+NO Kwang-chol \(alias, tokens\)$/m);
    expect(result.stdout).toMatch(/receipt sha256 [0-9a-f]{64}/);
  });

  it('given 2024-12-15, when screened, then nothing matches', () => {
    const result = runCli([...files, 'screen', 'No Kwang-chol', '--as-of', '2024-12-15']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^0 match\(es\)/);
  });

  it('given a --json receipt, when verified untouched, then "same"; when its matches were edited, then exit 5 naming the difference', () => {
    const issued = runCli([...files, '--json', 'screen', 'Ro Kwang Chol', '--as-of', '2024-12-16', '--known-at', new Date().toISOString()]);
    expect(issued.status).toBe(0);
    const receipt = JSON.parse(issued.stdout);
    expect(receipt.matches.length).toBeGreaterThan(0);
    const path = join(dir, 'receipt.json');
    writeFileSync(path, JSON.stringify(receipt));
    const same = runCli([...files, 'screen', '--verify', path]);
    expect(same.status).toBe(0);
    expect(same.stdout).toMatch(/^same: /);

    writeFileSync(path, JSON.stringify({ ...receipt, matches: receipt.matches.slice(1) }));
    const different = runCli([...files, 'screen', '--verify', path]);
    expect(different.status).toBe(5);
    expect(different.stderr).toContain('changed after it was issued');
    expect(different.stderr).toContain(`${receipt.matches[0].subjectId} (${receipt.matches[0].regime}) now matches`);
  });

  it.each([
    [['screen', 'Ro', '--threshold', '2'], '--threshold'],
    [['screen', 'Ro', '--threshold', 'abc'], '--threshold'],
    [['screen', 'Ro', '--as-of', '2024-13-01'], '--as-of'],
    [['screen', 'Ro', '--known-at', '2999-01-01T00:00:00Z'], '--known-at'],
    [['screen', 'Ro', '--kind', 'planet'], '--kind'],
    [['screen', ''], '<name>'],
  ])('given %j, when run, then it exits 2 naming %s', (args, option) => {
    const result = runCli([...files, ...args]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(option);
  });
});
