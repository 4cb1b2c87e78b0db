/** Commands on a subject's stream. The codecs validate input at the edge and give the static types. */
import * as t from 'io-ts';
import {
  Authority,
  DesignationChanges,
  DesignationCorrections,
  Identifier,
  Identity,
  IsoDate,
  LegalBasis,
  Measure,
  NonEmptyString,
  Regime,
  SubjectKind,
  nonEmptyArray,
} from '../../../events';

/** Which designation a command is about: the one under `regime` in force at the date, or an explicit id. */
const Target = { subjectId: Identifier, regime: Regime };

export const DesignateSubject = t.exact(
  t.intersection(
  [
    t.type({
      subjectId: Identifier,
      kind: SubjectKind,
      regime: Regime,
      identity: Identity,
      measures: nonEmptyArray(Measure, 'measures (at least one)'),
      legalBasis: LegalBasis,
      effectiveFrom: IsoDate,
    }),
    t.partial({
      authority: Authority,
      designationId: Identifier,
      authorityReference: NonEmptyString,
      publishedOn: IsoDate,
      reasons: t.string,
    }),
  ]),
  'DesignateSubject',
);
export type DesignateSubject = t.TypeOf<typeof DesignateSubject>;

export const AmendDesignation = t.exact(
  t.intersection(
  [
    t.type({ ...Target, effectiveFrom: IsoDate, changes: DesignationChanges }),
    t.partial({ designationId: Identifier, legalBasis: LegalBasis, reason: t.string, publishedOn: IsoDate }),
  ]),
  'AmendDesignation',
);
export type AmendDesignation = t.TypeOf<typeof AmendDesignation>;

export const CorrectDesignation = t.exact(
  t.intersection(
  [
    t.type({ ...Target, corrections: DesignationCorrections, reason: NonEmptyString }),
    t.partial({ designationId: Identifier }),
  ]),
  'CorrectDesignation',
);
export type CorrectDesignation = t.TypeOf<typeof CorrectDesignation>;

export const DelistSubject = t.exact(
  t.intersection(
  [
    t.type({ ...Target, effectiveFrom: IsoDate, legalBasis: LegalBasis, reason: NonEmptyString }),
    t.partial({ designationId: Identifier, publishedOn: IsoDate }),
  ]),
  'DelistSubject',
);
export type DelistSubject = t.TypeOf<typeof DelistSubject>;

export type SubjectCommand =
  | { readonly type: 'DesignateSubject'; readonly data: DesignateSubject }
  | { readonly type: 'AmendDesignation'; readonly data: AmendDesignation }
  | { readonly type: 'CorrectDesignation'; readonly data: CorrectDesignation }
  | { readonly type: 'DelistSubject'; readonly data: DelistSubject };
