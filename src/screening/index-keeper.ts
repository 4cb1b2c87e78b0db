/**
 * Keeps one ScreeningIndex in step with the read models. When the projector has moved from P to Q, only the
 * subjects with events in (P, Q] (sqlite-source.ts subjectsChangedBetween) are re-read from designation_segments
 * and replaced in the index; the whole index is built afresh only when that is cheaper or needed:
 *
 * - the first time, or when the position went back or away (read models rebuilt or emptied);
 * - when more subjects changed than `rebuildShare` of those indexed (a large import): one scan of the segments
 *   then costs less than a lookup per subject, and leaves no retired entries behind;
 * - when the retired entries (kept for snapshots, see entry-slots.ts) outnumber `garbageShare` times the live
 *   ones: the rebuild compacts them.
 */
import type Database from 'better-sqlite3';
import { ScreeningIndex } from './screening-index';
import { loadScreeningEntries, subjectsChangedBetween } from './sqlite-source';

export interface KeepingPolicy {
  /** Rebuild when more than this share of the indexed subjects changed at once. */
  readonly rebuildShare: number;
  /** Rebuild when retired entries exceed this many times the live ones. */
  readonly garbageShare: number;
}

/**
 * A quarter. Replacing is cheaper than rebuilding well past that (bench/screening-keeping.ts, in memory: 1 subject
 * 0.4 ms, 1,000 subjects 101 ms, 2,700 155 ms, a rebuild of all 10,759 1,040 ms, plus its scan of the segments),
 * but every replaced subject leaves retired entries that queries still pass over; past a quarter of the index at
 * once (an import re-designating most of a list) one rebuild is worth it. Retired entries are compacted once
 * they equal the live ones: the index then holds twice its size.
 */
export const DEFAULT_KEEPING: KeepingPolicy = { rebuildShare: 0.25, garbageShare: 1 };

/** How the last call brought the index to the position: what the benchmarks and tests look at. */
export type IndexUpdate = { readonly kind: 'unchanged' } | { readonly kind: 'rebuilt' } | { readonly kind: 'applied'; readonly subjects: number };

export class IndexKeeper {
  private index: ScreeningIndex | undefined;
  /** The position the index is at (undefined: built before anything was projected). */
  private at: string | undefined;
  private updated: IndexUpdate = { kind: 'unchanged' };

  constructor(
    private readonly db: Database.Database,
    private readonly policy: KeepingPolicy = DEFAULT_KEEPING,
  ) {}

  get lastUpdate(): IndexUpdate {
    return this.updated;
  }

  /** The index at `position` (the read models' position now). */
  indexAt(position: string | undefined): ScreeningIndex {
    const index = this.index;
    if (index !== undefined && this.at === position) {
      this.updated = { kind: 'unchanged' };
      return index;
    }
    const changed = index === undefined || position === undefined || (this.at !== undefined && position < this.at) ? undefined : this.changedSince(index, position);
    if (index === undefined || changed === undefined) {
      this.index = new ScreeningIndex(loadScreeningEntries(this.db));
      this.updated = { kind: 'rebuilt' };
    } else {
      index.replaceSubjects(changed, loadScreeningEntries(this.db, changed));
      this.updated = { kind: 'applied', subjects: changed.length };
    }
    this.at = position;
    return this.index!;
  }

  /** The subjects changed in (at, position], or undefined when a rebuild is due instead. */
  private changedSince(index: ScreeningIndex, position: string): string[] | undefined {
    const { entries, retired, subjects } = index.size;
    if (retired > this.policy.garbageShare * entries) return undefined;
    const most = Number.isFinite(this.policy.rebuildShare) ? Math.floor(this.policy.rebuildShare * subjects) : -1;
    const changed = subjectsChangedBetween(this.db, this.at, position, most === -1 ? -1 : most + 1);
    return most !== -1 && changed.length > most ? undefined : changed;
  }
}
