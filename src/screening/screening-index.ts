/**
 * The screening index: every name of every segment of the bitemporal index, prepared once, in a candidate index
 * (candidate-index.ts). A query scores only the names that can still reach the threshold, then keeps the segments in force at (asOf, knownAt) by the
 * same exact condition as the SQL state query. Pure and in memory.
 */
import { CandidateIndex } from './candidate-index';
import { BIRTH_AGREES, COUNTRY_AGREES, features, identifierMatch } from './features';
import { nameTokens, normaliseIdentifier, rawTokens } from './normalise';
import { prepareName, scoreBound, scoreName, type PreparedName } from './score';
import type { ScreeningEntry, ScreeningMatch, ScreeningQuery } from './types';

/** Features can add at most this much to a name score: a name that cannot come within it of the threshold is skipped. */
const FEATURE_HEADROOM = BIRTH_AGREES + COUNTRY_AGREES;

export const ALGORITHM = { name: 'ledger-token-set', version: '1.1.0' } as const;
/**
 * The default threshold. At 0.85 a single changed letter in a two-word name, a transliteration variant or a
 * missing middle name still matches; one shared surname with a different given name does not.
 */
export const DEFAULT_THRESHOLD = 0.85;
export const DEFAULT_LIMIT = 10;

interface IndexedName {
  readonly name: string;
  readonly quality: string;
  readonly prepared: PreparedName;
  readonly entries: number[];
}

export interface Basis {
  readonly asOf: string;
  readonly knownAt: string;
}

/** The exact bitemporal condition (src/queries/sqlite-queries.ts atSql): known at T, in force on D. */
export function inForceAt(entry: ScreeningEntry, basis: Basis): boolean {
  return entry.recordedFrom <= basis.knownAt && entry.recordedTo > basis.knownAt && entry.effectiveFrom <= basis.asOf && entry.effectiveTo > basis.asOf;
}

export class ScreeningIndex {
  private readonly names: IndexedName[] = [];
  private readonly candidates = new CandidateIndex();
  private readonly byIdentifier = new Map<string, number[]>();

  constructor(private readonly entries: readonly ScreeningEntry[]) {
    const byText = new Map<string, IndexedName>();
    entries.forEach((entry, entryIndex) => {
      for (const { name, quality } of entry.names) {
        const textKey = `${quality}\u0000${name}`;
        let indexed = byText.get(textKey);
        if (indexed === undefined) {
          const tokens = nameTokens(name);
          if (tokens.length === 0) continue;
          indexed = { name, quality, prepared: prepareName(tokens, rawTokens(name)), entries: [] };
          byText.set(textKey, indexed);
          this.names.push(indexed);
          this.candidates.add(indexed.prepared);
        }
        indexed.entries.push(entryIndex);
      }
      for (const id of entry.identifiers) {
        const key = normaliseIdentifier(id.value);
        if (key.length < 3) continue;
        const list = this.byIdentifier.get(key);
        if (list === undefined) this.byIdentifier.set(key, [entryIndex]);
        else list.push(entryIndex);
      }
    });
  }

  get size(): { entries: number; names: number; tokens: number; postings: number } {
    const { tokens, keys } = this.candidates.size;
    return { entries: this.entries.length, names: this.names.length, tokens, postings: keys };
  }

  /** The best match per designation in force at the basis, scores at or above the threshold, best first. */
  screen(query: ScreeningQuery, basis: Basis): ScreeningMatch[] {
    const threshold = query.threshold ?? DEFAULT_THRESHOLD;
    const regimes = query.regimes === undefined || query.regimes.length === 0 ? undefined : new Set(query.regimes);
    const eligible = (entry: ScreeningEntry) =>
      inForceAt(entry, basis) && (regimes === undefined || regimes.has(entry.regime)) && (query.kind === undefined || entry.kind === query.kind);
    const best = new Map<string, ScreeningMatch>();
    const offer = (match: ScreeningMatch) => {
      const key = `${match.subjectId}|${match.designationId}`;
      const current = best.get(key);
      if (current === undefined || match.score > current.score || (match.score === current.score && match.name < current.name)) best.set(key, match);
    };

    for (const wanted of query.identifiers ?? []) {
      for (const entryIndex of this.byIdentifier.get(normaliseIdentifier(wanted.value)) ?? []) {
        const entry = this.entries[entryIndex]!;
        const hit = eligible(entry) ? identifierMatch(query, entry) : undefined;
        if (hit === undefined) continue;
        offer({
          ...describe(entry),
          name: entry.primaryName,
          nameQuality: 'primary',
          score: 1,
          why: { method: 'identifier', tokens: [], nameScore: 0, features: [{ feature: 'identifier', agrees: true, adjustment: 1, detail: `${hit.type} ${hit.value}` }] },
        });
      }
    }

    const tokens = nameTokens(query.name);
    if (tokens.length > 0) {
      const prepared = prepareName(tokens, rawTokens(query.name));
      const floor = threshold - FEATURE_HEADROOM;
      for (const id of this.candidates.candidates(prepared, floor, (id) => scoreBound(prepared, this.names[id]!.prepared))) {
        const indexed = this.names[id]!;
        const inForce = indexed.entries.filter((e) => eligible(this.entries[e]!));
        if (inForce.length === 0) continue;
        const nameScore = scoreName(prepared, indexed.prepared);
        if (nameScore.score + FEATURE_HEADROOM < threshold) continue;
        for (const entryIndex of inForce) {
          const entry = this.entries[entryIndex]!;
          const found = features(query, entry);
          const score = round(clamp(nameScore.score + found.reduce((s, f) => s + f.adjustment, 0)));
          if (score < threshold) continue;
          offer({
            ...describe(entry),
            name: indexed.name,
            nameQuality: indexed.quality,
            score,
            why: { method: nameScore.method, tokens: nameScore.tokens.map((t) => ({ ...t, similarity: round(t.similarity) })), nameScore: round(nameScore.score), features: found },
          });
        }
      }
    }

    return [...best.values()]
      .sort((a, b) => b.score - a.score || a.subjectId.localeCompare(b.subjectId) || a.designationId.localeCompare(b.designationId))
      .slice(0, query.limit ?? DEFAULT_LIMIT);
  }
}

function describe(entry: ScreeningEntry) {
  return {
    subjectId: entry.subjectId,
    designationId: entry.designationId,
    kind: entry.kind,
    authority: entry.authority,
    regime: entry.regime,
    ...(entry.authorityReference === undefined ? {} : { authorityReference: entry.authorityReference }),
    primaryName: entry.primaryName,
  };
}

const clamp = (x: number) => Math.min(1, Math.max(0, x));
/** Scores are rounded so that a receipt's canonical JSON does not depend on floating-point noise. */
const round = (x: number) => Math.round(x * 10_000) / 10_000;
