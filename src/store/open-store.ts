/** Opens the configured event store. The EventStoreDB client (gRPC) is loaded only when it is used. */
import type { StoreConfig } from '../config';
import type { EventStore } from './event-store';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

export interface OpenStoreOptions {
  /** A SQLite file that does not exist is an error (StoreFileError), not a new empty store: for reads. */
  readonly mustExist?: boolean;
}

export async function openEventStore(config: StoreConfig, options: OpenStoreOptions = {}): Promise<EventStore> {
  if (config.kind === 'sqlite') return SqliteEventStore.open(config.sqlitePath, { mustExist: options.mustExist === true });
  const { EsdbEventStore } = await import('./esdb/esdb-event-store');
  return EsdbEventStore.connect(config.esdbUrl!);
}
