/** Appends a checked plan through the command handler, one command at a time, in plan order. */
import * as E from 'fp-ts/Either';
import type { CommandHandler } from '../../commands/command-handler';
import { describeFailure } from '../../commands/outcomes';
import type { Actor, Source } from '../../../events/envelope';
import type { PlannedCommand } from './command-builders';
import { ImportIncompleteError } from './errors';

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
  handler: Pick<CommandHandler, 'handle'>,
  commands: readonly PlannedCommand[],
  metadata: AppendMetadata,
  onProgress?: (done: number, total: number) => void,
): Promise<AppendOutcome> {
  let events = 0;
  let duplicates = 0;
  for (let i = 0; i < commands.length; i++) {
    const planned = commands[i]!;
    const result = await handler.handle(planned.command, { ...metadata, commandId: planned.commandId });
    if (E.isLeft(result)) {
      throw new ImportIncompleteError(
        `import stopped at entry ${planned.entry} (${planned.subjectId}, ${planned.regime}, ${planned.action}): ${describeFailure(result.left)}; ` +
          `${i} of ${commands.length} commands were recorded - import the same file again to complete it`,
        i,
        commands.length - i,
      );
    }
    if (result.right.status === 'duplicate') duplicates++;
    else events += result.right.events.length;
    if (onProgress !== undefined && ((i + 1) % 100 === 0 || i + 1 === commands.length)) onProgress(i + 1, commands.length);
  }
  return { events, duplicates };
}
