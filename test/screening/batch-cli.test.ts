/** `sanctions-ledger screen --batch` end to end, as a child process against real SQLite files seeded with the worked example. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';

let dir: string;
let files: string[];
let names: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ledger-screen-batch-'));
  files = ['--db', join(dir, 'ledger.db'), '--views', join(dir, 'views.db')];
  expect(runCli([...files, 'seed']).status).toBe(0);
  names = join(dir, 'names.ndjson');
  writeFileSync(names, ['{"id": "c-1", "name": "Jane Doe"}', '{"id": "c-2", "name": "No Kwang-chol"}', 'not json', '{"id": "c-2", "name": "Kim Yong Bok"}'].join('\n'));
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const answersOf = (stdout: string) => stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, any>);

describe('sanctions-ledger screen --batch', () => {
  it('given an NDJSON file with a bad line and a repeated id, when screened on 2024-12-16, then it exits 0 with one answer a line, in order', () => {
    const result = runCli([...files, 'screen', '--batch', names, '--as-of', '2024-12-16']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const answers = answersOf(result.stdout);
    expect(answers.map((a) => a.id ?? a.line)).toEqual(['c-1', 'c-2', 3, 'c-2']);
    expect(answers[1]!.matches.map((m: { subjectId: string }) => m.subjectId)).toContain('ro-kwang-chol');
    expect(answers[2]!.error.message).toMatch(/^line 3: /);
    expect(answers[3]).toMatchObject({ line: 4, error: { errors: [{ path: 'id' }] } });
  });

  it('given CSV on stdin and --since 2024-12-15, when screened, then Ro Kwang Chol is gained', () => {
    const result = runCli([...files, 'screen', '--batch', '-', '--format', 'csv', '--as-of', '2024-12-16', '--since', '2024-12-15'], { input: 'id,name\nr1,No Kwang-chol\n' });
    expect(result.status).toBe(0);
    const [answer] = answersOf(result.stdout);
    expect(answer!.gained.map((m: { subjectId: string }) => m.subjectId)).toContain('ro-kwang-chol');
    expect(answer!.lost).toEqual([]);
  });

  it('given a 2 MB file (workers from its first line), when screened with --workers 2 and with --workers 0, then both answers are the same bytes', () => {
    const big = join(dir, 'big.ndjson');
    const names = ['Jane Doe', 'Acme Trading Ltd', 'Maria Lopez', 'No Kwang-chol'];
    const lines = Array.from({ length: 50_000 }, (_, i) => (i % 1000 === 999 ? 'not json' : JSON.stringify({ id: `customer-${String(i % 30_000).padStart(8, '0')}`, name: names[i % 4] })));
    writeFileSync(big, lines.join('\n'));
    const withWorkers = runCli([...files, 'screen', '--batch', big, '--as-of', '2024-12-16', '--known-at', '2024-12-17T00:00:00Z', '--workers', '2']);
    const alone = runCli([...files, 'screen', '--batch', big, '--as-of', '2024-12-16', '--known-at', '2024-12-17T00:00:00Z', '--workers', '0']);
    expect(withWorkers.status).toBe(0);
    expect(alone.status).toBe(0);
    expect(withWorkers.stdout.split('\n')).toHaveLength(50_001);
    expect(withWorkers.stdout === alone.stdout).toBe(true);
  }, 120_000);

  it.each([
    [['--batch', '-', '--workers', 'many'], '--workers'],
    [['Ro', '--workers', '2'], '--workers'],
    [['--batch', '/no/such/file.ndjson'], '--batch'],
    [['--batch', '.'], '--batch'],
    [['--batch', '-', '--threshold', 'abc'], '--threshold'],
    [['--batch', '-', '--since', 'last week'], '--since'],
    [['--batch', '-', '--as-of', '2024-12-16', '--since', '2024-12-20'], '--since'],
    [['--batch', '-', '--known-at', '2999-01-01T00:00:00Z'], '--known-at'],
    [['--batch', '-', '--format', 'xml'], '--format'],
    [['--batch', '-', '--kind', 'person'], '--kind'],
    [['Ro', '--since', '2024-12-15'], '--since'],
  ])('given %j, when run, then it exits 2 naming %s and writes no answer', (args, option) => {
    const result = runCli([...files, 'screen', ...args], { input: '' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(option);
    expect(result.stdout).toBe('');
  });
});
