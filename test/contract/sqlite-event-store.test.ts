import { eventStoreContract } from './event-store-contract';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';

eventStoreContract('SQLite (:memory:)', async () => SqliteEventStore.open(':memory:'));
