/** The list stream's decider: what the record of an imported file must say to be accepted. */
import { describe, it } from 'vitest';
import { fileSetDigest } from '../../src/domain/list/file-digest';
import { listDecider, type ListCommand } from '../../src/domain/list/decider';
import type { ListFileImportedData } from '../../events';
import { deciderSpec } from '../support/decider-spec';

const given = deciderSpec(listDecider);
const a = 'a'.repeat(64);
const b = 'b'.repeat(64);
const record = (over: Partial<Record<keyof ListFileImportedData, unknown>> = {}) =>
  ({
    list: 'UN',
    authority: 'UN',
    publishedOn: '2024-09-26',
    sha256: a,
    files: [{ name: 'consolidated.xml', sha256: a, bytes: 2_205_234 }],
    entryCount: 875,
    changes: { designated: 0, amended: 0, delisted: 0 },
    ...over,
  }) as ListFileImportedData;
const cmd = (data: ListFileImportedData): ListCommand => ({ type: 'RecordListFileImport', data });
const imported = (data: ListFileImportedData) => ({ type: 'ListFileImported' as const, data });

describe('a list stream', () => {
  it('given nothing, when a file is recorded, then ListFileImported says what it said and changed', () => {
    given().when(cmd(record())).then(imported(record()));
  });

  it('given an earlier file, when an identical file of a later date is recorded, then it is recorded with no changes', () => {
    given(imported(record({ publishedOn: '2024-09-21', changes: { designated: 875, amended: 0, delisted: 0 } })))
      .when(cmd(record()))
      .then(imported(record()));
  });

  it('given a set of files, when the digest is that of the sorted file digests, then it is recorded', () => {
    const files = [{ name: 'sdn.csv', sha256: b, bytes: 1 }, { name: 'add.csv', sha256: a, bytes: 1 }];
    const data = record({ list: 'OFAC-SDN', authority: 'US', files, sha256: fileSetDigest(files) });
    given().when(cmd(data)).then(imported(data));
  });

  it('refuses a digest that is not the files\' (single file or set)', () => {
    given().when(cmd(record({ sha256: b }))).thenRefuses('file-digest-mismatch', 'sha256');
    const files = [{ name: 'sdn.csv', sha256: b, bytes: 1 }, { name: 'add.csv', sha256: a, bytes: 1 }];
    given().when(cmd(record({ files, sha256: b }))).thenRefuses('file-digest-mismatch', 'sha256');
  });
});
