/** Commands on a resolution's stream. */
import * as t from 'io-ts';
import {
  Identifier,
  IsoDate,
  NonEmptyString,
  ResolutionAdoptedData,
  ResolutionChanges,
} from '../../../events';

export const AdoptResolution = ResolutionAdoptedData;
export type AdoptResolution = t.TypeOf<typeof AdoptResolution>;

export const AmendResolution = t.exact(
  t.intersection(
  [
    t.type({ resolutionId: Identifier, effectiveFrom: IsoDate, changes: ResolutionChanges }),
    t.partial({ amendedBy: t.string, reason: t.string }),
  ]),
  'AmendResolution',
);
export type AmendResolution = t.TypeOf<typeof AmendResolution>;

export const RepealResolution = t.exact(
  t.intersection(
  [
    t.type({ resolutionId: Identifier, effectiveFrom: IsoDate, reason: NonEmptyString }),
    t.partial({ repealedBy: t.string }),
  ]),
  'RepealResolution',
);
export type RepealResolution = t.TypeOf<typeof RepealResolution>;

export type ResolutionCommand =
  | { readonly type: 'AdoptResolution'; readonly data: AdoptResolution }
  | { readonly type: 'AmendResolution'; readonly data: AmendResolution }
  | { readonly type: 'RepealResolution'; readonly data: RepealResolution };
