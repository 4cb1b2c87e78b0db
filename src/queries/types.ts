/**
 * The query side of the ledger (DESIGN.md sections 4 and 8): every state query takes `asOf` (what was in force
 * on that date) and `knownAt` (using only events recorded at or before that instant).
 */
import type { Authority, Identity, Measure, SubjectKind } from '../../events';
import type { HistoryEntry } from '../history';

export interface TimeQuery {
  /** ISO calendar date; default: today (UTC). */
  readonly asOf?: string;
  /** ISO instant (UTC, ms); default: now. */
  readonly knownAt?: string;
}

export interface DesignationView {
  readonly subjectId: string;
  readonly designationId: string;
  readonly subjectKind: SubjectKind;
  readonly authority: Authority;
  readonly regime: string;
  readonly primaryName: string;
  readonly measures: readonly Measure[];
  readonly legalBasis: readonly string[];
  readonly authorityReference?: string;
  /** The designation's own interval [effectiveFrom, effectiveTo) in effective time. */
  readonly effectiveFrom: string;
  readonly effectiveTo?: string;
  /** When the ledger recorded the version of this designation that the answer uses. */
  readonly recordedAt: string;
}

export interface DesignationDetail extends DesignationView {
  readonly identity: Identity;
  readonly reasons?: string;
  readonly publishedOn?: string;
}

export interface StateQuery extends TimeQuery {
  readonly authority?: Authority;
  readonly regime?: string;
  readonly limit?: number;
  readonly offset?: number;
}

export interface StateResult {
  readonly asOf: string;
  readonly knownAt: string;
  /** Designations in force, all of them (before limit/offset). */
  readonly total: number;
  readonly designations: readonly DesignationView[];
}

export interface SubjectResult {
  readonly subjectId: string;
  readonly kind: SubjectKind;
  readonly asOf: string;
  readonly knownAt: string;
  /** The designations in force at asOf as known at knownAt, each with its legal basis. */
  readonly designations: readonly DesignationDetail[];
}

export interface DiffQuery {
  readonly from: string;
  readonly to: string;
  readonly knownAt?: string;
  readonly authority?: Authority;
  readonly regime?: string;
}

export interface DiffResult {
  readonly from: string;
  readonly to: string;
  readonly knownAt: string;
  /** In force at `to` but not at `from`. */
  readonly started: readonly DesignationView[];
  /** In force at `from` but not at `to`. */
  readonly ended: readonly DesignationView[];
  /** In force at both, with different measures, legal basis, names or reference. */
  readonly changed: ReadonlyArray<{ readonly before: DesignationView; readonly after: DesignationView }>;
}

export interface ResolutionView {
  readonly resolutionId: string;
  readonly authority: Authority;
  readonly regimes: readonly string[];
  readonly kind: string;
  readonly reference: string;
  readonly title: string;
  readonly adoptedOn: string;
  readonly inForceFrom: string;
  readonly repealedFrom?: string;
  readonly measures: readonly Measure[];
  readonly sourceUrl?: string;
}

export interface NameMatch {
  readonly subjectId: string;
  readonly name: string;
  readonly quality: string;
}

/** What the CLI, HTTP API and library answer from the read models. */
export interface LedgerQueries {
  state(query: StateQuery): Promise<StateResult>;
  /** undefined when the subject was not known at knownAt. */
  subject(subjectId: string, query: TimeQuery): Promise<SubjectResult | undefined>;
  diff(query: DiffQuery): Promise<DiffResult>;
  subjectHistory(subjectId: string): Promise<HistoryEntry[]>;
  designationHistory(subjectId: string, designationId: string): Promise<HistoryEntry[]>;
  resolutionHistory(resolutionId: string): Promise<HistoryEntry[]>;
  resolution(resolutionId: string): Promise<ResolutionView | undefined>;
  resolutions(query: { authority?: Authority; regime?: string }): Promise<ResolutionView[]>;
  /** Subjects whose names match (case, accents and punctuation ignored). */
  searchNames(text: string, limit?: number): Promise<NameMatch[]>;
}

/** A query parameter that fails validation: the HTTP layer answers 400 naming `parameter`. */
export class QueryParameterError extends Error {
  override readonly name = 'QueryParameterError';
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(message);
  }
}
