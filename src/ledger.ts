/**
 * The library API: the same commands and queries as the CLI and HTTP service, for embedding.
 *
 *   const ledger = await Ledger.open({ kind: 'sqlite', sqlitePath: './data/ledger.db' });
 *   await ledger.execute({ type: 'DesignateSubject', data }, { actor, source });
 */
import * as E from 'fp-ts/Either';
import { storeConfig, type StoreConfig } from './config';
import { verifyLedger, type VerifyReport } from './audit/verify';
import { CommandHandler, type CommandInput } from './commands/command-handler';
import { resolutionStream, subjectStream } from './commands/command-catalogue';
import type { CommandAccepted, CommandFailure } from './commands/outcomes';
import { reservedCommandId } from './commands/reserved-command-ids';
import { toHistoryEntry, type HistoryEntry } from './history';
import { SEED_ACTOR, WORKED_EXAMPLE, WORKED_EXAMPLE_SOURCE } from './seed/worked-example';
import type { EventStore } from './store/event-store';
import { openEventStore } from './store/open-store';

export interface SeedSummary {
  readonly accepted: number;
  readonly alreadyPresent: number;
}

export class Ledger {
  readonly commands: CommandHandler;

  private constructor(readonly store: EventStore) {
    this.commands = new CommandHandler(store);
  }

  static async open(config: StoreConfig = storeConfig()): Promise<Ledger> {
    return new Ledger(await openEventStore(config));
  }

  static over(store: EventStore): Ledger {
    return new Ledger(store);
  }

  /** A client's command (HTTP, CLI, seed); the importer goes through `commands` and may use its own ids. */
  execute(command: CommandInput, metadata: unknown): Promise<E.Either<CommandFailure, CommandAccepted>> {
    const reserved = reservedCommandId(metadata);
    if (reserved !== undefined) return Promise.resolve(E.left(reserved));
    return this.commands.handle(command, metadata);
  }

  /** Records the worked example of DESIGN.md section 4; running it again appends nothing. */
  async seedWorkedExample(): Promise<SeedSummary> {
    let accepted = 0;
    let alreadyPresent = 0;
    for (const { commandId, command } of WORKED_EXAMPLE) {
      const result = await this.execute(command, { actor: SEED_ACTOR, source: WORKED_EXAMPLE_SOURCE, commandId });
      if (E.isLeft(result)) throw new Error(`seed command ${commandId} failed: ${JSON.stringify(result.left)}`);
      if (result.right.status === 'accepted') accepted++;
      else alreadyPresent++;
    }
    return { accepted, alreadyPresent };
  }

  async subjectHistory(subjectId: string): Promise<HistoryEntry[]> {
    return (await this.store.readStream(subjectStream(subjectId))).map(toHistoryEntry);
  }

  async resolutionHistory(resolutionId: string): Promise<HistoryEntry[]> {
    return (await this.store.readStream(resolutionStream(resolutionId))).map(toHistoryEntry);
  }

  verify(onProgress?: (eventsChecked: number) => void): Promise<VerifyReport> {
    return verifyLedger(this.store, onProgress ? { onProgress } : {});
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
