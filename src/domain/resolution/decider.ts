/** Rules for legal acts: adopted once, amended or repealed only while in force (DESIGN.md section 5). */
import * as E from 'fp-ts/Either';
import { authorityOfRegime, type Authority, type Regime, type ResolutionEvent } from '../../../events';
import { accept, refuse, type Decider, type RuleViolation } from '../decider';
import type { ResolutionCommand } from './commands';

export type ResolutionState =
  | { readonly status: 'unknown' }
  | {
      readonly status: 'adopted';
      readonly resolutionId: string;
      readonly authority: Authority;
      readonly adoptedOn: string;
      readonly inForceFrom: string;
      readonly repealedFrom?: string;
    };

function regimesOfAuthority(
  authority: Authority,
  regimes: readonly Regime[],
  field: string,
): E.Either<RuleViolation, void> {
  const index = regimes.findIndex((regime) => authorityOfRegime(regime) !== authority);
  return index === -1
    ? E.right(undefined)
    : refuse(
        'regime-authority-mismatch',
        `${field}.${index}`,
        `regime ${regimes[index]} does not belong to authority ${authority}`,
      );
}

function decide(command: ResolutionCommand, state: ResolutionState): E.Either<RuleViolation, readonly ResolutionEvent[]> {
  switch (command.type) {
    case 'AdoptResolution': {
      const data = command.data;
      if (state.status === 'adopted') {
        return refuse('resolution-already-adopted', 'resolutionId', `resolution ${data.resolutionId} is already recorded`);
      }
      return E.map(() => [{ type: 'ResolutionAdopted', data }] as const)(
        regimesOfAuthority(data.authority, data.regimes, 'regimes'),
      );
    }
    case 'AmendResolution': {
      const data = command.data;
      if (state.status !== 'adopted') {
        return refuse('resolution-not-adopted', 'resolutionId', `resolution ${data.resolutionId} is not recorded`);
      }
      if (data.effectiveFrom < state.adoptedOn) {
        return refuse('amendment-before-adoption', 'effectiveFrom', `amendment on ${data.effectiveFrom} precedes adoption on ${state.adoptedOn}`);
      }
      if (state.repealedFrom !== undefined && data.effectiveFrom >= state.repealedFrom) {
        return refuse('resolution-repealed', 'effectiveFrom', `resolution ${data.resolutionId} is repealed from ${state.repealedFrom}`);
      }
      if (Object.keys(data.changes).length === 0) {
        return refuse('amendment-without-changes', 'changes', 'an amendment must change at least one field');
      }
      const checked = data.changes.regimes === undefined
        ? E.right(undefined)
        : regimesOfAuthority(state.authority, data.changes.regimes, 'changes.regimes');
      return E.map(() => [{ type: 'ResolutionAmended', data: { ...data, authority: state.authority } }] as const)(checked);
    }
    case 'RepealResolution': {
      const data = command.data;
      if (state.status !== 'adopted') {
        return refuse('resolution-not-adopted', 'resolutionId', `resolution ${data.resolutionId} is not recorded`);
      }
      if (state.repealedFrom !== undefined) {
        return refuse('resolution-already-repealed', 'resolutionId', `resolution ${data.resolutionId} is already repealed from ${state.repealedFrom}`);
      }
      if (data.effectiveFrom < state.adoptedOn) {
        return refuse('repeal-before-adoption', 'effectiveFrom', `repeal on ${data.effectiveFrom} precedes adoption on ${state.adoptedOn}`);
      }
      return accept({ type: 'ResolutionRepealed', data: { ...data, authority: state.authority } });
    }
  }
}

function evolve(state: ResolutionState, event: ResolutionEvent): ResolutionState {
  switch (event.type) {
    case 'ResolutionAdopted':
      return {
        status: 'adopted',
        resolutionId: event.data.resolutionId,
        authority: event.data.authority,
        adoptedOn: event.data.adoptedOn,
        inForceFrom: event.data.inForceFrom,
      };
    case 'ResolutionAmended':
      return state;
    case 'ResolutionRepealed':
      return state.status === 'adopted' ? { ...state, repealedFrom: event.data.effectiveFrom } : state;
  }
}

export const resolutionDecider: Decider<ResolutionCommand, ResolutionEvent, ResolutionState> = {
  initialState: () => ({ status: 'unknown' }),
  evolve,
  decide,
};
