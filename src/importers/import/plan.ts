/**
 * The diff: one snapshot of a list against the ledger's current view of that list, as commands. Pure.
 *
 *   entry and regime new               -> DesignateSubject
 *   entry or regime gone               -> DelistSubject (the designation in force, by id)
 *   both there, attributes differ      -> AmendDesignation with only the fields that differ
 *
 * Dates follow effective-dates.ts. What no command can express (a subject whose kind changed, two references
 * that sanitise to one subject id) is reported as a conflict, which refuses the import.
 */
import { canonicalJson } from '../../audit/canonical-json';
import { primaryName, type DesignationAttributes } from '../../../projections/designation-state';
import type { Listing, ListSnapshot, Regime } from '../listing';
import { amendCommand, delistCommand, designateCommand, type PlannedCommand } from './command-builders';
import type { CurrentDesignation, ListView } from './current-view';
import { AMENDABLE, attributesFor, type AmendableField } from './designation-attributes';
import { amendmentDate, changeDate, delistingDate, evidenceDate, listingDate, relistingDate, type DateContext } from './effective-dates';
import { evidenceNote, withEvidenceNote, withoutEvidenceNote } from './evidence-note';
import { subjectIdOf } from './subject-ids';
import { runAtOnce, type Steps } from '../../scheduling/steps';

export type EntryStatus = 'added' | 'amended' | 'delisted' | 'unchanged';

export interface EntryChange {
  readonly entry: string;
  readonly subjectId: string;
  readonly name: string;
  readonly status: Exclude<EntryStatus, 'unchanged'>;
  readonly commands: readonly PlannedCommand[];
}

export interface Conflict {
  readonly entry: string;
  readonly subjectId: string;
  readonly message: string;
}

export interface ImportPlan {
  readonly changes: readonly EntryChange[];
  readonly unchanged: number;
  readonly conflicts: readonly Conflict[];
}

/**
 * Field values compared in canonical JSON, so key order and absent-vs-undefined never count as a change. The
 * store keeps event data in canonical JSON, so the stored side is usually canonical already once parsed and
 * plain JSON.stringify gives its canonical text; the full comparison is the fallback for a store that does not.
 */
function same(stored: unknown, fresh: unknown): boolean {
  const freshText = canonicalJson(fresh ?? null);
  return JSON.stringify(stored ?? null) === freshText || canonicalJson(stored ?? null) === freshText;
}
/** An empty remark and no remark say the same; the importer's own evidence note is not the list's remark. */
function normalised(field: AmendableField, value: unknown): unknown {
  if (field !== 'reasons') return value;
  const remark = withoutEvidenceNote(value);
  return remark === '' ? undefined : remark;
}

function changedFields(before: DesignationAttributes, after: DesignationAttributes): AmendableField[] {
  return AMENDABLE.filter((field) => !same(normalised(field, before[field]), normalised(field, after[field])));
}

function changesOf(after: DesignationAttributes, fields: readonly AmendableField[]): Partial<DesignationAttributes> {
  // A remark that disappeared is amended to '' (the codec's string), since a field-level change cannot say "unset".
  return Object.fromEntries(fields.map((f) => [f, f === 'reasons' ? (after.reasons ?? '') : after[f]]));
}

export const planImport = (snapshot: ListSnapshot, view: ListView): ImportPlan => runAtOnce(planImportSteps(snapshot, view));

/** planImport one entry at a time (src/scheduling/steps.ts). */
export function* planImportSteps(snapshot: ListSnapshot, view: ListView): Steps<ImportPlan> {
  const ctx: DateContext = { publishedOn: snapshot.publishedOn, previousPublishedOn: view.previousPublishedOn };
  const changes: EntryChange[] = [];
  const conflicts: Conflict[] = [];
  const seen = new Map<string, string>();
  let unchanged = 0;

  for (const listing of snapshot.entries) {
    const subjectId = subjectIdOf(snapshot.list, listing.authorityReference);
    const other = seen.get(subjectId);
    if (other !== undefined) {
      conflicts.push({ entry: listing.authorityReference, subjectId, message: `references "${other}" and "${listing.authorityReference}" both make subject id ${subjectId}` });
      continue;
    }
    seen.set(subjectId, listing.authorityReference);
    const current = view.current.get(subjectId) ?? new Map<string, CurrentDesignation>();
    const recordedKind = current.values().next().value?.kind;
    if (recordedKind !== undefined && recordedKind !== listing.kind) {
      conflicts.push({ entry: listing.authorityReference, subjectId, message: `the list now gives kind ${listing.kind}, the ledger holds ${recordedKind}: a subject's kind cannot be amended, correct it by hand` });
      continue;
    }
    const commands = planEntry(snapshot, ctx, view, subjectId, listing, current);
    if (commands.length === 0) unchanged++;
    else changes.push({ entry: listing.authorityReference, subjectId, name: primaryName(listing.identity), status: current.size === 0 ? 'added' : 'amended', commands });

    yield;
  }

  // Subjects of the list the file no longer names: every designation still in force ends.
  for (const [subjectId, current] of view.current) {
    if (seen.has(subjectId)) continue;
    const designations = [...current.values()];
    const entry = designations[0]!.attributes.authorityReference ?? subjectId.slice(subjectId.indexOf(':') + 1);
    const commands = designations
      .filter((d) => d.effectiveTo === undefined) // a scheduled delisting already ends it
      .map((d) => delistCommand(snapshot, d, entry, delistingDate(ctx), false));
    if (commands.length > 0) changes.push({ entry, subjectId, name: primaryName(designations[0]!.attributes.identity), status: 'delisted', commands });

    yield;
  }
  return { changes, unchanged, conflicts };
}

function planEntry(snapshot: ListSnapshot, ctx: DateContext, view: ListView, subjectId: string, listing: Listing, current: ReadonlyMap<string, CurrentDesignation>): PlannedCommand[] {
  const commands: PlannedCommand[] = [];
  const entry = listing.authorityReference;
  const wanted = new Set<string>(listing.regimes);
  for (const [regime, designation] of current) {
    if (!wanted.has(regime) && designation.effectiveTo === undefined) commands.push(delistCommand(snapshot, designation, entry, delistingDate(ctx), true));
  }
  for (const regime of listing.regimes) {
    const after = attributesFor(listing, regime as Regime);
    const designation = current.get(regime);
    if (designation === undefined) {
      // A new entry takes its listing date; a regime added to an entry already held is a change seen now;
      // either no earlier than the day after an earlier file that lacked it (the evidence rule).
      const printed = current.size === 0 ? listingDate(listing, ctx) : changeDate(listing, ctx);
      const dated = evidenceDate(printed, ctx, (previous) => heldOn(view, subjectId, regime, previous));
      const from = relistingDate(dated.effectiveFrom, lastEnd(view, subjectId, regime), ctx);
      const delayed = dated.absentOn !== undefined && from === dated.effectiveFrom && from !== printed;
      const attributes = delayed ? { ...after, reasons: withEvidenceNote(after.reasons, evidenceNote(snapshot.list, { printed, absentOn: dated.absentOn!, effectiveFrom: from })) } : after;
      commands.push(designateCommand(snapshot, subjectId, listing, regime, attributes, from));
      continue;
    }
    const fields = changedFields(designation.attributes, after);
    if (fields.length === 0) continue;
    commands.push(amendCommand(snapshot, designation, entry, changesOf(after, fields), fields, amendmentDate(listing, designation.effectiveFrom, ctx)));
  }
  return commands;
}

/** Whether the subject had a designation under the regime in force on `date` (then that file showed it). */
function heldOn(view: ListView, subjectId: string, regime: string, date: string): boolean {
  return (view.subjects.get(subjectId)?.designations ?? []).some(
    (d) => d.regime === regime && d.withdrawn !== true && d.effectiveFrom <= date && (d.effectiveTo === undefined || d.effectiveTo > date),
  );
}

/** When the subject's last designation under the regime ended (a relisting starts no earlier). */
function lastEnd(view: ListView, subjectId: string, regime: string): string | undefined {
  let last: string | undefined;
  for (const d of view.subjects.get(subjectId)?.designations ?? []) {
    if (d.regime === regime && d.effectiveTo !== undefined && (last === undefined || d.effectiveTo > last)) last = d.effectiveTo;
  }
  return last;
}
