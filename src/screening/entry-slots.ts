/**
 * The screening index's entries, versioned. Each entry has a slot that is visible from the version that added it
 * until the version that retired it (exclusive). Keeping the index current only ever adds slots and retires them,
 * so a snapshot taken at version v (a batch pinned to one position) keeps answering exactly as at v while later
 * versions are applied. Retired slots are dropped only by building a new index (the keeper's rebuild, see
 * index-keeper.ts), which leaves the old one, and any snapshot of it, untouched. Pure, in memory.
 */
import type { ScreeningEntry } from './types';

const NEVER = Number.POSITIVE_INFINITY;

export class EntrySlots {
  private readonly entries: ScreeningEntry[] = [];
  private readonly addedAt: number[] = [];
  private readonly retiredAt: number[] = [];
  /** The slots not yet retired, per subject: what a replacement of the subject retires. */
  private readonly liveBySubject = new Map<string, number[]>();
  private retired = 0;

  add(entry: ScreeningEntry, version: number): number {
    const slot = this.entries.push(entry) - 1;
    this.addedAt.push(version);
    this.retiredAt.push(NEVER);
    const live = this.liveBySubject.get(entry.subjectId);
    if (live === undefined) this.liveBySubject.set(entry.subjectId, [slot]);
    else live.push(slot);
    return slot;
  }

  /** Retires every live slot of the subject as of `version`. */
  retireSubject(subjectId: string, version: number): void {
    const live = this.liveBySubject.get(subjectId);
    if (live === undefined) return;
    for (const slot of live) this.retiredAt[slot] = version;
    this.retired += live.length;
    this.liveBySubject.delete(subjectId);
  }

  entry(slot: number): ScreeningEntry {
    return this.entries[slot]!;
  }

  visible(slot: number, version: number): boolean {
    return this.addedAt[slot]! <= version && version < this.retiredAt[slot]!;
  }

  get counts(): { live: number; retired: number; subjects: number } {
    return { live: this.entries.length - this.retired, retired: this.retired, subjects: this.liveBySubject.size };
  }
}
