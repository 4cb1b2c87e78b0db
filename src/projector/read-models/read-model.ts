/** A read model as the projector drives it: its schema, an incremental writer, and a bulk loader for rebuilds. */
import type Database from 'better-sqlite3';
import type { LedgerEvent } from '../../../events';
import type { ReadModelSchema } from '../../../projections/schema';
import type { RecordedEvent } from '../../store/event-store';

export interface ProjectedEvent {
  readonly recorded: RecordedEvent;
  /** The event upcast to the current schema version. */
  readonly event: LedgerEvent;
}

export interface ReadModelWriter {
  /** Runs inside the projector's transaction; must not commit or roll back itself. */
  apply(projected: ProjectedEvent): void;
  /** Called at the end of each batch, inside the same transaction: write what apply kept in memory. */
  flush?(): void;
}

/**
 * Loads a read model from empty tables and the whole log in one pass. It may keep state in memory and only
 * INSERT (no reads back, no updates), because nothing else writes these tables while it runs; `finish` writes
 * what it kept. The rows it leaves must be exactly those the incremental writer would have left.
 */
export interface BulkLoader {
  apply(projected: ProjectedEvent): void;
  finish(): void;
}

export interface ReadModel {
  readonly schema: ReadModelSchema;
  writer(db: Database.Database): ReadModelWriter;
  bulkLoader(db: Database.Database): BulkLoader;
}
