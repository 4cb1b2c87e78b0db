/** Events of a resolution's stream: the legal acts behind measures and listings (DESIGN.md section 3). */
import * as t from 'io-ts';
import { Authority, Identifier, IsoDate, Measure, NonEmptyString, Regime, nonEmptyArray } from './primitives';

export const ResolutionKind = t.keyof(
  {
    'security-council-resolution': null,
    regulation: null,
    decision: null,
    'implementing-regulation': null,
    'executive-order': null,
    'designation-action': null,
    'statutory-instrument': null,
    other: null,
  },
  'ResolutionKind',
);
export type ResolutionKind = t.TypeOf<typeof ResolutionKind>;

export const ResolutionAdoptedData = t.exact(
  t.intersection(
  [
    t.type({
      resolutionId: Identifier,
      authority: Authority,
      regimes: nonEmptyArray(Regime, 'regimes (at least one)'),
      kind: ResolutionKind,
      reference: NonEmptyString,
      title: NonEmptyString,
      adoptedOn: IsoDate,
      inForceFrom: IsoDate,
      measures: t.array(Measure),
    }),
    t.partial({ sourceUrl: t.string }),
  ]),
  'ResolutionAdoptedData',
);
export type ResolutionAdoptedData = t.TypeOf<typeof ResolutionAdoptedData>;

/** Fields an amendment may replace; each present field replaces the earlier value from `effectiveFrom`. */
export const ResolutionChanges = t.exact(
  t.partial(
  {
    title: NonEmptyString,
    regimes: nonEmptyArray(Regime, 'regimes (at least one)'),
    measures: t.array(Measure),
    sourceUrl: t.string,
  }),
  'ResolutionChanges',
);
export type ResolutionChanges = t.TypeOf<typeof ResolutionChanges>;

export const ResolutionAmendedData = t.exact(
  t.intersection(
  [
    t.type({
      resolutionId: Identifier,
      authority: Authority,
      effectiveFrom: IsoDate,
      changes: ResolutionChanges,
    }),
    t.partial({ amendedBy: t.string, reason: t.string }),
  ]),
  'ResolutionAmendedData',
);
export type ResolutionAmendedData = t.TypeOf<typeof ResolutionAmendedData>;

export const ResolutionRepealedData = t.exact(
  t.intersection(
  [
    t.type({ resolutionId: Identifier, authority: Authority, effectiveFrom: IsoDate, reason: NonEmptyString }),
    t.partial({ repealedBy: t.string }),
  ]),
  'ResolutionRepealedData',
);
export type ResolutionRepealedData = t.TypeOf<typeof ResolutionRepealedData>;
