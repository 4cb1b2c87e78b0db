/** Opens the configured event store. The EventStoreDB client (gRPC) is loaded only when it is used. */
import type { StoreConfig } from '../config';
import type { EventStore } from './event-store';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

export async function openEventStore(config: StoreConfig): Promise<EventStore> {
  if (config.kind === 'sqlite') return SqliteEventStore.open(config.sqlitePath);
  const { EsdbEventStore } = await import('./esdb/esdb-event-store');
  return EsdbEventStore.connect(config.esdbUrl!);
}
