/** Events of a subject's stream: its designations across regimes (DESIGN.md section 3). */
import * as t from 'io-ts';
import { Identity } from './identity';
import {
  Authority,
  Identifier,
  IsoDate,
  Measure,
  NonEmptyString,
  Regime,
  SubjectKind,
  nonEmptyArray,
} from './primitives';

/** Legal basis: the ids of the resolutions (legal acts) a listing or delisting rests on. */
export const LegalBasis = nonEmptyArray(NonEmptyString, 'legalBasis (at least one resolution)');

/** What identifies one designation inside its subject's stream; every designation event carries it. */
const DesignationRef = {
  subjectId: Identifier,
  designationId: Identifier,
  authority: Authority,
  regime: Regime,
};

export const SubjectDesignatedData = t.exact(
  t.intersection(
  [
    t.type({
      ...DesignationRef,
      kind: SubjectKind,
      identity: Identity,
      measures: nonEmptyArray(Measure, 'measures (at least one)'),
      legalBasis: LegalBasis,
      effectiveFrom: IsoDate,
    }),
    t.partial({
      authorityReference: NonEmptyString,
      publishedOn: IsoDate,
      reasons: t.string,
    }),
  ]),
  'SubjectDesignatedData',
);
export type SubjectDesignatedData = t.TypeOf<typeof SubjectDesignatedData>;

/**
 * The attributes of a designation that the law can change (amendment) or the ledger can fix (correction).
 * Each present field replaces the whole earlier value: field-level, easy to fold, easy to diff from imports.
 */
const changeableFields = t.partial({
  identity: Identity,
  measures: nonEmptyArray(Measure, 'measures (at least one)'),
  legalBasis: LegalBasis,
  authorityReference: NonEmptyString,
  reasons: t.string,
});
export const DesignationChanges = t.exact(changeableFields, 'DesignationChanges');
export type DesignationChanges = t.TypeOf<typeof DesignationChanges>;

export const DesignationAmendedData = t.exact(
  t.intersection(
  [
    t.type({ ...DesignationRef, effectiveFrom: IsoDate, changes: DesignationChanges }),
    t.partial({ legalBasis: LegalBasis, reason: t.string, publishedOn: IsoDate }),
  ]),
  'DesignationAmendedData',
);
export type DesignationAmendedData = t.TypeOf<typeof DesignationAmendedData>;

/**
 * A correction rewrites what the ledger recorded, as of the designation's original effective date.
 * Besides the attributes it may move the interval itself (a wrongly recorded effective or delisting date), or
 * withdraw what should never have been recorded (an import retracted as bad, see src/importers/import/retract.ts):
 *   withdrawn            the designation itself: it never had effect, at any date
 *   delistingWithdrawn   its delisting: it is in force again with no end
 *   amendmentsWithdrawn  its amendments recorded from the list files published on these dates
 * All optional, so every correction recorded before they existed reads as it did.
 */
export const DesignationCorrections = t.exact(
  t.intersection([
    changeableFields,
    t.partial({
      effectiveFrom: IsoDate,
      effectiveTo: IsoDate,
      withdrawn: t.literal(true),
      delistingWithdrawn: t.literal(true),
      amendmentsWithdrawn: nonEmptyArray(IsoDate, 'amendmentsWithdrawn (publication dates)'),
    }),
  ]),
  'DesignationCorrections',
);
export type DesignationCorrections = t.TypeOf<typeof DesignationCorrections>;

export const DesignationCorrectedData = t.exact(
  t.type(
  { ...DesignationRef, corrections: DesignationCorrections, reason: NonEmptyString }),
  'DesignationCorrectedData',
);
export type DesignationCorrectedData = t.TypeOf<typeof DesignationCorrectedData>;

export const SubjectDelistedData = t.exact(
  t.intersection(
  [
    t.type({ ...DesignationRef, effectiveFrom: IsoDate, legalBasis: LegalBasis, reason: NonEmptyString }),
    t.partial({ publishedOn: IsoDate }),
  ]),
  'SubjectDelistedData',
);
export type SubjectDelistedData = t.TypeOf<typeof SubjectDelistedData>;
