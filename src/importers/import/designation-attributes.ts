/**
 * What one designation of a list entry says: the ledger keeps one designation per (entry, regime), while the
 * parsers give measures and legal basis per entry. Where the list lets us tell which legal basis or measure
 * belongs to which regime, the designation gets only its own (an OFAC entry under [SDGT] [IRGC] is a US:SDGT
 * designation resting on OFAC-SDGT and a US:IRGC one resting on OFAC-IRGC); otherwise it keeps the entry's.
 */
import type { DesignationAttributes } from '../../../projections/designation-state';
import { ofacLegalBasis } from '../formats/ofac-programs';
import { ukRegime, ukTravelBanApplies } from '../formats/uk-regimes';
import type { Listing, Measure, Regime } from '../listing';

function legalBasisFor(listing: Listing, regime: Regime): string[] {
  let own: string[] = [];
  if (listing.authority === 'US') own = listing.legalBasis.filter((b) => b === ofacLegalBasis(regime.slice(3)));
  // UK-OFSI names its regimes in the legal basis ('North Korea (...)'), which map back to the regime code.
  if (listing.list === 'UK-OFSI') own = listing.legalBasis.filter((b) => ukRegime(b) === regime);
  return own.length > 0 ? own : [...listing.legalBasis];
}

function measuresFor(listing: Listing, regime: Regime): Measure[] {
  // The OFSI CSV grants a travel ban per regime; other lists state measures for the whole entry.
  if (listing.list === 'UK-OFSI' && !ukTravelBanApplies(regime)) {
    const withoutBan = listing.measures.filter((m) => m !== 'travel-ban');
    if (withoutBan.length > 0) return withoutBan;
  }
  return [...listing.measures];
}

export function attributesFor(listing: Listing, regime: Regime): DesignationAttributes {
  return {
    identity: listing.identity,
    measures: measuresFor(listing, regime),
    legalBasis: legalBasisFor(listing, regime),
    authorityReference: listing.authorityReference,
    ...(listing.remarks === undefined ? {} : { reasons: listing.remarks }),
  };
}

/** The fields an amendment can carry, in the order they are reported. */
export const AMENDABLE = ['identity', 'measures', 'legalBasis', 'authorityReference', 'reasons'] as const;
export type AmendableField = (typeof AMENDABLE)[number];
