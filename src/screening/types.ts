/** What screening reads and answers (DESIGN.md section 12). */
import type { SubjectKind } from '../../events';

/**
 * One segment of the bitemporal index (designation_segments) as the screening index holds it: the names and
 * identifiers a designation carried over one effective interval, as recorded over one recorded interval.
 */
export interface ScreeningEntry {
  readonly subjectId: string;
  readonly designationId: string;
  readonly kind: SubjectKind;
  readonly authority: string;
  readonly regime: string;
  readonly authorityReference?: string;
  readonly primaryName: string;
  readonly names: ReadonlyArray<{ readonly name: string; readonly quality: string }>;
  readonly identifiers: ReadonlyArray<{ readonly type: string; readonly value: string }>;
  /** Partial dates as published (YYYY, YYYY-MM or YYYY-MM-DD). */
  readonly birthDates: readonly string[];
  readonly countries: readonly string[];
  readonly effectiveFrom: string;
  /** Exclusive; OPEN_DATE when open. */
  readonly effectiveTo: string;
  readonly recordedFrom: string;
  /** Exclusive; OPEN_INSTANT when current. */
  readonly recordedTo: string;
}

export interface ScreeningQuery {
  readonly name: string;
  readonly kind?: SubjectKind;
  readonly birthDate?: string;
  readonly country?: string;
  readonly identifiers?: ReadonlyArray<{ readonly type?: string; readonly value: string }>;
  readonly regimes?: readonly string[];
  readonly threshold?: number;
  readonly limit?: number;
}

export interface MatchReason {
  readonly method: 'tokens' | 'joined' | 'identifier';
  readonly tokens: ReadonlyArray<{ readonly query: string; readonly listed: string; readonly similarity: number; readonly how: string }>;
  readonly nameScore: number;
  /** Each feature compared: +adjustment when it agrees, -adjustment when it contradicts. */
  readonly features: ReadonlyArray<{ readonly feature: 'birthDate' | 'country' | 'identifier'; readonly agrees: boolean; readonly adjustment: number; readonly detail: string }>;
}

export interface ScreeningMatch {
  readonly subjectId: string;
  readonly designationId: string;
  readonly kind: SubjectKind;
  readonly authority: string;
  readonly regime: string;
  readonly authorityReference?: string;
  readonly primaryName: string;
  /** The listed name (primary or alias) that matched best. */
  readonly name: string;
  readonly nameQuality: string;
  readonly score: number;
  readonly why: MatchReason;
}
