/** ListFileImported: version 1, strict like every event codec (unknown fields refused, counts are whole numbers). */
import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import { catalogue, decodeEvent, strictFieldErrors, ListFileImportedData } from '../../events';

const sha = 'a'.repeat(64);
const valid = {
  list: 'UN',
  authority: 'UN',
  publishedOn: '2024-09-26',
  sha256: sha,
  files: [{ name: 'consolidated.xml', sha256: sha, bytes: 10 }],
  entryCount: 875,
  changes: { designated: 0, amended: 0, delisted: 0 },
  documentRef: 'consolidated.xml',
};

describe('ListFileImported', () => {
  it('is in the catalogue at version 1 and decodes', () => {
    expect(catalogue.currentVersion.ListFileImported).toBe(1);
    expect(E.isRight(decodeEvent('ListFileImported', 1, valid))).toBe(true);
  });

  it('refuses unknown fields, naming them', () => {
    expect(strictFieldErrors(ListFileImportedData, { ...valid, url: 'https://x' }, 'data').map((e) => e.path)).toEqual(['data.url']);
    expect(strictFieldErrors(ListFileImportedData, { ...valid, changes: { ...valid.changes, moved: 1 } }, 'data').map((e) => e.path)).toEqual(['data.changes.moved']);
  });

  it.each([
    ['list', { list: 'UNSC' }],
    ['sha256', { sha256: 'xyz' }],
    ['files', { files: [] }],
    ['entryCount', { entryCount: -1 }],
    ['changes.designated', { changes: { designated: 0.5, amended: 0, delisted: 0 } }],
    ['publishedOn', { publishedOn: '2024-02-30' }],
  ])('refuses a bad %s', (field, over) => {
    const decoded = decodeEvent('ListFileImported', 1, { ...valid, ...over });
    expect(E.isLeft(decoded) && decoded.left.message).toContain(field.split('.')[0]);
  });
});
