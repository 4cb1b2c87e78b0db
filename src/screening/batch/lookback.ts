/** The matches gained and lost between two answers to one query (a lookback). Pure. */
import type { ScreeningMatch } from '../types';

const keyOf = (m: ScreeningMatch) => `${m.subjectId}|${m.designationId}`;

export function matchChanges(since: readonly ScreeningMatch[], now: readonly ScreeningMatch[]): { gained: ScreeningMatch[]; lost: ScreeningMatch[] } {
  const before = new Set(since.map(keyOf));
  const after = new Set(now.map(keyOf));
  return { gained: now.filter((m) => !before.has(keyOf(m))), lost: since.filter((m) => !after.has(keyOf(m))) };
}
