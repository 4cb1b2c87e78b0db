/**
 * Writes the designation read models: the current state of each designation and the bitemporal index.
 * An event of a designation closes the current segments it changes (recorded_to = the event's recorded time)
 * and opens their replacements; segments it leaves as they were stay open. Each (asOf, knownAt) question is
 * then one range lookup, and an amendment costs a constant number of rows however long the history.
 */
import type Database from 'better-sqlite3';
import type { SubjectEvent } from '../../../events';
import { evolveDesignation, primaryName, segmentsOf, type DesignationState, type Segment } from '../../../projections/designation-state';
import { designationsSchema, OPEN_DATE, OPEN_INSTANT } from '../../../projections/schema';
import type { ReadModel, ReadModelWriter } from './read-model';

export const designationKey = (subjectId: string, designationId: string) => `${subjectId}|${designationId}`;

const SUBJECT_EVENTS = new Set(['SubjectDesignated', 'DesignationAmended', 'DesignationCorrected', 'SubjectDelisted']);

interface SegmentRow {
  readonly segment: Segment;
  readonly attributesJson: string;
  /** Two segments with the same fingerprint are the same row. */
  readonly fingerprint: string;
}

function segmentRows(state: DesignationState): SegmentRow[] {
  return segmentsOf(state).map((segment) => {
    const attributesJson = JSON.stringify(segment.attributes);
    return {
      segment,
      attributesJson,
      fingerprint: `${state.effectiveFrom}|${state.effectiveTo ?? ''}|${segment.effectiveFrom}|${segment.effectiveTo ?? ''}|${attributesJson}`,
    };
  });
}

interface Cached {
  readonly state: DesignationState;
  readonly rows: SegmentRow[];
  readonly recordedAt: string;
}

export const designationsReadModel: ReadModel = {
  schema: designationsSchema,
  writer(db: Database.Database): ReadModelWriter {
    const load = db.prepare<[string], { state: string }>('SELECT state FROM designation_states WHERE designation_key = ?');
    const save = db.prepare(
      `INSERT INTO designation_states (designation_key, subject_id, regime, effective_from, effective_to, recorded_at, state)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (designation_key) DO UPDATE SET effective_from = excluded.effective_from,
         effective_to = excluded.effective_to, recorded_at = excluded.recorded_at, state = excluded.state`,
    );
    // Open segments of one designation have distinct effective_from: that identifies the row to close.
    const close = db.prepare('UPDATE designation_segments INDEXED BY segments_open SET recorded_to = ? WHERE designation_key = ? AND recorded_to = ? AND effective_from = ?');
    const open = db.prepare(
      `INSERT INTO designation_segments (designation_key, subject_id, designation_id, subject_kind, authority, regime,
         effective_from, effective_to, designation_from, designation_to, recorded_from, recorded_to,
         primary_name, measures, legal_basis, authority_reference, attributes)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    // States touched in the current batch: later events of the same designation in the batch start from here,
    // and flush() writes each one once. Cleared every batch, so another writer's changes are never masked.
    const batch = new Map<string, Cached>();

    const previousOf = (key: string): Cached | undefined => {
      const cached = batch.get(key);
      if (cached !== undefined) return cached;
      const stored = load.get(key);
      if (stored === undefined) return undefined;
      const state = JSON.parse(stored.state) as DesignationState;
      return { state, rows: segmentRows(state), recordedAt: '' };
    };

    return {
      apply({ recorded, event }) {
        if (!SUBJECT_EVENTS.has(event.type)) return;
        const { subjectId, designationId } = (event as SubjectEvent).data;
        const key = designationKey(subjectId, designationId);
        const previous = previousOf(key);
        const state = evolveDesignation(previous?.state, event as SubjectEvent);
        if (state === undefined) return;
        const recordedAt = recorded.envelope.recordedAt;
        const rows = segmentRows(state);
        const next = new Set(rows.map((r) => r.fingerprint));
        const kept = new Set<string>();
        for (const row of previous?.rows ?? []) {
          if (next.has(row.fingerprint)) kept.add(row.fingerprint);
          else close.run(recordedAt, key, OPEN_INSTANT, row.segment.effectiveFrom);
        }
        const designationTo = state.effectiveTo ?? OPEN_DATE;
        for (const { segment, attributesJson, fingerprint } of rows) {
          if (kept.has(fingerprint)) continue;
          const { attributes } = segment;
          open.run(
            key,
            subjectId,
            designationId,
            state.subjectKind,
            state.authority,
            state.regime,
            segment.effectiveFrom,
            segment.effectiveTo ?? OPEN_DATE,
            state.effectiveFrom,
            designationTo,
            recordedAt,
            OPEN_INSTANT,
            primaryName(attributes.identity),
            JSON.stringify(attributes.measures),
            JSON.stringify(attributes.legalBasis),
            attributes.authorityReference ?? null,
            attributesJson,
          );
        }
        batch.set(key, { state, rows, recordedAt });
      },
      flush() {
        for (const [key, { state, recordedAt }] of batch) {
          save.run(key, state.subjectId, state.regime, state.effectiveFrom, state.effectiveTo ?? OPEN_DATE, recordedAt, JSON.stringify(state));
        }
        batch.clear();
      },
    };
  },
};
