/**
 * Events of a list's own stream (`list-<list>`): the evidence that the ledger imported a given file of a list
 * (DESIGN.md section 11). One per imported file, appended in the same batch as the import's designation events,
 * even when the file changed nothing: a no-op import is still proof that the list was seen without an entry.
 */
import * as t from 'io-ts';
import { Authority, IsoDate, NonEmptyString, Sha256, nonEmptyArray } from './primitives';

export const ListIdCodec = t.keyof({ UN: null, 'OFAC-SDN': null, 'OFAC-CONS': null, 'EU-FSF': null, 'UK-OFSI': null, 'UK-SL': null }, 'ListId');

const Count = t.brand(t.number, (n): n is t.Branded<number, { readonly Count: unique symbol }> => Number.isInteger(n) && n >= 0, 'Count');

export const ImportedFile = t.strict({ name: NonEmptyString, sha256: Sha256, bytes: Count }, 'ImportedFile');

export const ListFileImportedData = t.exact(
  t.intersection([
    t.type({
      list: ListIdCodec,
      authority: Authority,
      publishedOn: IsoDate,
      /** The file set's digest: the one file's sha256, or that of the set's sorted digests (OFAC CSV). */
      sha256: Sha256,
      files: nonEmptyArray(ImportedFile, 'files (at least one)'),
      entryCount: Count,
      /** What this import changed, at designation level: all 0 for a file that said the same as the last one. */
      changes: t.strict({ designated: Count, amended: Count, delisted: Count }),
    }),
    // Where and when the file was fetched are in the envelope's source, not here: the data is what the file says
    // and what importing it changed, so two importers racing on one file issue the same command (a duplicate).
    t.partial({ documentRef: t.string }),
  ]),
  'ListFileImportedData',
);
export type ListFileImportedData = t.TypeOf<typeof ListFileImportedData>;
