/**
 * Ledger subject ids for list entries: `<list>:<authority reference>` (`UN:QDi.168`, `OFAC-SDN:12345`,
 * `EU-FSF:123`, `UK-OFSI:6887`, `UK-SL:AFG0011`). The list prefix keeps the lists apart (the same person on the UN
 * and OFAC lists is two subjects here: matching them is a screening decision, not an import's), and lets the
 * importer find "its" subjects with one range scan.
 */
import { Identifier } from '../../../events/primitives';
import type { ListId } from '../listing';

/** Characters the Identifier codec refuses become '-', so a reference like `DPR 0075` still gives a legal id. */
const NOT_ALLOWED = /[^A-Za-z0-9._:/@#-]/g;
const MAX_ID = 200;

export const listPrefix = (list: ListId) => `${list}:`;

export function subjectIdOf(list: ListId, authorityReference: string): string {
  const id = `${listPrefix(list)}${authorityReference.trim().replace(NOT_ALLOWED, '-')}`.slice(0, MAX_ID);
  // The prefix starts with a letter, so only an empty reference could still fail: that is a parser bug.
  if (!Identifier.is(id)) throw new Error(`cannot derive a subject id from ${JSON.stringify(authorityReference)}`);
  return id;
}

/**
 * The half-open key range [from, to) holding every key that starts with `prefix`: ':' + 1 is ';', so a range
 * condition on a primary key replaces a LIKE that SQLite could not serve from the index.
 */
export function prefixRange(prefix: string): { from: string; to: string } {
  const last = prefix.charCodeAt(prefix.length - 1);
  return { from: prefix, to: prefix.slice(0, -1) + String.fromCharCode(last + 1) };
}
