/** Typed builders of commands and events for domain tests (values pass the codecs). */
import type { SubjectEvent, ResolutionEvent } from '../../events';
import type { DesignateSubject } from '../../src/domain/subject/commands';

export const ro = {
  subjectId: 'ro-kwang-chol',
  kind: 'person',
  identity: {
    names: [
      { name: 'RO Kwang Chol', quality: 'primary', script: 'Latn' },
      { name: 'NO Kwang-chol', quality: 'alias', script: 'Latn' },
      { name: '로광철', quality: 'original-script', script: 'Hang' },
    ],
    nationalities: ['KP'],
    positions: ['Minister of Defence of the DPRK'],
  },
} as const;

export function designate(overrides: Partial<DesignateSubject> = {}): DesignateSubject {
  return {
    ...ro,
    regime: 'EU:RUS',
    measures: ['asset-freeze', 'travel-ban'],
    legalBasis: ['EU-2024/3187'],
    effectiveFrom: '2024-12-16',
    ...overrides,
  } as unknown as DesignateSubject;
}

export function designated(overrides: Record<string, unknown> = {}): SubjectEvent {
  const { authority: _ignored, ...command } = designate() as DesignateSubject & { authority?: string };
  return {
    type: 'SubjectDesignated',
    data: { ...command, authority: 'EU', designationId: 'EU:RUS@2024-12-16', ...overrides },
  } as unknown as SubjectEvent;
}

export function delisted(overrides: Record<string, unknown> = {}): SubjectEvent {
  return {
    type: 'SubjectDelisted',
    data: {
      subjectId: 'ro-kwang-chol',
      designationId: 'EU:RUS@2024-12-16',
      authority: 'EU',
      regime: 'EU:RUS',
      effectiveFrom: '2025-06-01',
      legalBasis: ['EU-2025/1'],
      reason: 'delisted by implementing regulation',
      ...overrides,
    },
  } as unknown as SubjectEvent;
}

export function adopted(overrides: Record<string, unknown> = {}): ResolutionEvent {
  return {
    type: 'ResolutionAdopted',
    data: {
      resolutionId: 'UNSC-1718',
      authority: 'UN',
      regimes: ['UN:DPRK'],
      kind: 'security-council-resolution',
      reference: 'S/RES/1718 (2006)',
      title: 'Non-proliferation/Democratic People’s Republic of Korea',
      adoptedOn: '2006-10-14',
      inForceFrom: '2006-10-14',
      measures: ['arms-embargo', 'asset-freeze', 'travel-ban'],
      ...overrides,
    },
  } as unknown as ResolutionEvent;
}
