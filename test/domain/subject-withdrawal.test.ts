/**
 * Withdrawing what a bad import recorded (issue 10): a correction that withdraws a designation, its delisting,
 * or its amendments from one list file, so they stop having effect while the log keeps them.
 */
import { describe, it } from 'vitest';
import type { SubjectEvent } from '../../events';
import type { SubjectCommand } from '../../src/domain/subject/commands';
import { subjectDecider } from '../../src/domain/subject/decider';
import { deciderSpec } from '../support/decider-spec';
import { delisted, designate, designated } from '../support/fixtures';

const given = deciderSpec(subjectDecider);
const correct = (corrections: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  ({ type: 'CorrectDesignation', data: { subjectId: 'ro-kwang-chol', regime: 'EU:RUS', corrections, reason: 'import retracted: wrong file', ...extra } }) as SubjectCommand;
const amended = (publishedOn: string) =>
  ({
    type: 'DesignationAmended',
    data: { subjectId: 'ro-kwang-chol', designationId: 'EU:RUS@2024-12-16', authority: 'EU', regime: 'EU:RUS', effectiveFrom: '2025-02-24', changes: { measures: ['asset-freeze'] }, publishedOn },
  }) as unknown as SubjectEvent;
const corrected = (corrections: Record<string, unknown>, designationId = 'EU:RUS@2024-12-16') =>
  ({ type: 'DesignationCorrected', data: { subjectId: 'ro-kwang-chol', designationId, authority: 'EU', regime: 'EU:RUS', corrections, reason: 'import retracted: wrong file' } }) as unknown as SubjectEvent;

describe('withdrawing a designation', () => {
  it('given a designation, when it is withdrawn, then DesignationCorrected records the withdrawal', () => {
    given(designated())
      .when(correct({ withdrawn: true }, { designationId: 'EU:RUS@2024-12-16' }))
      .thenMatches({ type: 'DesignationCorrected', data: { designationId: 'EU:RUS@2024-12-16', corrections: { withdrawn: true } } });
  });

  it('given a withdrawn designation, when the subject is designated again from the same date, then it is no overlap and the id is not reused', () => {
    given(designated(), corrected({ withdrawn: true }))
      .when({ type: 'DesignateSubject', data: designate() } as SubjectCommand)
      .thenMatches({ type: 'SubjectDesignated', data: { designationId: 'EU:RUS@2024-12-16#2' } });
  });

  it('given a withdrawn designation, when it is delisted or withdrawn again, then it is refused', () => {
    given(designated(), corrected({ withdrawn: true })).when(correct({ withdrawn: true }, { designationId: 'EU:RUS@2024-12-16' })).thenRefuses('already-withdrawn', 'designationId');
    given(designated(), corrected({ withdrawn: true }))
      .when({ type: 'DelistSubject', data: { subjectId: 'ro-kwang-chol', regime: 'EU:RUS', effectiveFrom: '2025-06-01', legalBasis: ['EU-2025/1'], reason: 'x' } } as SubjectCommand)
      .thenRefuses('not-designated', 'effectiveFrom');
  });

  it('refuses a withdrawal mixed with other corrections', () => {
    given(designated()).when(correct({ withdrawn: true, reasons: 'x' })).thenRefuses('withdrawal-with-changes', 'corrections.withdrawn');
  });
});

describe('withdrawing a delisting', () => {
  it('given a delisted designation, when its delisting is withdrawn, then it can be delisted again later', () => {
    given(designated(), delisted(), corrected({ delistingWithdrawn: true }))
      .when({ type: 'DelistSubject', data: { subjectId: 'ro-kwang-chol', regime: 'EU:RUS', effectiveFrom: '2025-09-01', legalBasis: ['EU-2025/2'], reason: 'delisted' } } as SubjectCommand)
      .thenMatches({ type: 'SubjectDelisted', data: { designationId: 'EU:RUS@2024-12-16', effectiveFrom: '2025-09-01' } });
  });

  it('refuses withdrawing a delisting that does not exist', () => {
    given(designated()).when(correct({ delistingWithdrawn: true })).thenRefuses('correction-without-delisting', 'corrections.delistingWithdrawn');
  });

  it('refuses withdrawing a delisting when the designation was relisted since (they would overlap)', () => {
    given(designated(), delisted(), designated({ effectiveFrom: '2025-07-01', designationId: 'EU:RUS@2025-07-01' }))
      .when(correct({ delistingWithdrawn: true }, { designationId: 'EU:RUS@2024-12-16' }))
      .thenRefuses('overlapping-designation', 'corrections.delistingWithdrawn');
  });
});

describe('withdrawing amendments', () => {
  it('given an amendment from the list published 2025-02-24, when the amendments of that file are withdrawn, then it is recorded', () => {
    given(designated(), amended('2025-02-24'))
      .when(correct({ amendmentsWithdrawn: ['2025-02-24'] }))
      .thenMatches({ type: 'DesignationCorrected', data: { corrections: { amendmentsWithdrawn: ['2025-02-24'] } } });
  });

  it('refuses withdrawing amendments no file of that date recorded (nor twice)', () => {
    given(designated(), amended('2025-02-24')).when(correct({ amendmentsWithdrawn: ['2025-03-01'] })).thenRefuses('unknown-amendment', 'corrections.amendmentsWithdrawn');
    given(designated(), amended('2025-02-24'), corrected({ amendmentsWithdrawn: ['2025-02-24'] }))
      .when(correct({ amendmentsWithdrawn: ['2025-02-24'] }))
      .thenRefuses('unknown-amendment', 'corrections.amendmentsWithdrawn');
  });
});
