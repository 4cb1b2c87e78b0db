/**
 * Why an import did not (fully) happen, as types a CLI or HTTP route can map to an exit code or a status.
 * A bad file is the parsers' ListParseError; these are about the ledger's side.
 */
import type { Refusal } from './decider-check';

/** The import was refused before anything was appended (a rule would refuse a command, or an older file). */
export class ImportRefusedError extends Error {
  override readonly name = 'ImportRefusedError';
  constructor(
    message: string,
    readonly refusals: readonly Refusal[] = [],
  ) {
    super(message);
  }

  static fromRefusals(list: string, refusals: readonly Refusal[]): ImportRefusedError {
    const first = refusals[0]!;
    const where = [first.subjectId, first.regime, first.action].filter(Boolean).join(', ');
    const more = refusals.length > 1 ? ` (and ${refusals.length - 1} more)` : '';
    return new ImportRefusedError(
      `${list} import refused, nothing appended: entry ${first.entry} (${where}): ${first.rule}: ${first.message}${more}`,
      refusals,
    );
  }
}

/**
 * An append failed after the checks passed: another writer changed a subject in between, or the store failed.
 * What was appended stays (events are immutable); importing the same file again completes it, since the
 * commands already recorded are no longer in the diff and the rest get the same ids.
 */
export class ImportIncompleteError extends Error {
  override readonly name = 'ImportIncompleteError';
  constructor(
    message: string,
    readonly appendedCommands: number,
    readonly remainingCommands: number,
  ) {
    super(message);
  }
}
