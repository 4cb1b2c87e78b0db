/**
 * Writes the designation read models: the current state of each designation and the bitemporal index.
 * An event of a designation closes the current segments it changes (recorded_to = the event's recorded time)
 * and opens their replacements; segments it leaves as they were stay open. Each (asOf, knownAt) question is
 * then one range lookup, and an amendment costs a constant number of rows however long the history.
 */
import type Database from 'better-sqlite3';
import type { LedgerEvent, SubjectEvent } from '../../../events';
import { evolveDesignation, primaryName, segmentChanges, segmentsOf, type DesignationState, type Segment } from '../../../projections/designation-state';
import { designationsSchema, OPEN_DATE, OPEN_INSTANT } from '../../../projections/schema';
import type { BulkLoader, ReadModel, ReadModelWriter } from './read-model';

export const designationKey = (subjectId: string, designationId: string) => `${subjectId}|${designationId}`;

const SUBJECT_EVENTS = new Set(['SubjectDesignated', 'DesignationAmended', 'DesignationCorrected', 'SubjectDelisted']);
const isDesignationEvent = (event: LedgerEvent): event is SubjectEvent => SUBJECT_EVENTS.has(event.type);

const INSERT_SEGMENT = `INSERT INTO designation_segments (designation_key, subject_id, designation_id, subject_kind, authority,
    regime, effective_from, effective_to, designation_from, designation_to, recorded_from, recorded_to,
    primary_name, measures, legal_basis, authority_reference, attributes)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

const INSERT_STATE = `INSERT INTO designation_states (designation_key, subject_id, regime, effective_from, effective_to, recorded_at, state)
  VALUES (?, ?, ?, ?, ?, ?, ?)`;

/** Writes one segment of `state` as a row, current from `recordedFrom` until `recordedTo`. */
function insertSegment(statement: Database.Statement, key: string, state: DesignationState, segment: Segment, recordedFrom: string, recordedTo: string): void {
  const { attributes } = segment;
  statement.run(
    key,
    state.subjectId,
    state.designationId,
    state.subjectKind,
    state.authority,
    state.regime,
    segment.effectiveFrom,
    segment.effectiveTo ?? OPEN_DATE,
    state.effectiveFrom,
    state.effectiveTo ?? OPEN_DATE,
    recordedFrom,
    recordedTo,
    primaryName(attributes.identity),
    JSON.stringify(attributes.measures),
    JSON.stringify(attributes.legalBasis),
    attributes.authorityReference ?? null,
    JSON.stringify(attributes),
  );
}

const stateValues = (key: string, state: DesignationState, recordedAt: string) =>
  [key, state.subjectId, state.regime, state.effectiveFrom, state.effectiveTo ?? OPEN_DATE, recordedAt, JSON.stringify(state)] as const;

interface Cached {
  readonly state: DesignationState;
  readonly segments: readonly Segment[];
  readonly recordedAt: string;
}

function writer(db: Database.Database): ReadModelWriter {
  const load = db.prepare<[string], { state: string }>('SELECT state FROM designation_states WHERE designation_key = ?');
  const save = db.prepare(
    `${INSERT_STATE} ON CONFLICT (designation_key) DO UPDATE SET effective_from = excluded.effective_from,
       effective_to = excluded.effective_to, recorded_at = excluded.recorded_at, state = excluded.state`,
  );
  // Open segments of one designation have distinct effective_from: that identifies the row to close.
  const close = db.prepare('UPDATE designation_segments INDEXED BY segments_open SET recorded_to = ? WHERE designation_key = ? AND recorded_to = ? AND effective_from = ?');
  const open = db.prepare(INSERT_SEGMENT);
  // States touched in the current batch: later events of the same designation in the batch start from here,
  // and flush() writes each one once. Cleared every batch, so another writer's changes are never masked.
  const batch = new Map<string, Cached>();

  const previousOf = (key: string): Cached | undefined => {
    const cached = batch.get(key);
    if (cached !== undefined) return cached;
    const stored = load.get(key);
    if (stored === undefined) return undefined;
    const state = JSON.parse(stored.state) as DesignationState;
    return { state, segments: segmentsOf(state), recordedAt: '' };
  };

  return {
    apply({ recorded, event }) {
      if (!isDesignationEvent(event)) return;
      const key = designationKey(event.data.subjectId, event.data.designationId);
      const previous = previousOf(key);
      const state = evolveDesignation(previous?.state, event);
      if (state === undefined) return;
      const recordedAt = recorded.envelope.recordedAt;
      const { closed, opened, current } = segmentChanges(previous?.segments ?? [], previous?.state, segmentsOf(state), state);
      for (const segment of closed) close.run(recordedAt, key, OPEN_INSTANT, segment.effectiveFrom);
      for (const segment of opened) insertSegment(open, key, state, segment, recordedAt, OPEN_INSTANT);
      batch.set(key, { state, segments: current, recordedAt });
    },
    flush() {
      for (const [key, { state, recordedAt }] of batch) save.run(...stateValues(key, state, recordedAt));
      batch.clear();
    },
  };
}

/** A segment still current, with when it became current. */
interface OpenSegment {
  readonly segment: Segment;
  readonly recordedFrom: string;
}

/**
 * Rebuilds keep every designation's state and current segments in memory: a segment row is written once,
 * when it stops being current (both recorded times known) or at the end, never inserted and updated later.
 * A designation's current segments always carry its current interval (a change of interval replaces them
 * all), so the rows closed by an event are written with the state before it, and the rest with the last one.
 */
function bulkLoader(db: Database.Database): BulkLoader {
  const insertRow = db.prepare(INSERT_SEGMENT);
  const insertState = db.prepare(INSERT_STATE);
  const designations = new Map<string, { state: DesignationState; open: OpenSegment[]; recordedAt: string }>();
  return {
    apply({ recorded, event }) {
      if (!isDesignationEvent(event)) return;
      const key = designationKey(event.data.subjectId, event.data.designationId);
      const previous = designations.get(key);
      const state = evolveDesignation(previous?.state, event);
      if (state === undefined) return;
      const recordedAt = recorded.envelope.recordedAt;
      const before = previous?.open ?? [];
      const { closed, current } = segmentChanges(before.map((o) => o.segment), previous?.state, segmentsOf(state), state);
      // Keyed by identity: a segment segmentChanges keeps is the very object it was given.
      const since = new Map(before.map((o) => [o.segment, o.recordedFrom]));
      for (const segment of closed) insertSegment(insertRow, key, previous!.state, segment, since.get(segment)!, recordedAt);
      const open = current.map((segment) => ({ segment, recordedFrom: since.get(segment) ?? recordedAt }));
      designations.set(key, { state, open, recordedAt });
    },
    finish() {
      for (const [key, { state, open, recordedAt }] of designations) {
        for (const { segment, recordedFrom } of open) insertSegment(insertRow, key, state, segment, recordedFrom, OPEN_INSTANT);
        insertState.run(...stateValues(key, state, recordedAt));
      }
      designations.clear();
    },
  };
}

export const designationsReadModel: ReadModel = { schema: designationsSchema, writer, bulkLoader };
