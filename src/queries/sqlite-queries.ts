/**
 * Answers the ledger's queries from the SQLite read models. A state question (asOf D, knownAt T) is one range
 * lookup in the bitemporal index: segments recorded at or before T and not superseded by T, in force on D.
 */
import type Database from 'better-sqlite3';
import type { Authority, Identity, Measure, SubjectKind } from '../../events';
import type { DesignationAttributes } from '../../projections/designation-state';
import { nameTokens } from '../../projections/names';
import { OPEN_DATE, OPEN_INSTANT } from '../../projections/schema';
import type { HistoryEntry } from '../history';
import type { Position } from '../store/event-store';
import { checkAuthority, checkRegime, resolveAsOf, resolveKnownAt } from './time';
import { QueryParameterError } from './types';
import type {
  DesignationDetail,
  DesignationView,
  DiffQuery,
  DiffResult,
  LedgerQueries,
  NameMatch,
  ResolutionView,
  StateQuery,
  StateResult,
  SubjectResult,
  TimeQuery,
} from './types';

interface SegmentRow {
  subject_id: string;
  designation_id: string;
  subject_kind: string;
  authority: string;
  regime: string;
  designation_from: string;
  designation_to: string;
  recorded_from: string;
  primary_name: string;
  measures: string;
  legal_basis: string;
  authority_reference: string | null;
}

interface HistoryRow {
  position: string;
  revision: number;
  type: string;
  effective_date: string | null;
  recorded_at: string;
  event_id: string;
  command_id: string;
  actor: string;
  source: string;
  hash: string;
  data: string;
}

/** A raw row of VIEW_COLUMNS, in that order. */
function rowOf(c: unknown[]): SegmentRow {
  return {
    subject_id: c[0] as string,
    designation_id: c[1] as string,
    subject_kind: c[2] as string,
    authority: c[3] as string,
    regime: c[4] as string,
    designation_from: c[5] as string,
    designation_to: c[6] as string,
    recorded_from: c[7] as string,
    primary_name: c[8] as string,
    measures: c[9] as string,
    legal_basis: c[10] as string,
    authority_reference: c[11] as string | null,
  };
}

const VIEW_COLUMNS = `subject_id, designation_id, subject_kind, authority, regime, designation_from, designation_to,
  recorded_from, primary_name, measures, legal_basis, authority_reference`;

/**
 * The bitemporal condition, known at T (recorded by T, not superseded by T) and in force on D, asked as two
 * queries whose union is the answer, so that each is a plain range an index serves: segments still current
 * (recorded_to is the open sentinel, an equality, so the effective-time range after it is usable) and
 * segments superseded after T (none when T is now).
 */
function atSql(columns: string, filter: string, orderBy: string, time: (column: string) => string = (column) => column): string {
  const [recordedFrom, recordedTo, effectiveFrom, effectiveTo] = ['recorded_from', 'recorded_to', 'effective_from', 'effective_to'].map(time);
  const inForce = `${recordedFrom} <= @knownAt AND ${effectiveFrom} <= @asOf AND ${effectiveTo} > @asOf`;
  const current = `${recordedTo} = '${OPEN_INSTANT}' AND ${inForce}`;
  const superseded = `${recordedTo} > @knownAt AND ${recordedTo} < '${OPEN_INSTANT}' AND ${inForce}`;
  const part = (condition: string) => `SELECT ${columns} FROM designation_segments WHERE ${filter} AND ${condition}`;
  return `${part(current)} UNION ALL ${part(superseded)} ORDER BY ${orderBy}`;
}

/**
 * Measures and legal bases repeat across thousands of designations: parse each distinct JSON text once.
 * The arrays are shared, so they are frozen.
 */
const parsedLists = new Map<string, readonly string[]>();
function parseList(json: string): readonly string[] {
  let list = parsedLists.get(json);
  if (list === undefined) {
    list = Object.freeze(JSON.parse(json) as string[]);
    if (parsedLists.size > 50_000) parsedLists.clear();
    parsedLists.set(json, list);
  }
  return list;
}

function toView(row: SegmentRow): DesignationView {
  return {
    subjectId: row.subject_id,
    designationId: row.designation_id,
    subjectKind: row.subject_kind as SubjectKind,
    authority: row.authority as Authority,
    regime: row.regime,
    primaryName: row.primary_name,
    measures: parseList(row.measures) as readonly Measure[],
    legalBasis: parseList(row.legal_basis),
    ...(row.authority_reference === null ? {} : { authorityReference: row.authority_reference }),
    effectiveFrom: row.designation_from,
    ...(row.designation_to === OPEN_DATE ? {} : { effectiveTo: row.designation_to }),
    recordedAt: row.recorded_from,
  };
}

function toHistory(row: HistoryRow): HistoryEntry {
  return {
    revision: row.revision,
    position: row.position as Position,
    eventId: row.event_id,
    type: row.type,
    ...(row.effective_date === null ? {} : { effectiveFrom: row.effective_date }),
    recordedAt: row.recorded_at,
    actor: JSON.parse(row.actor),
    source: JSON.parse(row.source),
    commandId: row.command_id,
    hash: row.hash,
    data: JSON.parse(row.data),
  };
}

const sameAttributes = (a: DesignationView, b: DesignationView) =>
  a.primaryName === b.primaryName &&
  a.authorityReference === b.authorityReference &&
  JSON.stringify(a.measures) === JSON.stringify(b.measures) &&
  JSON.stringify(a.legalBasis) === JSON.stringify(b.legalBasis);

export class SqliteLedgerQueries implements LedgerQueries {
  private readonly statements;

  constructor(private readonly db: Database.Database) {
    this.statements = {
      subjectKnown: db.prepare<[string, string], { kind: string }>('SELECT kind FROM subjects WHERE subject_id = ? AND first_recorded_at <= ?'),
      subjectSegments: db.prepare<Record<string, string>, SegmentRow & { attributes: string }>(
        // A subject's designation keys all start with `${subjectId}|` ('}' follows '|'), which segments_open serves;
        // the unary + keeps the planner from skip-scanning the regime index on the time columns instead.
        atSql(
          `${VIEW_COLUMNS}, attributes`,
          'designation_key >= @keyFrom AND designation_key < @keyTo AND subject_id = @subjectId',
          'regime, designation_id',
          (column) => `+${column}`,
        ),
      ),
      history: db.prepare<[string], HistoryRow>('SELECT * FROM history WHERE stream_id = ? ORDER BY revision'),
      designationHistory: db.prepare<[string, string], HistoryRow>(
        'SELECT * FROM history WHERE stream_id = ? AND designation_id = ? ORDER BY revision',
      ),
      resolution: db.prepare<[string], { state: string }>('SELECT state FROM resolutions WHERE resolution_id = ?'),
      resolutions: db.prepare<[], { state: string }>('SELECT state FROM resolutions ORDER BY resolution_id'),
      nameToken: db.prepare<[string, string, number], NameMatch & { subject_id: string }>(
        `SELECT subject_id, name, quality FROM subject_names WHERE token >= ? AND token < ? LIMIT CAST(? AS INTEGER)`,
      ),
    };
  }

  /** Prepared once per filter combination. */
  private readonly inForceStatements = new Map<string, Database.Statement<Record<string, string>, unknown[]>>();

  /**
   * Every designation in force at asOf as known at knownAt, optionally of one authority or regime. Rows come
   * back as arrays (raw mode): for thousands of rows, building an object per row cost as much as the lookup.
   */
  private inForce(asOf: string, knownAt: string, authority?: string, regime?: string): DesignationView[] {
    // An authority's regimes are those named `${authority}:...` (';' follows ':'): a range of the regime index.
    const filter = regime
      ? `regime = @regime${authority ? ' AND authority = @authority' : ''}`
      : authority
        ? 'regime >= @regimeFrom AND regime < @regimeTo AND authority = @authority'
        : "regime >= ''";
    const sql = atSql(VIEW_COLUMNS, filter, 'regime, subject_id, designation_id');
    let statement = this.inForceStatements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare<Record<string, string>, unknown[]>(sql).raw(true);
      this.inForceStatements.set(sql, statement);
    }
    const rows = statement.all({
      asOf,
      knownAt,
      ...(regime ? { regime } : authority ? { regimeFrom: `${authority}:`, regimeTo: `${authority};` } : {}),
      ...(authority ? { authority } : {}),
    });
    return rows.map((columns) => toView(rowOf(columns)));
  }

  async state(query: StateQuery): Promise<StateResult> {
    const asOf = resolveAsOf(query.asOf);
    const knownAt = resolveKnownAt(query.knownAt);
    const all = this.inForce(asOf, knownAt, checkAuthority(query.authority), checkRegime(query.regime));
    const offset = query.offset ?? 0;
    const designations = query.limit === undefined ? all.slice(offset) : all.slice(offset, offset + query.limit);
    return { asOf, knownAt, total: all.length, designations };
  }

  async subject(subjectId: string, query: TimeQuery): Promise<SubjectResult | undefined> {
    const asOf = resolveAsOf(query.asOf);
    const knownAt = resolveKnownAt(query.knownAt);
    const known = this.statements.subjectKnown.get(subjectId, knownAt);
    if (known === undefined) return undefined;
    const designations = this.statements.subjectSegments.all({ subjectId, keyFrom: `${subjectId}|`, keyTo: `${subjectId}}`, asOf, knownAt }).map((row): DesignationDetail => {
      const attributes = JSON.parse(row.attributes) as DesignationAttributes;
      return {
        ...toView(row),
        identity: attributes.identity as Identity,
        ...(attributes.reasons === undefined ? {} : { reasons: attributes.reasons }),
      };
    });
    return { subjectId, kind: known.kind as SubjectKind, asOf, knownAt, designations };
  }

  async diff(query: DiffQuery): Promise<DiffResult> {
    const from = resolveAsOf(query.from, 'from');
    const to = resolveAsOf(query.to, 'to');
    // Swapped dates would answer the diff backwards (what "started" had ended): a careless call, not a question.
    if (from > to) throw new QueryParameterError('from', `from ${from} is after to ${to}; give the earlier date as from`);
    const knownAt = resolveKnownAt(query.knownAt);
    const authority = checkAuthority(query.authority);
    const regime = checkRegime(query.regime);
    const key = (v: DesignationView) => `${v.subjectId}|${v.designationId}`;
    const before = new Map(this.inForce(from, knownAt, authority, regime).map((v) => [key(v), v]));
    const after = new Map(this.inForce(to, knownAt, authority, regime).map((v) => [key(v), v]));
    const started = [...after.values()].filter((v) => !before.has(key(v)));
    const ended = [...before.values()].filter((v) => !after.has(key(v)));
    const changed = [...after.values()]
      .filter((v) => before.has(key(v)) && !sameAttributes(before.get(key(v))!, v))
      .map((v) => ({ before: before.get(key(v))!, after: v }));
    return { from, to, knownAt, started, ended, changed };
  }

  async subjectHistory(subjectId: string): Promise<HistoryEntry[]> {
    return this.statements.history.all(`subject-${subjectId}`).map(toHistory);
  }

  async designationHistory(subjectId: string, designationId: string): Promise<HistoryEntry[]> {
    return this.statements.designationHistory.all(`subject-${subjectId}`, designationId).map(toHistory);
  }

  async resolutionHistory(resolutionId: string): Promise<HistoryEntry[]> {
    return this.statements.history.all(`resolution-${resolutionId}`).map(toHistory);
  }

  async resolution(resolutionId: string): Promise<ResolutionView | undefined> {
    const row = this.statements.resolution.get(resolutionId);
    return row === undefined ? undefined : (JSON.parse(row.state) as ResolutionView);
  }

  async resolutions(query: { authority?: Authority; regime?: string }): Promise<ResolutionView[]> {
    const authority = checkAuthority(query.authority);
    const regime = checkRegime(query.regime);
    return this.statements.resolutions
      .all()
      .map((row) => JSON.parse(row.state) as ResolutionView)
      .filter((r) => (authority === undefined || r.authority === authority) && (regime === undefined || r.regimes.includes(regime)));
  }

  /** Every word of the query must start a word of one of the subject's names. */
  async searchNames(text: string, limit = 50): Promise<NameMatch[]> {
    const tokens = nameTokens(text);
    if (tokens.length === 0) return [];
    let candidates: Map<string, NameMatch> | undefined;
    for (const token of tokens) {
      const rows = this.statements.nameToken.all(token, `${token}\uffff`, 10_000);
      const matches = new Map<string, NameMatch>();
      for (const row of rows) {
        if (candidates !== undefined && !candidates.has(row.subject_id)) continue;
        if (!matches.has(row.subject_id)) matches.set(row.subject_id, { subjectId: row.subject_id, name: row.name, quality: row.quality });
      }
      candidates = matches;
    }
    return [...(candidates?.values() ?? [])].slice(0, limit);
  }
}
