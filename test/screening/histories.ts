/**
 * Generated designation histories for the screening property tests: designations, amendments that rename (and
 * drop or add a passport), corrections of the interval and delistings of three subjects in two regimes, each
 * step recorded a moment, nothing, or a day after the previous one.
 */
import fc from 'fast-check';
import type { CommandInput } from '../../src/commands/command-handler';
import type { projectedLedger } from '../support/projected-ledger';

const subject = fc.constantFrom('alpha', 'bravo', 'charlie');
const regime = fc.constantFrom('EU:RUS', 'UN:DPRK');
const date = fc.constantFrom('2024-01-01', '2024-03-01', '2024-06-01', '2025-01-01', '2026-01-01');
const name = fc.constantFrom('Ivan Petrov', 'Ivan Petrof', 'Petrov Holdings', 'Kim Chol', 'Kim Chol Su', 'Sergei Ivanov');
/** A passport only some versions carry, so that an identifier match comes and goes too. */
const passport = fc.constantFrom(undefined, 'PA-1001', 'PA-2002');
const identityOf = (n: string, p: string | undefined) => ({ names: [{ name: n, quality: 'primary' }], ...(p === undefined ? {} : { identifiers: [{ type: 'passport', value: p }] }) });

export const HISTORY_QUERIES = ['Ivan Petrov', 'Kim Chol', 'Sergey Ivanov', 'Petrov'];
export const HISTORY_AS_OFS = ['2023-12-31', '2024-01-01', '2024-02-29', '2024-06-01', '2025-06-01', '2030-01-01'];

const command: fc.Arbitrary<CommandInput> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ subjectId: subject, regime, effectiveFrom: date, name, passport }).map(({ name: n, passport: p, ...d }): CommandInput => ({
    type: 'DesignateSubject', data: { ...d, kind: 'person', measures: ['asset-freeze'], legalBasis: ['ACT-1'], identity: identityOf(n, p) },
  })) },
  { weight: 3, arbitrary: fc.record({ subjectId: subject, regime, effectiveFrom: date, name, passport }).map(({ name: n, passport: p, ...d }): CommandInput => ({
    type: 'AmendDesignation', data: { ...d, changes: { identity: identityOf(n, p) } },
  })) },
  { weight: 2, arbitrary: fc.record({ subjectId: subject, regime, effectiveFrom: date }).map((d): CommandInput => ({ type: 'DelistSubject', data: { ...d, legalBasis: ['ACT-2'], reason: 'delisted' } })) },
  { weight: 2, arbitrary: fc.record({ subjectId: subject, regime, corrections: fc.oneof(date.map((from) => ({ effectiveFrom: from })), date.map((to) => ({ effectiveTo: to }))) }).map(
    (d): CommandInput => ({ type: 'CorrectDesignation', data: { ...d, reason: 'recorded wrongly' } }),
  ) },
);

/** Commands, each with the gap in ms since the previous one. */
export const history = fc.array(fc.tuple(command, fc.constantFrom(0, 1, 86_400_000)), { minLength: 3, maxLength: 30 });
export type HistoryStep = [CommandInput, number];

/** Records the steps one after the other on the ledger's clock (refused commands are part of a history too). */
export class HistoryClock {
  private clock = Date.parse('2024-05-01T00:00:00.000Z');

  async record(ledger: ReturnType<typeof projectedLedger>, steps: readonly HistoryStep[]): Promise<void> {
    for (const [cmd, gap] of steps) {
      this.clock += gap;
      await ledger.decide(new Date(this.clock).toISOString(), cmd);
    }
  }
}
