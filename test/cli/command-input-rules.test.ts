/** The CLI refuses what the HTTP API refuses (issue 10, items 5 and 7): exit 2 naming the field, nothing appended. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countEvents, runCli } from '../support/cli';
import { designate } from '../support/fixtures';

let dir: string;
const fresh = () => join(mkdtempSync(join(dir, 'case-')), 'ledger.db');
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ledger-cli-rules-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const designateFromStdin = (db: string, json: string, ...flags: string[]) =>
  runCli(['--db', db, 'designate', '-', '--source', 'OJ', ...flags], { input: json });

describe('CLI command input rules', () => {
  it('given an unknown data field, when designating, then exit 2 naming data.effectiveTo and nothing is appended', () => {
    const db = fresh();
    const result = designateFromStdin(db, JSON.stringify({ ...designate(), effectiveTo: '2025-01-01' }));
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('data.effectiveTo');
    expect(countEvents(db)).toBe(0);
  });

  it('given a duplicate key in the JSON input, when designating, then exit 2 naming the key and nothing is appended', () => {
    const db = fresh();
    const json = JSON.stringify(designate()).replace(/"effectiveFrom":"([^"]+)"/, '"effectiveFrom":"$1","effectiveFrom":"2030-01-01"');
    const result = designateFromStdin(db, json);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('effectiveFrom');
    expect(result.stderr).toContain('twice');
    expect(countEvents(db)).toBe(0);
  });

  it('given a name of only zero-width characters, when designating, then exit 2 naming the name', () => {
    const db = fresh();
    const json = JSON.stringify({ ...designate(), identity: { names: [{ name: '\u200B\u200D', quality: 'primary' }] } });
    const result = designateFromStdin(db, json);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('identity.names.0.name');
    expect(countEvents(db)).toBe(0);
  });
});
