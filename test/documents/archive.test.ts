import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DocumentArchive, InvalidDocumentIdError, documentArchiveDir } from '../../src/documents';
import { DATA as LIST_DATA } from '../importers/fixtures';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('DocumentArchive', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'archive-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stores bytes under their sha256, read-only, and finds them again', async () => {
    const archive = DocumentArchive.open(join(dir, 'docs'));
    const bytes = new TextEncoder().encode('<CONSOLIDATED_LIST/>');
    const stored = await archive.put(bytes);
    expect(stored.sha256).toBe(sha(bytes));
    expect(stored.size).toBe(bytes.length);
    expect(stored.path).toBe(join(dir, 'docs', stored.sha256.slice(0, 2), stored.sha256));
    expect(readFileSync(stored.path)).toEqual(Buffer.from(bytes));
    expect(statSync(stored.path).mode & 0o777).toBe(0o444);
    expect(archive.has(stored.sha256)).toBe(true);
    expect(archive.pathOf(stored.sha256)).toBe(stored.path);
    expect(archive.sizeOf(stored.sha256)).toBe(bytes.length);
  });

  it('is idempotent: the same bytes twice give the same result and one file, no temp left', async () => {
    const archive = DocumentArchive.open(dir);
    const bytes = new Uint8Array([0, 1, 2, 255]);
    const [a, b] = await Promise.all([archive.put(bytes), archive.put(bytes)]);
    const c = await archive.put(bytes);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(readdirSync(dir)).toEqual([a.sha256.slice(0, 2)]);
    expect(readdirSync(join(dir, a.sha256.slice(0, 2)))).toEqual([a.sha256]);
  });

  it('putFile streams a real list file and gives the same result as put of its bytes', async () => {
    const file = join(LIST_DATA, 'un', readdirSync(join(LIST_DATA, 'un')).filter((f) => f.endsWith('.xml'))[0]!);
    const archive = DocumentArchive.open(dir);
    const streamed = await archive.putFile(file);
    const bytes = readFileSync(file);
    expect(streamed.sha256).toBe(sha(bytes));
    expect(streamed.size).toBe(bytes.length);
    expect(readFileSync(streamed.path).equals(bytes)).toBe(true);
    expect(await archive.put(bytes)).toEqual(streamed);
  });

  it('an empty file is a document too', async () => {
    const archive = DocumentArchive.open(dir);
    const empty = join(dir, 'empty');
    writeFileSync(empty, '');
    const stored = await archive.putFile(empty);
    expect(stored).toMatchObject({ sha256: sha(new Uint8Array()), size: 0 });
  });

  it('a missing source file fails and leaves no temp file', async () => {
    const archive = DocumentArchive.open(join(dir, 'docs'));
    await expect(archive.putFile(join(dir, 'nope.xml'))).rejects.toThrow(/ENOENT/);
    expect(readdirSync(join(dir, 'docs'))).toEqual([]);
  });

  it('refuses a malformed id before touching the disk (no path traversal)', () => {
    const archive = DocumentArchive.open(dir);
    for (const bad of ['../../etc/passwd', 'A'.repeat(64), 'a'.repeat(63), `${'a'.repeat(62)}/.`, '', `${'a'.repeat(64)}\n`]) {
      expect(() => archive.has(bad)).toThrow(InvalidDocumentIdError);
      expect(() => archive.pathOf(bad)).toThrow(InvalidDocumentIdError);
    }
    expect(archive.has('a'.repeat(64))).toBe(false);
    expect(archive.pathOf('a'.repeat(64))).toBeUndefined();
  });

  it('documentArchiveDir reads LEDGER_DOCUMENTS_DIR, default ./data/documents', () => {
    expect(documentArchiveDir({})).toBe('./data/documents');
    expect(documentArchiveDir({ LEDGER_DOCUMENTS_DIR: '/srv/docs' })).toBe('/srv/docs');
  });
});
