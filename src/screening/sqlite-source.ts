/**
 * Reads the screening entries from the bitemporal index (designation_segments): the one I/O of screening,
 * kept apart from the matching domain. Each segment's attributes hold the identity in force over it.
 */
import type Database from 'better-sqlite3';
import type { SubjectKind } from '../../events';
import type { DesignationAttributes } from '../../projections/designation-state';
import type { ScreeningEntry } from './types';

interface Row {
  subject_id: string;
  designation_id: string;
  subject_kind: string;
  authority: string;
  regime: string;
  effective_from: string;
  effective_to: string;
  recorded_from: string;
  recorded_to: string;
  primary_name: string;
  authority_reference: string | null;
  attributes: string;
}

const SELECT_SEGMENTS = `SELECT subject_id, designation_id, subject_kind, authority, regime, effective_from, effective_to,
  recorded_from, recorded_to, primary_name, authority_reference, attributes FROM designation_segments`;

/** Every segment, or (watchlists re-screening one batch's subjects) only the segments of `subjectIds`. */
export function loadScreeningEntries(db: Database.Database, subjectIds?: readonly string[]): ScreeningEntry[] {
  // A subject's designation keys start with "<subject id>|" (the range the subject query seeks, on segments_open).
  const ofSubject = () => db.prepare<[string, string, string], Row>(`${SELECT_SEGMENTS} WHERE designation_key >= ? AND designation_key < ? AND subject_id = ?`);
  const rows =
    subjectIds === undefined
      ? db.prepare<[], Row>(SELECT_SEGMENTS).all()
      : ((statement) => subjectIds.flatMap((id) => statement.all(`${id}|`, `${id}}`, id)))(ofSubject());
  return rows
    .map((row): ScreeningEntry => {
      const { identity } = JSON.parse(row.attributes) as DesignationAttributes;
      return {
        subjectId: row.subject_id,
        designationId: row.designation_id,
        kind: row.subject_kind as SubjectKind,
        authority: row.authority,
        regime: row.regime,
        ...(row.authority_reference === null ? {} : { authorityReference: row.authority_reference }),
        primaryName: row.primary_name,
        names: identity.names.map(({ name, quality }) => ({ name, quality })),
        identifiers: (identity.identifiers ?? []).map(({ type, value }) => ({ type, value })),
        birthDates: identity.birthDates ?? [],
        countries: identity.nationalities ?? [],
        effectiveFrom: row.effective_from,
        effectiveTo: row.effective_to,
        recordedFrom: row.recorded_from,
        recordedTo: row.recorded_to,
      };
    });
}

/**
 * The subjects whose events lie in (after, upTo]: the history read model records every event's position and
 * subject, and the designation segments change only through events of a subject (src/projector/read-models/
 * designations.ts), so these are exactly the subjects whose segments may differ between the two positions (a
 * superset: events of a subject that change no segment are included too). At most `limit` of them (-1: all).
 */
export function subjectsChangedBetween(db: Database.Database, after: string | undefined, upTo: string, limit: number): string[] {
  const rows = db
    .prepare<[string, string, number], { subject_id: string }>(
      'SELECT DISTINCT subject_id FROM history WHERE position > ? AND position <= ? AND subject_id IS NOT NULL LIMIT ?',
    )
    .all(after ?? '', upTo, limit);
  return rows.map((r) => r.subject_id);
}
