/** Writes subjects (kind and latest identity) and the name index. */
import type Database from 'better-sqlite3';
import type { Identity, LedgerEvent, SubjectEvent } from '../../../events';
import { primaryName } from '../../../projections/designation-state';
import { nameTokens } from '../../../projections/names';
import { subjectsSchema } from '../../../projections/schema';
import type { BulkLoader, ProjectedEvent, ReadModel, ReadModelWriter } from './read-model';

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

const isSubjectEvent = (event: LedgerEvent): event is SubjectEvent => 'subjectId' in event.data;

interface SubjectRow {
  readonly subjectId: string;
  readonly kind: string;
  primaryName: string;
  identity: string;
  readonly firstRecordedAt: string;
  lastRecordedAt: string;
}

const INSERT_SUBJECT = `INSERT INTO subjects (subject_id, kind, primary_name, identity, first_recorded_at, last_recorded_at)
  VALUES (@subjectId, @kind, @primaryName, @identity, @firstRecordedAt, @lastRecordedAt)`;
/** A name stays in the index once seen, with the quality it was first seen with. */
const ADD_NAME = 'INSERT OR IGNORE INTO subject_names (token, subject_id, name, quality) VALUES (?, ?, ?, ?)';

/**
 * What one event does to its subject, given how to find the subject's kind: the touch (no identity stated),
 * or the new identity with its kind (undefined when the subject is unknown and the event does not say).
 */
function subjectChange(
  { recorded, event }: ProjectedEvent,
  kindOf: (subjectId: string) => string | undefined,
): { subjectId: string; recordedAt: string; identity?: Identity; kind?: string } | undefined {
  if (!isSubjectEvent(event)) return undefined;
  const { subjectId } = event.data;
  const recordedAt = recorded.envelope.recordedAt;
  const identity = identityOf(event);
  if (identity === undefined) return { subjectId, recordedAt };
  const kind = event.type === 'SubjectDesignated' ? event.data.kind : kindOf(subjectId);
  return kind === undefined ? undefined : { subjectId, recordedAt, identity, kind };
}

function addNames(statement: Database.Statement, subjectId: string, identity: Identity): void {
  for (const { name, quality } of identity.names) {
    for (const token of nameTokens(name)) statement.run(token, subjectId, name, quality);
  }
}

function writer(db: Database.Database): ReadModelWriter {
  const upsert = db.prepare(
    `${INSERT_SUBJECT} ON CONFLICT (subject_id) DO UPDATE SET primary_name = excluded.primary_name,
       identity = excluded.identity, last_recorded_at = excluded.last_recorded_at`,
  );
  const touch = db.prepare('UPDATE subjects SET last_recorded_at = ? WHERE subject_id = ?');
  const kindOf = db.prepare<[string], { kind: string }>('SELECT kind FROM subjects WHERE subject_id = ?');
  const addName = db.prepare(ADD_NAME);
  return {
    apply(projected) {
      const change = subjectChange(projected, (subjectId) => kindOf.get(subjectId)?.kind);
      if (change === undefined) return;
      const { subjectId, recordedAt, identity, kind } = change;
      if (identity === undefined || kind === undefined) {
        touch.run(recordedAt, subjectId);
        return;
      }
      const row: SubjectRow = { subjectId, kind, primaryName: primaryName(identity), identity: JSON.stringify(identity), firstRecordedAt: recordedAt, lastRecordedAt: recordedAt };
      upsert.run(row);
      addNames(addName, subjectId, identity);
    },
  };
}

/**
 * Rebuilds keep the subjects in memory and write each once. Names go into the index as they come, each
 * (subject, name) once: identities restate every name at each amendment, and the first quality seen stays.
 */
function bulkLoader(db: Database.Database): BulkLoader {
  const insert = db.prepare(INSERT_SUBJECT);
  const addName = db.prepare(ADD_NAME);
  const subjects = new Map<string, SubjectRow & { names: Set<string> }>();
  return {
    apply(projected) {
      const change = subjectChange(projected, (subjectId) => subjects.get(subjectId)?.kind);
      if (change === undefined) return;
      const { subjectId, recordedAt, identity, kind } = change;
      const known = subjects.get(subjectId);
      if (identity === undefined || kind === undefined) {
        if (known !== undefined) known.lastRecordedAt = recordedAt;
        return;
      }
      const name = primaryName(identity);
      const identityJson = JSON.stringify(identity);
      const subject = known ?? { subjectId, kind, primaryName: name, identity: identityJson, firstRecordedAt: recordedAt, lastRecordedAt: recordedAt, names: new Set<string>() };
      subject.primaryName = name;
      subject.identity = identityJson;
      subject.lastRecordedAt = recordedAt;
      subjects.set(subjectId, subject);
      const unseen = identity.names.filter(({ name: n }) => !subject.names.has(n));
      for (const { name: n } of unseen) subject.names.add(n);
      if (unseen.length > 0) addNames(addName, subjectId, { ...identity, names: unseen });
    },
    finish() {
      for (const { names: _names, ...row } of subjects.values()) insert.run(row);
    },
  };
}

export const subjectsReadModel: ReadModel = { schema: subjectsSchema, writer, bulkLoader };
