/**
 * Appends a checked plan through the command handler as one batch: on the SQLite store every event of the file
 * is written in ONE transaction, so a file is recorded whole or not at all, even across a crash. On a store
 * without multi-stream transactions (EventStoreDB) the batch goes command by command, and a re-run completes it.
 */
import * as E from 'fp-ts/Either';
import type { CommandHandler } from '../../commands/command-handler';
import { describeFailure } from '../../commands/outcomes';
import type { Actor, Source } from '../../../events/envelope';
import type { PlannedCommand } from './command-builders';
import { ImportIncompleteError } from './errors';
import type { EvidenceCommand } from './list-file-evidence';

export interface AppendMetadata {
  readonly actor: Actor;
  readonly source: Source;
  readonly correlationId: string;
}

export interface AppendOutcome {
  readonly events: number;
  /** Commands whose id was already recorded (a re-run after a crash): nothing appended for them. */
  readonly duplicates: number;
}

export async function appendPlanned(
  handler: Pick<CommandHandler, 'handleAll' | 'atomicBatches'>,
  commands: readonly PlannedCommand[],
  metadata: AppendMetadata,
  onProgress?: (done: number, total: number) => void,
  /** The file's evidence (list-file-evidence.ts): last, so a store without batches records it only once the rest is. */
  evidence?: EvidenceCommand,
): Promise<AppendOutcome> {
  const atomic = handler.atomicBatches;
  const all = evidence === undefined ? commands : [...commands, evidence];
  const result = await handler.handleAll(all.map((planned) => ({ command: planned.command, metadata: { ...metadata, commandId: planned.commandId } })));
  if (E.isLeft(result)) {
    const { index, failure } = result.left;
    const planned = commands[index];
    const what = planned === undefined ? 'the record of the file itself (ListFileImported)' : `entry ${planned.entry} (${planned.subjectId}, ${planned.regime}, ${planned.action})`;
    const recorded = atomic ? 'nothing was recorded' : `${index} of ${all.length} commands were recorded - import the same file again to complete it`;
    throw new ImportIncompleteError(
      `import stopped at ${what}: ${describeFailure(failure)}; ${recorded}`,
      atomic ? 0 : index,
      atomic ? all.length : all.length - index,
    );
  }
  onProgress?.(commands.length, commands.length);
  let events = 0;
  let duplicates = 0;
  for (const accepted of result.right) {
    if (accepted.status === 'duplicate') duplicates++;
    else events += accepted.events.length;
  }
  return { events, duplicates };
}
