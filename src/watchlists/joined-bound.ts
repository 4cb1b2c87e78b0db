/**
 * The follower's joined-key candidates bounded the way screening bounds its own (src/screening/candidate-index.ts):
 * screening finds a listed name by the first letters of the names run together, and counts that joined reading
 * only when the two names have different word counts and their joined spellings reach the floor. An entry linked
 * to a batch's listed names by its joined key alone, and by no identifier, is kept only if that holds for one of
 * them; otherwise only its tokens can match, and the token path (candidate-bound.ts) decides. At 300,000 faker
 * entries the joined key let in 37,000-55,000 entries per batch of the OFAC import, unbounded: most of the
 * follower's time. Pure. test/watchlists/candidate-keys.property.test.ts checks the candidates against screening.
 */
import { DEFAULT_THRESHOLD, nameTokens, prepareName, rawTokens, type PreparedName } from '../screening';
import { significantTokens } from '../screening/normalise';
// Screening's own figures, not copies: the bound must move with them.
import { ROUNDING } from '../screening/candidate-index';
import { FEATURE_HEADROOM } from '../screening/screening-index';
import { joinedSimilarity } from '../screening/score';
import { identifierKey, joinedKey } from './candidate-keys';
import type { WatchlistEntry } from './entry-codec';

/** Watchlist entries carry no threshold of their own (entry-codec.ts): they are screened at the default. */
const FLOOR = DEFAULT_THRESHOLD - FEATURE_HEADROOM;

type Segment = { readonly names: ReadonlyArray<{ readonly name: string }>; readonly identifiers: ReadonlyArray<{ readonly value: string }> };

/** A name as screening prepares it (screening-index.ts), or undefined when no token counts. */
function prepared(name: string): PreparedName | undefined {
  const tokens = nameTokens(name);
  return tokens.length === 0 ? undefined : prepareName(tokens, rawTokens(name));
}

/**
 * What the spelling similarity of two strings of these lengths can be at most: screening's spelling is 1 - edit
 * distance / the longer length, and the distance is at least the difference in length.
 */
const lengthCeiling = (a: number, b: number) => 1 - Math.abs(a - b) / Math.max(a, b, 1);

export class JoinedBound {
  /** Joined key -> the listed names screening files under it (both word orders). */
  private readonly byKey = new Map<string, PreparedName[]>();
  private readonly identifiers = new Set<string>();

  constructor(segments: readonly Segment[]) {
    const seen = new Set<string>();
    for (const segment of segments) {
      for (const { name } of segment.names) {
        if (seen.has(name)) continue;
        seen.add(name);
        const listed = prepared(name);
        if (listed === undefined) continue;
        for (const key of new Set([joinedKey(listed.joined), joinedKey(listed.reversed)])) {
          const list = this.byKey.get(key);
          if (list === undefined) this.byKey.set(key, [listed]);
          else list.push(listed);
        }
      }
      for (const { value } of segment.identifiers) {
        const key = identifierKey(value);
        if (key !== undefined) this.identifiers.add(key);
      }
    }
  }

  /**
   * Whether an entry whose joined reading is filed under `key`, with this word count and joined length, has a
   * chance by the joined reading: the cheap tests of `keeps`, answered from the index in memory
   * (entry-token-index.ts) before the entry is read from the file. False means `keeps` would say no to its name.
   */
  mayKeep(key: string, words: number, length: number): boolean {
    for (const listed of this.byKey.get(key) ?? []) {
      if (words !== listed.words && this.lengthAllows(length, listed)) return true;
    }
    return false;
  }

  private lengthAllows(length: number, listed: PreparedName): boolean {
    return Math.max(lengthCeiling(length, listed.joined.length), lengthCeiling(length, listed.reversed.length)) + ROUNDING >= FLOOR;
  }

  /**
   * Whether screening could match this entry by an identifier or by the joined reading against some listed name.
   * Nearly every entry asked shares only four first letters with the listed names (39,000 a batch at 300,000
   * entries, 44 kept in all), so the cheap tests come first and the entry is prepared for scoring (phonetic keys,
   * the edit distance) only when its word count and length leave the joined reading a chance.
   */
  keeps(entry: WatchlistEntry): boolean {
    if ((entry.identifiers ?? []).some(({ value }) => this.identifiers.has(identifierKey(value) ?? ''))) return true;
    // As prepared() reads a name, normalised once: no significant token means no raw token either.
    const raw = rawTokens(entry.name);
    if (raw.length === 0) return false;
    const joined = raw.join('');
    let query: PreparedName | undefined;
    for (const listed of this.byKey.get(joinedKey(joined)) ?? []) {
      if (raw.length === listed.words || !this.lengthAllows(joined.length, listed)) continue;
      query ??= prepareName(significantTokens(raw), raw);
      if (joinedSimilarity(query, listed) + ROUNDING >= FLOOR) return true;
    }
    return false;
  }
}
