/**
 * UN_LIST_TYPE -> ledger regime, legal basis and measures.
 *
 * Regime: 'UN:' + a readable code for the Security Council sanctions committee's list.
 * Legal basis: 'UNSC-<n>' = the resolution that established the committee/regime (the list's anchor; later
 * resolutions amend it). Iran: the list published in these files is the 2231 (2015) list.
 * Measures: UN sanctions lists impose an asset freeze, a travel ban and an arms embargo on those listed. Two
 * deliberate refinements: a travel ban is only meaningful for people, so entities get asset-freeze +
 * arms-embargo; and the Iraq (1518) list is an asset freeze only (it has no travel ban or targeted embargo).
 */
import type { Measure, Regime } from '../../../events/primitives';
import { regimeCode } from '../normalize/listing-builder';

interface UnRegime {
  code: string;
  resolution: string;
  assetFreezeOnly?: boolean;
}

const UN_LISTS: Record<string, UnRegime> = {
  'Al-Qaida': { code: 'AL-QAIDA', resolution: '1267' },
  Taliban: { code: 'TALIBAN', resolution: '1988' },
  Iraq: { code: 'IRAQ', resolution: '1518', assetFreezeOnly: true },
  DPRK: { code: 'DPRK', resolution: '1718' },
  Iran: { code: 'IRAN', resolution: '2231' },
  Libya: { code: 'LIBYA', resolution: '1970' },
  DRC: { code: 'DRC', resolution: '1533' },
  CAR: { code: 'CAR', resolution: '2127' },
  Somalia: { code: 'SOMALIA', resolution: '751' },
  'Al-Shabaab': { code: 'AL-SHABAAB', resolution: '2713' },
  Sudan: { code: 'SUDAN', resolution: '1591' },
  SouthSudan: { code: 'SOUTH-SUDAN', resolution: '2206' },
  Yemen: { code: 'YEMEN', resolution: '2140' },
  GB: { code: 'GUINEA-BISSAU', resolution: '2048' },
  Mali: { code: 'MALI', resolution: '2374' },
  Haiti: { code: 'HAITI', resolution: '2653' },
  Lebanon: { code: 'LEBANON', resolution: '1636' },
};

export interface UnRegimeMapping {
  regime: Regime;
  legalBasis: string;
  measures: Measure[];
}

/** Mapping for a UN_LIST_TYPE; an unknown list type still maps (code derived from its name) rather than failing. */
export function unRegime(listType: string, kind: 'person' | 'entity'): UnRegimeMapping {
  const known = UN_LISTS[listType];
  const regime = regimeCode('UN', known?.code ?? listType);
  const legalBasis = known ? `UNSC-${known.resolution}` : `UNSC-${regime.slice(3)}`;
  const measures: Measure[] = known?.assetFreezeOnly
    ? ['asset-freeze']
    : kind === 'person'
      ? ['asset-freeze', 'travel-ban', 'arms-embargo']
      : ['asset-freeze', 'arms-embargo'];
  return { regime, legalBasis, measures };
}
