/**
 * Mapping between the port's revisions and @eventstore/db-client's (see dist/types/index.d.ts):
 *   `AppendExpectedRevision = typeof STREAM_EXISTS | ExpectedRevision`, `ExpectedRevision = ANY | NO_STREAM | bigint`,
 *   `CurrentRevision = typeof NO_STREAM | bigint`,
 * and the conflict error (dist/utils/CommandError.d.ts):
 *   `class WrongExpectedVersionError { type: ErrorType.WRONG_EXPECTED_VERSION; streamName; expectedVersion; actualVersion: CurrentRevision }`.
 */
import {
  ANY,
  ErrorType,
  isCommandError,
  NO_STREAM,
  STREAM_EXISTS,
  WrongExpectedVersionError,
  type AppendExpectedRevision,
  type CurrentRevision,
} from '@eventstore/db-client';
import type { ExpectedRevision } from '../event-store';

/** The port's revision rule as the client's; a concrete revision (number) becomes a bigint. */
export function toClientExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no-stream':
      return NO_STREAM;
    case 'stream-exists':
      return STREAM_EXISTS;
    default:
      if (!Number.isSafeInteger(expected) || expected < 0) {
        throw new RangeError(`expected revision must be a non-negative integer, got ${String(expected)}`);
      }
      return BigInt(expected);
  }
}

/** The client's current revision as the port's (a negative revision, as some servers report it, means no stream). */
export function fromClientCurrentRevision(current: CurrentRevision): number | 'no-stream' {
  if (current === NO_STREAM || current < 0n) return 'no-stream';
  return Number(current);
}

/** The actual revision named by a wrong-expected-version error, or undefined for any other error. */
export function conflictOf(error: unknown): { readonly actual: number | 'no-stream' } | undefined {
  if (error instanceof WrongExpectedVersionError) return { actual: fromClientCurrentRevision(error.actualVersion) };
  if (error instanceof Error && isCommandError(error) && error.type === ErrorType.WRONG_EXPECTED_VERSION) {
    return { actual: fromClientCurrentRevision(error.actualVersion) };
  }
  return undefined;
}
