/** What a command can end in: accepted, a repeat of an accepted one, or one of three typed failures. */
import type { FieldError } from '../../events';
import type { RuleViolation } from '../domain/decider';
import type { RecordedEvent } from '../store/event-store';

export interface InvalidCommand {
  readonly kind: 'invalid-command';
  readonly errors: readonly FieldError[];
  readonly message: string;
}

export interface ConcurrencyConflict {
  readonly kind: 'conflict';
  readonly streamId: string;
  readonly attempts: number;
  readonly message: string;
}

export type CommandFailure = InvalidCommand | RuleViolation | ConcurrencyConflict;

export interface CommandAccepted {
  readonly status: 'accepted' | 'duplicate';
  readonly commandId: string;
  readonly streamId: string;
  /** How many times it was decided: more than 1 when a concurrent writer forced a re-read. */
  readonly attempts: number;
  /** The events the command appended; for a duplicate, those its first submission appended. */
  readonly events: readonly RecordedEvent[];
}

export function invalid(errors: readonly FieldError[], prefix = ''): InvalidCommand {
  const withPrefix = errors.map((e) => ({ ...e, path: prefix === '' ? e.path : `${prefix}.${e.path}`.replace(/\.\(root\)$/, '') }));
  return {
    kind: 'invalid-command',
    errors: withPrefix,
    message: withPrefix.map((e) => `${e.path}: expected ${e.expected}, got ${e.actual}`).join('; '),
  };
}

/** One line naming the rule or field, for CLIs and logs. */
export function describeFailure(failure: CommandFailure): string {
  switch (failure.kind) {
    case 'invalid-command':
      return `invalid command: ${failure.message}`;
    case 'rule-violation':
      return `refused (${failure.rule}) at ${failure.field}: ${failure.message}`;
    case 'conflict':
      return failure.message;
  }
}
