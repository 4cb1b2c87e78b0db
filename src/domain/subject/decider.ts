/**
 * Rules for a subject's designations (DESIGN.md section 5). The subject's stream is the consistency boundary,
 * so "never two overlapping designations under one regime" is checked here, against every regime at once.
 */
import * as E from 'fp-ts/Either';
import { authorityOfRegime, type SubjectEvent, type SubjectKind } from '../../../events';
import { accept, refuse, type Decider, type RuleViolation } from '../decider';
import { inForceOn, overlaps, type EffectiveInterval } from '../interval';
import type { AmendDesignation, CorrectDesignation, DelistSubject, DesignateSubject, SubjectCommand } from './commands';

export interface DesignationInterval extends EffectiveInterval {
  readonly designationId: string;
  readonly regime: string;
  /** Withdrawn by a correction: it never had effect, rules ignore it, but its id stays taken. */
  readonly withdrawn?: boolean;
  /** Publication dates of the list files its amendments came from (what a withdrawal can name). */
  readonly amendedIn?: readonly string[];
}

export interface SubjectState {
  readonly kind?: SubjectKind;
  readonly designations: readonly DesignationInterval[];
}

const describeInterval = (d: DesignationInterval) =>
  `${d.designationId} in force from ${d.effectiveFrom}${d.effectiveTo === undefined ? ' with no end' : ` until ${d.effectiveTo}`}`;

function firstOverlap(state: SubjectState, candidate: DesignationInterval): DesignationInterval | undefined {
  return state.designations.find(
    (d) => d.regime === candidate.regime && d.designationId !== candidate.designationId && d.withdrawn !== true && overlaps(d, candidate),
  );
}

function newDesignationId(state: SubjectState, command: DesignateSubject): E.Either<RuleViolation, string> {
  const taken = new Set(state.designations.map((d) => d.designationId));
  if (command.designationId !== undefined) {
    return taken.has(command.designationId)
      ? refuse('duplicate-designation-id', 'designationId', `designation ${command.designationId} already exists`)
      : E.right(command.designationId);
  }
  const base = `${command.regime}@${command.effectiveFrom}`;
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}#${n}`;
  return E.right(id);
}

function designate(command: DesignateSubject, state: SubjectState) {
  const authority = authorityOfRegime(command.regime);
  if (command.authority !== undefined && command.authority !== authority) {
    return refuse('regime-authority-mismatch', 'authority', `regime ${command.regime} belongs to ${authority}, not ${command.authority}`);
  }
  if (state.kind !== undefined && state.kind !== command.kind) {
    return refuse('subject-kind-mismatch', 'kind', `subject ${command.subjectId} is recorded as ${state.kind}, not ${command.kind}`);
  }
  const clash = firstOverlap(state, { designationId: '', regime: command.regime, effectiveFrom: command.effectiveFrom });
  if (clash !== undefined) {
    return refuse(
      'overlapping-designation',
      'effectiveFrom',
      `subject ${command.subjectId} already holds ${command.regime} designation ${describeInterval(clash)}; relisting needs a delisting first`,
    );
  }
  return E.map((designationId: string) => [
    {
      type: 'SubjectDesignated' as const,
      data: { ...withoutUndefined(command), authority, designationId },
    },
  ])(newDesignationId(state, command));
}

/** The designation a dated command is about: the explicit id, or the one under its regime in force that day. */
function designationInForce(
  state: SubjectState,
  command: { subjectId: string; regime: string; effectiveFrom: string; designationId?: string | undefined },
  action: 'delisting' | 'amendment',
): E.Either<RuleViolation, DesignationInterval> {
  const underRegime = state.designations.filter((d) => d.regime === command.regime && d.withdrawn !== true);
  const explicit = command.designationId;
  const found =
    explicit === undefined
      ? underRegime.find((d) => inForceOn(d, command.effectiveFrom))
      : underRegime.find((d) => d.designationId === explicit);
  if (explicit !== undefined && found === undefined) {
    return refuse('unknown-designation', 'designationId', `subject ${command.subjectId} has no ${command.regime} designation ${explicit}`);
  }
  if (found !== undefined && inForceOn(found, command.effectiveFrom)) return E.right(found);
  const later = (found ? [found] : underRegime).find((d) => d.effectiveFrom > command.effectiveFrom);
  if (later !== undefined) {
    return refuse(
      `${action}-before-designation`,
      'effectiveFrom',
      `a ${action} on ${command.effectiveFrom} cannot precede designation ${later.designationId} taking effect on ${later.effectiveFrom}`,
    );
  }
  return refuse(
    'not-designated',
    'effectiveFrom',
    `subject ${command.subjectId} is not designated under ${command.regime} on ${command.effectiveFrom}`,
  );
}

function delist(command: DelistSubject, state: SubjectState) {
  return E.chain((target: DesignationInterval) => {
    if (target.effectiveTo !== undefined) {
      return refuse('already-delisted', 'effectiveFrom', `designation ${target.designationId} is already delisted from ${target.effectiveTo}; change the date with a correction`);
    }
    return accept({
      type: 'SubjectDelisted' as const,
      data: { ...withoutUndefined(command), authority: authorityOfRegime(command.regime), designationId: target.designationId },
    });
  })(designationInForce(state, command, 'delisting'));
}

function amend(command: AmendDesignation, state: SubjectState) {
  if (Object.keys(withoutUndefined(command.changes)).length === 0) {
    return refuse('amendment-without-changes', 'changes', 'an amendment must change at least one field');
  }
  return E.map((target: DesignationInterval) => [
    {
      type: 'DesignationAmended' as const,
      data: { ...withoutUndefined(command), authority: authorityOfRegime(command.regime), designationId: target.designationId },
    },
  ])(designationInForce(state, command, 'amendment'));
}

/** The rules of a withdrawal (corrections.withdrawn / delistingWithdrawn / amendmentsWithdrawn), if any is broken. */
function withdrawalViolation(target: DesignationInterval, corrections: CorrectDesignation['corrections']) {
  const { withdrawn, delistingWithdrawn, amendmentsWithdrawn, ...rest } = corrections;
  if (withdrawn === true && (Object.keys(rest).length > 0 || delistingWithdrawn !== undefined || amendmentsWithdrawn !== undefined)) {
    return refuse('withdrawal-with-changes', 'corrections.withdrawn', 'a withdrawn designation has nothing left to correct: withdraw it alone');
  }
  if (delistingWithdrawn === true && target.effectiveTo === undefined) {
    return refuse('correction-without-delisting', 'corrections.delistingWithdrawn', `designation ${target.designationId} has no delisting to withdraw`);
  }
  if (delistingWithdrawn === true && rest.effectiveTo !== undefined) {
    return refuse('withdrawal-with-changes', 'corrections.effectiveTo', 'withdraw the delisting or correct its date, not both');
  }
  const unknown = ((amendmentsWithdrawn ?? []) as readonly string[]).find((date) => !(target.amendedIn ?? []).includes(date));
  if (unknown !== undefined) {
    return refuse('unknown-amendment', 'corrections.amendmentsWithdrawn', `designation ${target.designationId} has no amendment from the list published ${unknown}`);
  }
  return undefined;
}

function correct(command: CorrectDesignation, state: SubjectState) {
  if (command.designationId !== undefined && state.designations.some((d) => d.designationId === command.designationId && d.withdrawn === true)) {
    return refuse('already-withdrawn', 'designationId', `designation ${command.designationId} is withdrawn: nothing of it can be corrected`);
  }
  const underRegime = state.designations.filter((d) => d.regime === command.regime && d.withdrawn !== true);
  const target =
    command.designationId === undefined
      ? underRegime.reduce<DesignationInterval | undefined>((latest, d) => (latest === undefined || d.effectiveFrom > latest.effectiveFrom ? d : latest), undefined)
      : underRegime.find((d) => d.designationId === command.designationId);
  if (target === undefined) {
    return command.designationId === undefined
      ? refuse('not-designated', 'regime', `subject ${command.subjectId} has no ${command.regime} designation to correct`)
      : refuse('unknown-designation', 'designationId', `subject ${command.subjectId} has no ${command.regime} designation ${command.designationId}`);
  }
  const corrections = withoutUndefined(command.corrections);
  if (Object.keys(corrections).length === 0) {
    return refuse('correction-without-changes', 'corrections', 'a correction must change at least one field');
  }
  if (corrections.effectiveTo !== undefined && target.effectiveTo === undefined) {
    return refuse('correction-without-delisting', 'corrections.effectiveTo', `designation ${target.designationId} has no delisting whose date could be corrected`);
  }
  const withdrawal = withdrawalViolation(target, corrections);
  if (withdrawal !== undefined) return withdrawal;
  const corrected = correctedInterval(target, corrections);
  if (corrected.effectiveTo !== undefined && corrected.effectiveTo < corrected.effectiveFrom) {
    return refuse('delisting-before-designation', corrections.effectiveTo !== undefined ? 'corrections.effectiveTo' : 'corrections.effectiveFrom', `the corrected interval would end on ${corrected.effectiveTo}, before it starts on ${corrected.effectiveFrom}`);
  }
  const clash = corrected.withdrawn === true ? undefined : firstOverlap(state, corrected);
  if (clash !== undefined) {
    return refuse('overlapping-designation', corrections.delistingWithdrawn === true ? 'corrections.delistingWithdrawn' : 'corrections.effectiveFrom', `the corrected designation would overlap ${describeInterval(clash)}`);
  }
  return accept({
    type: 'DesignationCorrected' as const,
    data: { ...withoutUndefined(command), corrections, authority: authorityOfRegime(command.regime), designationId: target.designationId },
  });
}

function decide(command: SubjectCommand, state: SubjectState): E.Either<RuleViolation, readonly SubjectEvent[]> {
  switch (command.type) {
    case 'DesignateSubject':
      return designate(command.data, state) as E.Either<RuleViolation, readonly SubjectEvent[]>;
    case 'AmendDesignation':
      return amend(command.data, state) as E.Either<RuleViolation, readonly SubjectEvent[]>;
    case 'CorrectDesignation':
      return correct(command.data, state) as E.Either<RuleViolation, readonly SubjectEvent[]>;
    case 'DelistSubject':
      return delist(command.data, state) as E.Either<RuleViolation, readonly SubjectEvent[]>;
  }
}

function replaceDesignation(state: SubjectState, id: string, change: (d: DesignationInterval) => DesignationInterval): SubjectState {
  return { ...state, designations: state.designations.map((d) => (d.designationId === id ? change(d) : d)) };
}

function evolve(state: SubjectState, event: SubjectEvent): SubjectState {
  switch (event.type) {
    case 'SubjectDesignated': {
      const { designationId, regime, effectiveFrom, kind } = event.data;
      return { kind, designations: [...state.designations, { designationId, regime, effectiveFrom }] };
    }
    case 'DesignationAmended': {
      const { publishedOn } = event.data;
      if (publishedOn === undefined) return state;
      return replaceDesignation(state, event.data.designationId, (d) => ({ ...d, amendedIn: [...(d.amendedIn ?? []), publishedOn] }));
    }
    case 'DesignationCorrected':
      return replaceDesignation(state, event.data.designationId, (d) => correctedInterval(d, event.data.corrections));
    case 'SubjectDelisted':
      return replaceDesignation(state, event.data.designationId, (d) => ({ ...d, effectiveTo: event.data.effectiveFrom }));
  }
}

/** The interval (and withdrawal marks) a correction leaves; the attributes are the projections' business. */
function correctedInterval(d: DesignationInterval, corrections: CorrectDesignation['corrections']): DesignationInterval {
  const { effectiveFrom, effectiveTo, withdrawn, delistingWithdrawn, amendmentsWithdrawn } = corrections;
  const { effectiveTo: _end, amendedIn, ...rest } = d;
  const end = delistingWithdrawn === true ? undefined : (effectiveTo ?? d.effectiveTo);
  const amended = amendmentsWithdrawn === undefined ? amendedIn : amendedIn?.filter((date) => !(amendmentsWithdrawn as readonly string[]).includes(date));
  return {
    ...rest,
    effectiveFrom: effectiveFrom ?? d.effectiveFrom,
    ...(end === undefined ? {} : { effectiveTo: end }),
    ...(amended === undefined ? {} : { amendedIn: amended }),
    ...(withdrawn === true ? { withdrawn: true } : {}),
  };
}

/** Drops keys whose value is undefined, so events hold exactly what was said (and hash canonically). */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export const subjectDecider: Decider<SubjectCommand, SubjectEvent, SubjectState> = {
  initialState: () => ({ designations: [] }),
  evolve,
  decide,
};
