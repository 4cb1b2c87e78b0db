import { describe, it } from 'vitest';
import type { SubjectCommand } from '../../src/domain/subject/commands';
import { subjectDecider } from '../../src/domain/subject/decider';
import { deciderSpec } from '../support/decider-spec';
import { delisted, designate, designated } from '../support/fixtures';

const given = deciderSpec(subjectDecider);
const cmd = (type: SubjectCommand['type'], data: Record<string, unknown>) => ({ type, data }) as SubjectCommand;

const delist = (overrides: Record<string, unknown> = {}) =>
  cmd('DelistSubject', {
    subjectId: 'ro-kwang-chol',
    regime: 'EU:RUS',
    effectiveFrom: '2025-06-01',
    legalBasis: ['EU-2025/1'],
    reason: 'delisted by implementing regulation',
    ...overrides,
  });

const amend = (overrides: Record<string, unknown> = {}) =>
  cmd('AmendDesignation', {
    subjectId: 'ro-kwang-chol',
    regime: 'EU:RUS',
    effectiveFrom: '2025-02-24',
    changes: { measures: ['asset-freeze', 'travel-ban', 'trade-restriction'] },
    ...overrides,
  });

describe('designating a subject', () => {
  it('given nothing, when designated, then SubjectDesignated names the authority and a designation id', () => {
    given()
      .when(cmd('DesignateSubject', designate() as never))
      .then(designated());
  });

  it('accepts a retroactive designation (effective before it is recorded)', () => {
    given()
      .when(cmd('DesignateSubject', designate({ effectiveFrom: '2001-01-01' } as never) as never))
      .thenMatches({ type: 'SubjectDesignated', data: { effectiveFrom: '2001-01-01', designationId: 'EU:RUS@2001-01-01' } });
  });

  it('accepts a future effective date (published today, in force tomorrow)', () => {
    given()
      .when(cmd('DesignateSubject', designate({ effectiveFrom: '2099-01-01' } as never) as never))
      .thenMatches({ type: 'SubjectDesignated', data: { effectiveFrom: '2099-01-01' } });
  });

  it('given a designation in force under a regime, when designated again under it, then it is refused as overlapping', () => {
    given(designated())
      .when(cmd('DesignateSubject', designate({ effectiveFrom: '2025-03-01' } as never) as never))
      .thenRefuses('overlapping-designation', 'effectiveFrom');
  });

  it('refuses a second designation that would start before the existing one (its open end overlaps)', () => {
    given(designated())
      .when(cmd('DesignateSubject', designate({ effectiveFrom: '2020-01-01' } as never) as never))
      .thenRefuses('overlapping-designation', 'effectiveFrom');
  });

  it('given a designation under EU:RUS, when designated under US:DPRK3, then both regimes hold it', () => {
    given(designated())
      .when(cmd('DesignateSubject', designate({ regime: 'US:DPRK3', legalBasis: ['US-EO13382'] } as never) as never))
      .thenMatches({ type: 'SubjectDesignated', data: { authority: 'US', regime: 'US:DPRK3', designationId: 'US:DPRK3@2024-12-16' } });
  });

  it('given a delisted designation, when relisted from the delisting date, then it is a new designation', () => {
    given(designated(), delisted())
      .when(cmd('DesignateSubject', designate({ effectiveFrom: '2025-06-01' } as never) as never))
      .thenMatches({ type: 'SubjectDesignated', data: { designationId: 'EU:RUS@2025-06-01', effectiveFrom: '2025-06-01' } });
  });

  it('given a delisted designation, when relisted before the delisting took effect, then it is refused', () => {
    given(designated(), delisted())
      .when(cmd('DesignateSubject', designate({ effectiveFrom: '2025-05-31' } as never) as never))
      .thenRefuses('overlapping-designation', 'effectiveFrom');
  });

  it('refuses an authority that does not own the regime', () => {
    given()
      .when(cmd('DesignateSubject', designate({ authority: 'US' } as never) as never))
      .thenRefuses('regime-authority-mismatch', 'authority');
  });

  it('refuses a kind that contradicts the subject already recorded', () => {
    given(designated())
      .when(cmd('DesignateSubject', designate({ kind: 'vessel', regime: 'UN:DPRK' } as never) as never))
      .thenRefuses('subject-kind-mismatch', 'kind');
  });

  it('refuses an explicit designation id already used', () => {
    given(designated(), delisted())
      .when(cmd('DesignateSubject', designate({ effectiveFrom: '2026-01-01', designationId: 'EU:RUS@2024-12-16' } as never) as never))
      .thenRefuses('duplicate-designation-id', 'designationId');
  });
});

describe('delisting', () => {
  it('given a designation in force, when delisted at a later date, then SubjectDelisted ends that designation', () => {
    given(designated()).when(delist()).then(delisted());
  });

  it('accepts a scheduled delisting (effective in the future)', () => {
    given(designated())
      .when(delist({ effectiveFrom: '2099-12-31' }))
      .thenMatches({ type: 'SubjectDelisted', data: { effectiveFrom: '2099-12-31' } });
  });

  it('given no designation, when delisted, then it is refused: not designated at that date', () => {
    given().when(delist()).thenRefuses('not-designated', 'effectiveFrom');
  });

  it('given a designation under another regime only, when delisted under EU:RUS, then it is refused', () => {
    given(designated({ regime: 'UN:DPRK', authority: 'UN', designationId: 'UN:DPRK@2024-12-16' }))
      .when(delist())
      .thenRefuses('not-designated', 'effectiveFrom');
  });

  it('refuses a delisting that takes effect before the designation does', () => {
    given(designated()).when(delist({ effectiveFrom: '2024-12-15' })).thenRefuses('delisting-before-designation', 'effectiveFrom');
  });

  it('refuses delisting twice', () => {
    given(designated(), delisted()).when(delist({ effectiveFrom: '2025-07-01' })).thenRefuses('not-designated', 'effectiveFrom');
  });

  it('refuses a second delisting while a scheduled one is pending', () => {
    given(designated(), delisted({ effectiveFrom: '2099-01-01' }))
      .when(delist({ effectiveFrom: '2025-07-01' }))
      .thenRefuses('already-delisted', 'effectiveFrom');
  });

  it('refuses an unknown explicit designation id', () => {
    given(designated()).when(delist({ designationId: 'EU:RUS@1999-01-01' })).thenRefuses('unknown-designation', 'designationId');
  });
});

describe('amending a designation', () => {
  it('given a designation in force, when amended, then DesignationAmended carries the changes from its date', () => {
    given(designated())
      .when(amend())
      .thenMatches({ type: 'DesignationAmended', data: { designationId: 'EU:RUS@2024-12-16', effectiveFrom: '2025-02-24', changes: { measures: ['asset-freeze', 'travel-ban', 'trade-restriction'] } } });
  });

  it('refuses an amendment before the designation takes effect', () => {
    given(designated()).when(amend({ effectiveFrom: '2024-01-01' })).thenRefuses('amendment-before-designation', 'effectiveFrom');
  });

  it('refuses an amendment after the delisting', () => {
    given(designated(), delisted()).when(amend({ effectiveFrom: '2025-06-01' })).thenRefuses('not-designated', 'effectiveFrom');
  });

  it('refuses an amendment that changes nothing', () => {
    given(designated()).when(amend({ changes: {} })).thenRefuses('amendment-without-changes', 'changes');
  });
});

describe('correcting a designation', () => {
  const correct = (corrections: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    cmd('CorrectDesignation', { subjectId: 'ro-kwang-chol', regime: 'EU:RUS', corrections, reason: 'typo in the recorded entry', ...extra });

  it('given a designation, when its effective date is corrected, then DesignationCorrected holds the fix', () => {
    given(designated())
      .when(correct({ effectiveFrom: '2024-12-17' }))
      .thenMatches({ type: 'DesignationCorrected', data: { designationId: 'EU:RUS@2024-12-16', corrections: { effectiveFrom: '2024-12-17' } } });
  });

  it('refuses moving a delisting date when there is no delisting', () => {
    given(designated()).when(correct({ effectiveTo: '2025-01-01' })).thenRefuses('correction-without-delisting', 'corrections.effectiveTo');
  });

  it('refuses a correction that would end the designation before it starts', () => {
    given(designated(), delisted()).when(correct({ effectiveTo: '2024-01-01' })).thenRefuses('delisting-before-designation', 'corrections.effectiveTo');
  });

  it('refuses a correction that would overlap the relisting', () => {
    given(designated(), delisted(), designated({ effectiveFrom: '2025-06-01', designationId: 'EU:RUS@2025-06-01' }))
      .when(correct({ effectiveTo: '2025-07-01' }, { designationId: 'EU:RUS@2024-12-16' }))
      .thenRefuses('overlapping-designation', 'corrections.effectiveFrom');
  });

  it('refuses a correction of a subject with no designation under the regime', () => {
    given().when(correct({ reasons: 'x' })).thenRefuses('not-designated', 'regime');
  });

  it('refuses a correction that changes nothing', () => {
    given(designated()).when(correct({})).thenRefuses('correction-without-changes', 'corrections');
  });
});
