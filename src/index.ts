/**
 * The library API for embedding the ledger: the same commands and queries as the CLI and the HTTP API.
 *
 *   const ledger = await Ledger.open({ kind: 'sqlite', sqlitePath: './data/ledger.db' });
 *   await ledger.execute({ type: 'DesignateSubject', data }, { actor, source });
 *   const projector = Projector.open(ledger.store, './data/views.db');
 *   await projector.catchUp();
 *   await projector.queries.subject('ro-kwang-chol', { asOf: '2024-12-16' });
 */
export { Ledger, type SeedSummary } from './ledger';
export { Projector, ALL_READ_MODELS } from './projector/projector';
export type * from './queries/types';
export { QueryParameterError } from './queries/types';
export type { CommandInput } from './commands/command-handler';
export type { CommandAccepted, CommandFailure } from './commands/outcomes';
export { COMMAND_TYPES, type CommandType } from './commands/command-catalogue';
export type { EventStore, Position, RecordedEvent } from './store/event-store';
export { SqliteEventStore } from './store/sqlite/sqlite-event-store';
export { storeConfig, type StoreConfig } from './config';
export { verifyLedger, type VerifyReport } from './audit/verify';
export * from '../events';
