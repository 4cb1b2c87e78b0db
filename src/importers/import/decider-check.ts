/**
 * The all-or-nothing gate: every planned command is validated by its codec and decided by the subject decider
 * against the subject's state from the current view, with the events of the import's earlier commands on the
 * same subject folded in. Pure: nothing is appended. Any refusal refuses the whole import before its first
 * append, so a file the ledger cannot take never leaves half of itself behind.
 */
import * as E from 'fp-ts/Either';
import { fieldErrors } from '../../../events/decode-errors';
import { strictFieldErrors } from '../../../events/strict';
import { commandCatalogue } from '../../commands/command-catalogue';
import { subjectDecider, type SubjectState } from '../../domain/subject/decider';
import type { SubjectCommand } from '../../domain/subject/commands';
import type { PlannedCommand } from './command-builders';
import type { ListView } from './current-view';
import type { ImportPlan } from './plan';
import { runAtOnce, type Steps } from '../../scheduling/steps';

export interface Refusal {
  readonly entry: string;
  readonly subjectId: string;
  readonly regime?: string;
  readonly action?: string;
  /** The decider's rule (overlapping-designation...), 'invalid-command' for a codec failure, 'conflict' for the diff's. */
  readonly rule: string;
  readonly message: string;
}

function refusalOf(planned: PlannedCommand, rule: string, message: string): Refusal {
  return { entry: planned.entry, subjectId: planned.subjectId, regime: planned.regime, action: planned.action, rule, message };
}

export const checkPlan = (plan: ImportPlan, view: ListView): Refusal[] => runAtOnce(checkPlanSteps(plan, view));

/** checkPlan one subject's commands at a time (src/scheduling/steps.ts). */
export function* checkPlanSteps(plan: ImportPlan, view: ListView): Steps<Refusal[]> {
  const refusals: Refusal[] = plan.conflicts.map((c) => ({ ...c, rule: 'conflict' }));
  for (const change of plan.changes) {
    let state: SubjectState = view.subjects.get(change.subjectId) ?? subjectDecider.initialState();
    for (const planned of change.commands) {
      const codec = commandCatalogue[planned.command.type].codec;
      const decoded = codec.decode(planned.command.data);
      // The command handler's own checks (text limits, visible names, the date ceiling), so that a file it would
      // refuse mid-append is refused here, before the first append.
      const errors = E.isLeft(decoded) ? fieldErrors(decoded.left) : strictFieldErrors(codec, planned.command.data, 'data');
      if (E.isLeft(decoded) || errors.length > 0) {
        const message = errors.map((e) => `${e.path}: expected ${e.expected}, got ${e.actual}`).join('; ');
        refusals.push(refusalOf(planned, 'invalid-command', message));
        break;
      }
      const decision = subjectDecider.decide({ type: planned.command.type, data: decoded.right } as SubjectCommand, state);
      if (E.isLeft(decision)) {
        refusals.push(refusalOf(planned, decision.left.rule, `${decision.left.field}: ${decision.left.message}`));
        break; // later commands of this subject would be decided on a state that cannot exist
      }
      state = decision.right.reduce(subjectDecider.evolve, state);
    }
    yield;
  }
  return refusals;
}
