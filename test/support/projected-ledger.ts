/** A real ledger (SQLite store, command handler, projector) with a clock the test controls. */
import * as E from 'fp-ts/Either';
import { CommandHandler, type CommandInput } from '../../src/commands/command-handler';
import type { CommandAccepted } from '../../src/commands/outcomes';
import { Projector } from '../../src/projector/projector';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';

export function projectedLedger() {
  let now = new Date('2024-01-01T00:00:00.000Z');
  const store = SqliteEventStore.open(':memory:', { clock: () => now });
  const handler = new CommandHandler(store);
  const projector = Projector.open(store, ':memory:');
  return {
    store,
    projector,
    queries: projector.queries,
    /** Records the command as if the ledger's clock read `at`. */
    async record(at: string, command: CommandInput, metadata: unknown = { actor: { id: 'test', kind: 'person' }, source: { publisher: 'test' } }): Promise<CommandAccepted> {
      now = new Date(at);
      const result = await handler.handle(command, metadata);
      if (E.isLeft(result)) throw new Error(`${command.type} refused: ${JSON.stringify(result.left)}`);
      return result.right;
    },
    async decide(at: string, command: CommandInput) {
      now = new Date(at);
      return handler.handle(command, { actor: { id: 'test', kind: 'person' }, source: { publisher: 'test' } });
    },
    async close() {
      await projector.close();
      await store.close();
    },
  };
}
