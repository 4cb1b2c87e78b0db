/**
 * The ledger's current view of one list, read from the projector's read models (after catchUp): every
 * designation of the list's subjects (found by subject-id prefix) with its interval, the attributes of those
 * still in force, and the publication dates of earlier imports. Reading the folded `designation_states` rows
 * instead of the streams keeps a re-import of a full list to one range scan.
 */
import type Database from 'better-sqlite3';
import type { SubjectKind } from '../../../events/primitives';
import { attributesAt, type DesignationAttributes, type DesignationState } from '../../../projections/designation-state';
import { OPEN_DATE } from '../../../projections/schema';
import type { SubjectState } from '../../domain/subject/decider';
import type { ListId } from '../listing';
import { latestImportBefore } from './list-file-evidence';
import { listPrefix, prefixRange } from './subject-ids';

export interface CurrentDesignation {
  readonly subjectId: string;
  readonly designationId: string;
  readonly regime: string;
  readonly kind: SubjectKind;
  readonly effectiveFrom: string;
  /** Set only for a delisting scheduled after the snapshot's publication date. */
  readonly effectiveTo?: string;
  /** After every amendment recorded so far. */
  readonly attributes: DesignationAttributes;
}

export interface ListView {
  /** subjectId -> regime -> the designation in force (not delisted as of the snapshot's publication date). */
  readonly current: ReadonlyMap<string, ReadonlyMap<string, CurrentDesignation>>;
  /** Every designation of every subject of the list, delisted ones included: what the deciders rule on. */
  readonly subjects: ReadonlyMap<string, SubjectState>;
  /** The latest publication date of any import of this list. */
  readonly latestPublishedOn: string | undefined;
  /** The latest one before the snapshot's (computed on first use). */
  readonly previousPublishedOn: () => string | undefined;
}

interface Row {
  designation_key: string;
  subject_id: string;
  regime: string;
  effective_from: string;
  effective_to: string;
  state: string;
}

/** The last day of effective time: every amendment, whatever its date, is applied. */
const LATEST = '9999-12-30';

export function loadListView(db: Database.Database, list: ListId, publishedOn: string): ListView {
  const keys = prefixRange(listPrefix(list));
  const rows = db
    .prepare<[string, string], Row>(
      `SELECT designation_key, subject_id, regime, effective_from, effective_to, state FROM designation_states
       WHERE designation_key >= ? AND designation_key < ?`,
    )
    .all(keys.from, keys.to);

  const current = new Map<string, Map<string, CurrentDesignation>>();
  const subjects = new Map<string, { kind?: SubjectKind; designations: SubjectState['designations'][number][] }>();
  for (const row of rows) {
    const designationId = row.designation_key.slice(row.subject_id.length + 1);
    const effectiveTo = row.effective_to === OPEN_DATE ? undefined : row.effective_to;
    // A delisting that takes effect after the publication date is scheduled, not done: still in the file's view.
    const inView = effectiveTo === undefined || effectiveTo > publishedOn;
    const state = JSON.parse(row.state) as DesignationState;
    let subject = subjects.get(row.subject_id);
    if (subject === undefined) subjects.set(row.subject_id, (subject = { designations: [] }));
    subject.kind = state.subjectKind;
    // A withdrawn designation (retracted import) never had effect: the rules ignore it, its id stays taken.
    const withdrawn = state.withdrawn === true;
    subject.designations.push({ designationId, regime: row.regime, effectiveFrom: row.effective_from, ...(effectiveTo === undefined ? {} : { effectiveTo }), ...(withdrawn ? { withdrawn } : {}) });
    if (!inView || withdrawn) continue;
    let regimes = current.get(row.subject_id);
    if (regimes === undefined) current.set(row.subject_id, (regimes = new Map()));
    regimes.set(row.regime, {
      subjectId: row.subject_id,
      designationId,
      regime: row.regime,
      kind: state.subjectKind,
      effectiveFrom: row.effective_from,
      ...(effectiveTo === undefined ? {} : { effectiveTo }),
      attributes: state.amendments.length === 0 ? state.base : attributesAt(state, LATEST),
    });
  }
  return { current, subjects, ...publicationDates(db, list, publishedOn) };
}

/**
 * Publication dates of earlier imports of this list, from the list_imports read model (list-file-evidence.ts):
 * every imported file leaves a ListFileImported event, a file that changed nothing included, so the date of the
 * last file that lacked an entry is known even when that import appended nothing else. Logs written before that
 * event existed are read from their import command ids by the same read model; retracted imports do not count.
 */
function publicationDates(db: Database.Database, list: ListId, publishedOn: string) {
  const latestPublishedOn = latestImportBefore(db, list, '9999-99-99');
  let previous: { value: string | undefined } | undefined;
  return {
    latestPublishedOn,
    // Only when the latest import is of this very date (a re-import, or a re-run after a crash) is another read needed.
    previousPublishedOn: () =>
      (previous ??= { value: latestPublishedOn === undefined || latestPublishedOn < publishedOn ? latestPublishedOn : latestImportBefore(db, list, publishedOn) }).value,
  };
}
