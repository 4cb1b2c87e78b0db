/**
 * The normalised, list-independent view of one official sanctions list publication.
 * Identity parts reuse the ledger's event codecs' types, so a Listing can feed designation events unchanged.
 */
import type { Address, Identity, IdentityDocument, Name } from '../../events/identity';
import type { Authority, Measure, Regime, SubjectKind } from '../../events/primitives';

export type { Address, Authority, Identity, IdentityDocument, Measure, Name, Regime, SubjectKind };

/** Which publication a snapshot is of. OFAC publishes two lists in the same formats (SDN and non-SDN consolidated). */
export type ListId = 'UN' | 'OFAC-SDN' | 'OFAC-CONS' | 'EU-FSF' | 'UK-OFSI' | 'UK-SL';

export interface Listing {
  list: ListId;
  authority: Authority;
  /** The publisher's stable key for the record: UN REFERENCE_NUMBER, OFAC ent_num/uid, EU logicalId, UK Group ID/UniqueID. */
  authorityReference: string;
  kind: SubjectKind;
  /** names[0] is the primary name; the other arrays are sets (sorted, de-duplicated) so a reordering by the publisher is no change. */
  identity: Identity;
  regimes: Regime[];
  measures: Measure[];
  legalBasis: string[];
  /** ISO date the publisher gives for the listing; absent when the format has none (OFAC). */
  listedOn?: string;
  /** ISO dates of amendments the publisher records. */
  lastUpdated?: string[];
  remarks?: string;
}

export interface SourceFileDigest {
  name: string;
  sha256: string;
  bytes: number;
}

export interface ListSnapshot {
  list: ListId;
  authority: Authority;
  /** ISO date taken from the file itself (or, for the OFAC CSV set, from options.publishedOn). */
  publishedOn: string;
  files: SourceFileDigest[];
  /** In publication order (the order records appear in the primary file). */
  entries: Listing[];
}

export type Format = 'un-xml' | 'ofac-csv' | 'ofac-xml' | 'eu-xml' | 'uk-ofsi-csv' | 'uk-xml';

export interface ParseOptions {
  /** Required for 'ofac-csv' (the legacy CSV files carry no date); ignored by formats that date themselves. */
  publishedOn?: string;
  /** Called after each chunk read, with cumulative bytes over all files of the set. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /**
   * 'ofac-xml' only: which OFAC list the sdnList document is. Both lists share one schema and nothing in the
   * file says which it is; by default a file name containing "cons" means OFAC-CONS, anything else OFAC-SDN.
   */
  list?: Extract<ListId, 'OFAC-SDN' | 'OFAC-CONS'>;
}
