/**
 * Final assembly of a Listing: canonical order for every set-like field, omission of empty optional fields
 * (so deep equality does not depend on `undefined` vs absent), and the invariants the ledger relies on
 * (at least one regime, measure and legal basis; unique references within a snapshot).
 */
import type { Identity } from '../../../events/identity';
import { Measure, Regime, type Authority, type SubjectKind } from '../../../events/primitives';
import { ListParseError } from '../errors';
import type { ListId, Listing } from '../listing';
import { compareText } from './identity-builder';
import { clean } from './text';

/** Canonical measure order (severity-ish), so equal sets serialise equally. */
const MEASURE_ORDER = Object.keys(Measure.keys) as Measure[];

export interface ListingParts {
  list: ListId;
  authority: Authority;
  authorityReference: string;
  kind: SubjectKind;
  identity: Identity;
  regimes: Iterable<Regime>;
  measures: Iterable<Measure>;
  legalBasis: Iterable<string>;
  listedOn?: string | undefined;
  lastUpdated?: Iterable<string>;
  /** Remark paragraphs; blanks dropped, the rest joined by newlines. */
  remarks?: Iterable<string | undefined>;
}

export function makeListing(parts: ListingParts, where: { file: string; line: number }): Listing {
  const fail = (problem: string): never => {
    throw new ListParseError({ ...where, record: parts.authorityReference, problem: `${parts.authorityReference}: ${problem}` });
  };
  const regimes = [...new Set(parts.regimes)].sort(compareText);
  const measures = [...new Set(parts.measures)].sort((a, b) => MEASURE_ORDER.indexOf(a) - MEASURE_ORDER.indexOf(b));
  const legalBasis = [...new Set([...parts.legalBasis].map((b) => clean(b)).filter((b): b is string => !!b))].sort(compareText);
  if (regimes.length === 0) fail('no sanctions regime could be determined');
  const unusable = regimes.find((r) => !Regime.is(r));
  if (unusable !== undefined) fail(`a programme or regime name gives no usable regime code (${JSON.stringify(unusable)})`);
  if (measures.length === 0) fail('no measure could be determined');
  if (legalBasis.length === 0) fail('no legal basis could be determined');

  const listing: Listing = {
    list: parts.list,
    authority: parts.authority,
    authorityReference: parts.authorityReference,
    kind: parts.kind,
    identity: parts.identity,
    regimes,
    measures,
    legalBasis,
  };
  if (parts.listedOn !== undefined) listing.listedOn = parts.listedOn;
  const lastUpdated = [...new Set(parts.lastUpdated ?? [])].sort(compareText);
  if (lastUpdated.length > 0) listing.lastUpdated = lastUpdated;
  const remarks = [...(parts.remarks ?? [])].map((r) => clean(r)).filter((r): r is string => r !== undefined);
  if (remarks.length > 0) listing.remarks = [...new Set(remarks)].join('\n');
  return listing;
}

/**
 * `AUTHORITY:CODE` from a publisher's programme name: upper-cased, accents stripped, every run of characters
 * outside [A-Z0-9._] turned into one '-', trimmed to the 64 characters the Regime codec allows.
 * A name with nothing usable ("???") gives a code the Regime codec refuses: makeListing then fails the file
 * with its line (this function knows neither the file nor the line, so it does not throw).
 */
export function regimeCode(authority: Authority, raw: string): Regime {
  const code = raw
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z0-9._]+/g, '-')
    .replace(/^[-._]+|[-._]+$/g, '')
    .slice(0, 64)
    .replace(/[-._]+$/, '');
  return `${authority}:${code}` as Regime;
}

/** Collects listings and refuses a second record with the same reference (a corrupt file or a bad join). */
export class ListingCollector {
  readonly entries: Listing[] = [];
  private readonly seen = new Map<string, number>();

  constructor(private readonly file: string) {}

  add(listing: Listing, line: number): void {
    const previous = this.seen.get(listing.authorityReference);
    if (previous !== undefined) {
      throw new ListParseError({
        file: this.file,
        line,
        record: listing.authorityReference,
        problem: `duplicate record ${listing.authorityReference} (first seen at line ${previous})`,
      });
    }
    this.seen.set(listing.authorityReference, line);
    this.entries.push(listing);
  }
}
