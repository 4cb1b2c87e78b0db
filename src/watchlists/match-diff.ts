/**
 * What changed between an entry's stored matches and a new screening of it (DESIGN.md section 13): a match
 * that appears is Created, one whose score moved is Changed, one that is gone (delisting, correction, a changed
 * name) is Ended. Only matches `inScope` are compared: a follower that re-screened an entry against the subjects
 * of one batch must not end the entry's matches with other subjects. Pure.
 */
import type { ScreeningMatch } from '../screening';

export type ChangeKind = 'Created' | 'Changed' | 'Ended';

export interface StoredMatch {
  readonly subjectId: string;
  readonly designationId: string;
  readonly score: number;
  readonly match: ScreeningMatch;
}

export interface MatchChange {
  readonly kind: ChangeKind;
  readonly subjectId: string;
  readonly designationId: string;
  /** The match now (Created, Changed) or as it was last (Ended). */
  readonly match: ScreeningMatch;
  readonly previousScore?: number;
}

const keyOf = (m: { subjectId: string; designationId: string }) => `${m.subjectId}\u0000${m.designationId}`;

export function diffMatches(
  stored: readonly StoredMatch[],
  now: readonly ScreeningMatch[],
  inScope: (subjectId: string) => boolean = () => true,
): MatchChange[] {
  const before = new Map(stored.filter((m) => inScope(m.subjectId)).map((m) => [keyOf(m), m]));
  const after = new Map(now.filter((m) => inScope(m.subjectId)).map((m) => [keyOf(m), m]));
  const changes: MatchChange[] = [];
  for (const [key, m] of after) {
    const was = before.get(key);
    if (was === undefined) changes.push({ kind: 'Created', subjectId: m.subjectId, designationId: m.designationId, match: m });
    else if (was.score !== m.score) changes.push({ kind: 'Changed', subjectId: m.subjectId, designationId: m.designationId, match: m, previousScore: was.score });
  }
  for (const [key, was] of before) {
    if (!after.has(key)) changes.push({ kind: 'Ended', subjectId: was.subjectId, designationId: was.designationId, match: was.match, previousScore: was.score });
  }
  // A stable order (Ended before Created for one subject is not needed: keys differ), for reproducible outboxes.
  return changes.sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
}
