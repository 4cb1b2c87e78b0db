/**
 * The screening index: every name of every segment of the bitemporal index, prepared once, in a candidate index
 * (candidate-index.ts). A query scores only the names that can still reach the threshold, then keeps the segments in force at (asOf, knownAt) by the
 * same exact condition as the SQL state query. Kept current by replacing the entries of the subjects that changed
 * (replaceSubjects), each replacement a new version; a snapshot answers at its version (entry-slots.ts). Pure and
 * in memory.
 */
import { CandidateIndex } from './candidate-index';
import { EntrySlots } from './entry-slots';
import { BIRTH_AGREES, COUNTRY_AGREES, features, identifierMatch } from './features';
import { normaliseIdentifier, rawTokens, significantTokens } from './normalise';
import { prepareName, scoreName, type PreparedName } from './score';
import type { ScreeningEntry, ScreeningMatch, ScreeningQuery } from './types';

/** Features can add at most this much to a name score: a name that cannot come within it of the threshold is skipped. */
export const FEATURE_HEADROOM = BIRTH_AGREES + COUNTRY_AGREES;

export const ALGORITHM = { name: 'ledger-token-set', version: '1.2.0' } as const;
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
  /** The entry slots listing this name, retired ones included (visibility is checked per version). */
  readonly slots: number[];
}

export interface Basis {
  readonly asOf: string;
  readonly knownAt: string;
}

/** What answers screenings: an index, or a snapshot of one pinned at a version. */
export interface Screener {
  screen(query: ScreeningQuery, basis: Basis): ScreeningMatch[];
}

/** The exact bitemporal condition (src/queries/sqlite-queries.ts atSql): known at T, in force on D. */
export function inForceAt(entry: ScreeningEntry, basis: Basis): boolean {
  return entry.recordedFrom <= basis.knownAt && entry.recordedTo > basis.knownAt && entry.effectiveFrom <= basis.asOf && entry.effectiveTo > basis.asOf;
}

export class ScreeningIndex implements Screener {
  private readonly slots = new EntrySlots();
  private readonly names: IndexedName[] = [];
  private readonly byText = new Map<string, IndexedName>();
  private readonly candidates = new CandidateIndex();
  private readonly byIdentifier = new Map<string, number[]>();
  private version = 0;

  constructor(entries: readonly ScreeningEntry[] = []) {
    for (const entry of entries) this.insert(entry, 0);
  }

  get size(): { entries: number; retired: number; subjects: number; names: number; tokens: number; postings: number } {
    const { live, retired, subjects } = this.slots.counts;
    const { tokens, keys } = this.candidates.size;
    return { entries: live, retired, subjects, names: this.names.length, tokens, postings: keys };
  }

  /**
   * Replaces, as one new version, everything indexed of these subjects (and of the subjects of `entries`) with
   * `entries`: their segments as they are now. A subject with no entries left is simply retired.
   */
  replaceSubjects(subjectIds: Iterable<string>, entries: readonly ScreeningEntry[]): void {
    const version = this.version + 1;
    for (const subjectId of new Set([...subjectIds, ...entries.map((e) => e.subjectId)])) this.slots.retireSubject(subjectId, version);
    for (const entry of entries) this.insert(entry, version);
    this.version = version;
  }

  /** A screener that keeps answering at the current version, whatever is replaced later. */
  snapshot(): Screener {
    const version = this.version;
    return { screen: (query, basis) => this.screenAt(query, basis, version) };
  }

  screen(query: ScreeningQuery, basis: Basis): ScreeningMatch[] {
    return this.screenAt(query, basis, this.version);
  }

  private insert(entry: ScreeningEntry, version: number): void {
    const slot = this.slots.add(entry, version);
    for (const { name, quality } of entry.names) {
      const textKey = `${quality}\u0000${name}`;
      let indexed = this.byText.get(textKey);
      if (indexed === undefined) {
        const raw = rawTokens(name);
        const tokens = significantTokens(raw);
        if (tokens.length === 0) continue;
        indexed = { name, quality, prepared: prepareName(tokens, raw), slots: [] };
        this.byText.set(textKey, indexed);
        this.names.push(indexed);
        this.candidates.add(indexed.prepared);
      }
      // An entry may list one name twice: one slot per name is enough.
      if (indexed.slots[indexed.slots.length - 1] !== slot) indexed.slots.push(slot);
    }
    for (const id of entry.identifiers) {
      const key = normaliseIdentifier(id.value);
      if (key.length < 3) continue;
      const list = this.byIdentifier.get(key);
      if (list === undefined) this.byIdentifier.set(key, [slot]);
      else if (list[list.length - 1] !== slot) list.push(slot);
    }
  }

  /** The best match per designation in force at the basis, scores at or above the threshold, best first. */
  private screenAt(query: ScreeningQuery, basis: Basis, version: number): ScreeningMatch[] {
    const threshold = query.threshold ?? DEFAULT_THRESHOLD;
    const regimes = query.regimes === undefined || query.regimes.length === 0 ? undefined : new Set(query.regimes);
    const eligible = (slot: number) => {
      if (!this.slots.visible(slot, version)) return false;
      const entry = this.slots.entry(slot);
      return inForceAt(entry, basis) && (regimes === undefined || regimes.has(entry.regime)) && (query.kind === undefined || entry.kind === query.kind);
    };
    const best = new Map<string, Offer>();
    const offer = (candidate: Offer) => {
      const key = `${candidate.match.subjectId}|${candidate.match.designationId}`;
      const current = best.get(key);
      if (current === undefined || preferred(candidate, current)) best.set(key, candidate);
    };

    for (const wanted of query.identifiers ?? []) {
      for (const slot of this.byIdentifier.get(normaliseIdentifier(wanted.value)) ?? []) {
        const entry = this.slots.entry(slot);
        const hit = eligible(slot) ? identifierMatch(query, entry) : undefined;
        if (hit === undefined) continue;
        offer({
          listedAt: IDENTIFIER_RANK,
          match: {
            ...describe(entry),
            name: entry.primaryName,
            nameQuality: 'primary',
            score: 1,
            why: { method: 'identifier', tokens: [], nameScore: 0, features: [{ feature: 'identifier', agrees: true, adjustment: 1, detail: `${hit.type} ${hit.value}` }] },
          },
        });
      }
    }

    const raw = rawTokens(query.name);
    const tokens = significantTokens(raw);
    if (tokens.length > 0) {
      const prepared = prepareName(tokens, raw);
      const floor = threshold - FEATURE_HEADROOM;
      for (const id of this.candidates.candidates(prepared, floor)) {
        const indexed = this.names[id]!;
        const inForce = indexed.slots.filter(eligible);
        if (inForce.length === 0) continue;
        const nameScore = scoreName(prepared, indexed.prepared);
        if (nameScore.score + FEATURE_HEADROOM < threshold) continue;
        for (const slot of inForce) {
          const entry = this.slots.entry(slot);
          const found = features(query, entry);
          const score = round(clamp(nameScore.score + found.reduce((s, f) => s + f.adjustment, 0)));
          if (score < threshold) continue;
          offer({
            listedAt: entry.names.findIndex((n) => n.name === indexed.name && n.quality === indexed.quality),
            match: {
              ...describe(entry),
              name: indexed.name,
              nameQuality: indexed.quality,
              score,
              why: { method: nameScore.method, tokens: nameScore.tokens.map((t) => ({ ...t, similarity: round(t.similarity) })), nameScore: round(nameScore.score), features: found },
            },
          });
        }
      }
    }

    return [...best.values()]
      .map((o) => o.match)
      .sort((a, b) => b.score - a.score || a.subjectId.localeCompare(b.subjectId) || a.designationId.localeCompare(b.designationId))
      .slice(0, query.limit ?? DEFAULT_LIMIT);
  }
}

/** A match with where its name stands in the entry's list of names (an identifier match stands before them all). */
interface Offer {
  readonly match: ScreeningMatch;
  readonly listedAt: number;
}
const IDENTIFIER_RANK = -1;

/**
 * Which of two matches of one designation is kept: the higher score, then the name first in alphabetical order,
 * then the one the designation lists first. A total order, so the answer does not depend on the order in which
 * the index happens to hold its names (a kept-current index holds them in another order than a fresh one).
 */
function preferred(candidate: Offer, current: Offer): boolean {
  const [a, b] = [candidate.match, current.match];
  if (a.score !== b.score) return a.score > b.score;
  if (a.name !== b.name) return a.name < b.name;
  return candidate.listedAt < current.listedAt;
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
