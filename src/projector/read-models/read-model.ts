/** A read model as the projector drives it: its schema and a writer applying one decoded event. */
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

export interface ReadModel {
  readonly schema: ReadModelSchema;
  writer(db: Database.Database): ReadModelWriter;
}
