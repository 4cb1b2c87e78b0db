/** Writes subjects (kind and latest identity) and the name index. */
import type Database from 'better-sqlite3';
import type { Identity, SubjectEvent } from '../../../events';
import { primaryName } from '../../../projections/designation-state';
import { nameTokens } from '../../../projections/names';
import { subjectsSchema } from '../../../projections/schema';
import type { ReadModel, ReadModelWriter } from './read-model';

/** The identity an event states, if it states one. */
function identityOf(event: SubjectEvent): Identity | undefined {
  switch (event.type) {
    case 'SubjectDesignated':
      return event.data.identity;
    case 'DesignationAmended':
      return event.data.changes.identity;
    case 'DesignationCorrected':
      return event.data.corrections.identity;
    case 'SubjectDelisted':
      return undefined;
  }
}

export const subjectsReadModel: ReadModel = {
  schema: subjectsSchema,
  writer(db: Database.Database): ReadModelWriter {
    const upsert = db.prepare(
      `INSERT INTO subjects (subject_id, kind, primary_name, identity, first_recorded_at, last_recorded_at)
       VALUES (@subjectId, @kind, @primaryName, @identity, @recordedAt, @recordedAt)
       ON CONFLICT (subject_id) DO UPDATE SET primary_name = excluded.primary_name, identity = excluded.identity,
         last_recorded_at = excluded.last_recorded_at`,
    );
    const touch = db.prepare('UPDATE subjects SET last_recorded_at = ? WHERE subject_id = ?');
    const kindOf = db.prepare<[string], { kind: string }>('SELECT kind FROM subjects WHERE subject_id = ?');
    const addName = db.prepare('INSERT OR IGNORE INTO subject_names (token, subject_id, name, quality) VALUES (?, ?, ?, ?)');
    return {
      apply({ recorded, event }) {
        if (!('subjectId' in event.data)) return;
        const subjectEvent = event as SubjectEvent;
        const { subjectId } = subjectEvent.data;
        const recordedAt = recorded.envelope.recordedAt;
        const identity = identityOf(subjectEvent);
        if (identity === undefined) {
          touch.run(recordedAt, subjectId);
          return;
        }
        const kind = subjectEvent.type === 'SubjectDesignated' ? subjectEvent.data.kind : kindOf.get(subjectId)?.kind;
        if (kind === undefined) return;
        upsert.run({ subjectId, kind, primaryName: primaryName(identity), identity: JSON.stringify(identity), recordedAt });
        for (const { name, quality } of identity.names) {
          for (const token of nameTokens(name)) addName.run(token, subjectId, name, quality);
        }
      },
    };
  },
};
