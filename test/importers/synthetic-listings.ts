/** A small UN list entry for the importer's rule tests; `over` sets what a case is about. */
import type { Listing } from '../../src/importers/listing';

export function unListing(ref: string, over: Partial<Listing> = {}): Listing {
  return {
    list: 'UN',
    authority: 'UN',
    authorityReference: ref,
    kind: 'person',
    identity: { names: [{ name: `PERSON ${ref}`, quality: 'primary' }] } as Listing['identity'],
    regimes: ['UN:DPRK'] as Listing['regimes'],
    measures: ['asset-freeze', 'travel-ban'],
    legalBasis: ['UNSC-1718'],
    listedOn: '2016-11-30',
    ...over,
  };
}
