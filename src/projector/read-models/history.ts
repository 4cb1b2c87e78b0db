/** Writes the history read model: every event with both times, actor, source and hash. */
import type Database from 'better-sqlite3';
import { historySchema } from '../../../projections/schema';
import { effectiveDateOf } from '../../history';
import type { ReadModel, ReadModelWriter } from './read-model';

function writer(db: Database.Database): ReadModelWriter {
  const insert = db.prepare(
    `INSERT INTO history (position, stream_id, revision, subject_id, designation_id, resolution_id, type,
       effective_date, recorded_at, event_id, command_id, actor, source, hash, data)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return {
    apply({ recorded, event }) {
      const data = event.data as { subjectId?: string; designationId?: string; resolutionId?: string };
      const { envelope } = recorded;
      insert.run(
        recorded.position,
        recorded.streamId,
        recorded.revision,
        data.subjectId ?? null,
        data.designationId ?? null,
        data.resolutionId ?? null,
        event.type,
        effectiveDateOf(event) ?? null,
        envelope.recordedAt,
        envelope.eventId,
        envelope.commandId,
        JSON.stringify(envelope.actor),
        JSON.stringify(envelope.source),
        envelope.hash,
        JSON.stringify(event.data),
      );
    },
  };
}

/** History rows are only ever inserted, so a rebuild writes them exactly as live projection does. */
export const historyReadModel: ReadModel = { schema: historySchema, writer, bulkLoader: (db) => ({ ...writer(db), finish() {} }) };
