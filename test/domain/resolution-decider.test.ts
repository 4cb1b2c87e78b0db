import { describe, it } from 'vitest';
import type { ResolutionCommand } from '../../src/domain/resolution/commands';
import { resolutionDecider } from '../../src/domain/resolution/decider';
import { deciderSpec } from '../support/decider-spec';
import { adopted } from '../support/fixtures';

const given = deciderSpec(resolutionDecider);
const cmd = (type: ResolutionCommand['type'], data: Record<string, unknown>) => ({ type, data }) as ResolutionCommand;
const adopt = (overrides: Record<string, unknown> = {}) => cmd('AdoptResolution', { ...adopted().data, ...overrides });
const repeal = (overrides: Record<string, unknown> = {}) =>
  cmd('RepealResolution', { resolutionId: 'UNSC-1718', effectiveFrom: '2030-01-01', reason: 'terminated', ...overrides });
const amend = (overrides: Record<string, unknown> = {}) =>
  cmd('AmendResolution', { resolutionId: 'UNSC-1718', effectiveFrom: '2017-12-22', changes: { measures: ['arms-embargo', 'asset-freeze', 'travel-ban', 'import-cap'] }, amendedBy: 'UNSC-2397', ...overrides });

describe('resolutions', () => {
  it('given nothing, when adopted, then ResolutionAdopted', () => {
    given().when(adopt()).then(adopted());
  });

  it('refuses adopting the same resolution twice', () => {
    given(adopted()).when(adopt()).thenRefuses('resolution-already-adopted', 'resolutionId');
  });

  it('refuses a regime of another authority', () => {
    given().when(adopt({ regimes: ['UN:DPRK', 'EU:RUS'] })).thenRefuses('regime-authority-mismatch', 'regimes.1');
  });

  it('given an adopted resolution, when amended, then ResolutionAmended carries the authority', () => {
    given(adopted())
      .when(amend())
      .thenMatches({ type: 'ResolutionAmended', data: { resolutionId: 'UNSC-1718', authority: 'UN', effectiveFrom: '2017-12-22' } });
  });

  it('refuses an amendment of an unknown resolution', () => {
    given().when(amend()).thenRefuses('resolution-not-adopted', 'resolutionId');
  });

  it('refuses an amendment dated before adoption', () => {
    given(adopted()).when(amend({ effectiveFrom: '2006-10-13' })).thenRefuses('amendment-before-adoption', 'effectiveFrom');
  });

  it('refuses an amendment that changes nothing', () => {
    given(adopted()).when(amend({ changes: {} })).thenRefuses('amendment-without-changes', 'changes');
  });

  it('given an adopted resolution, when repealed, then ResolutionRepealed', () => {
    given(adopted()).when(repeal()).thenMatches({ type: 'ResolutionRepealed', data: { effectiveFrom: '2030-01-01', authority: 'UN' } });
  });

  it('given a repealed resolution, when amended after the repeal, then refused', () => {
    given(adopted(), ...[{ type: 'ResolutionRepealed', data: { resolutionId: 'UNSC-1718', authority: 'UN', effectiveFrom: '2017-01-01', reason: 'x' } } as never])
      .when(amend())
      .thenRefuses('resolution-repealed', 'effectiveFrom');
  });

  it('refuses repealing twice and repealing before adoption', () => {
    given(adopted(), ...[{ type: 'ResolutionRepealed', data: { resolutionId: 'UNSC-1718', authority: 'UN', effectiveFrom: '2030-01-01', reason: 'x' } } as never])
      .when(repeal())
      .thenRefuses('resolution-already-repealed', 'resolutionId');
    given(adopted()).when(repeal({ effectiveFrom: '2000-01-01' })).thenRefuses('repeal-before-adoption', 'effectiveFrom');
  });
});
