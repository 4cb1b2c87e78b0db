/**
 * The follower's candidates bounded the way screening bounds its own (src/screening/candidate-index.ts), so an
 * entry that shares one paired token with a listed name but could never reach the threshold against it is not
 * screened at all. Pure.
 *
 * Screening scores a listed name for a query only if the weight of the tokens paired under a shared lookup key
 * (query side: each position holding a paired token; listed side: each position holding one), plus for each query
 * initial 1 and the heaviest listed token of its letter, reaches `threshold - (BIRTH_AGREES + COUNTRY_AGREES)`
 * over both names' weight; names found through the joined key or an identifier are scored regardless. This
 * module computes that same bound from the same pairing (candidate-keys.ts tokenPartners), over EVERY listed
 * name an entry token pairs with (screening leaves out some of its commonest tokens when looking names up, never
 * when bounding), so it is never below screening's: no entry screening could match is dropped. Entries or names
 * of more than 30 tokens, where screening's own bound gives up, are always kept.
 * test/watchlists/candidate-keys.property.test.ts checks it against screening on generated names.
 */
import { DEFAULT_THRESHOLD, nameTokens } from '../screening';
// Screening's own figures, not copies: the bound must move with them. MASK_BITS: past it screening's bound is 1.
import { MASK_BITS } from '../screening/candidate-index';
import { FEATURE_HEADROOM } from '../screening/screening-index';
import { weight } from '../screening/score';

/** Watchlist entries carry no threshold of their own (entry-codec.ts): they are screened at the default. */
const FLOOR = DEFAULT_THRESHOLD - FEATURE_HEADROOM;

interface ListedName {
  readonly tokens: readonly string[];
  /** The weight of each position. */
  readonly weights: readonly number[];
  readonly weight: number;
}

type Segment = { readonly names: ReadonlyArray<{ readonly name: string }> };

export class CandidateBound {
  private readonly names: ListedName[] = [];
  /**
   * Entry token -> the listed names it pairs with, as flat pairs (name index, mask of the listed positions paired),
   * so bounding an entry reads a few arrays per token instead of walking partners and holders again.
   */
  private readonly touches = new Map<string, Int32Array>();
  /** Beside each pair of `touches`: the weight of the listed positions in its mask. */
  private readonly touchWeights = new Map<string, Float64Array>();
  /**
   * The paired entry tokens that can lift an entry to the floor on their own (see `reachable`): for some listed
   * name L, weight(t) + (L's positions t pairs) - FLOOR * weight(L) >= FLOOR * weight(t).
   */
  private readonly strong = new Set<string>();
  private readonly anyLong: boolean;
  // Scratch per listed name, reused by every `reachable` call (marked by `round`, so nothing is cleared).
  private readonly seenIn: Int32Array;
  private readonly queryMask: Int32Array;
  private readonly listedMask: Int32Array;
  /** Per listed name, the sum of every paired token's weight on both sides: never below the bound's numerator. */
  private readonly upper: Float64Array;
  private readonly touched: Int32Array;
  private round = 0;

  constructor(
    segments: readonly Segment[],
    /** Entry token -> the listed tokens screening pairs it with under a shared key. */
    partners: ReadonlyMap<string, ReadonlySet<string>>,
  ) {
    const seen = new Set<string>();
    /** Listed token -> (name index, position) of every listed name holding it. */
    const holders = new Map<string, Array<readonly [number, number]>>();
    for (const segment of segments) {
      for (const { name } of segment.names) {
        if (seen.has(name)) continue;
        seen.add(name);
        const tokens = nameTokens(name);
        if (tokens.length === 0) continue;
        const weights = tokens.map(weight);
        const id = this.names.push({ tokens, weights, weight: weights.reduce((s, w) => s + w, 0) }) - 1;
        tokens.forEach((token, position) => {
          const list = holders.get(token);
          if (list === undefined) holders.set(token, [[id, position]]);
          else list.push([id, position]);
        });
      }
    }
    this.anyLong = this.names.some((n) => n.tokens.length > MASK_BITS);
    const count = this.names.length;
    this.seenIn = new Int32Array(count);
    this.queryMask = new Int32Array(count);
    this.listedMask = new Int32Array(count);
    this.touched = new Int32Array(count);
    this.upper = new Float64Array(count);
    if (this.anyLong) return;
    for (const [entryToken, listedTokens] of partners) {
      const masks = new Map<number, number>();
      for (const listed of listedTokens) {
        for (const [id, position] of holders.get(listed) ?? []) masks.set(id, (masks.get(id) ?? 0) | (1 << position));
      }
      if (masks.size === 0) continue;
      this.touches.set(entryToken, Int32Array.from([...masks].flat()));
      const listedWeights = Float64Array.from([...masks], ([id, mask]) => this.names[id]!.weights.reduce((s, w, position) => ((mask & (1 << position)) !== 0 ? s + w : s), 0));
      this.touchWeights.set(entryToken, listedWeights);
      const w = weight(entryToken);
      const ids = [...masks.keys()];
      if (ids.some((id, i) => w + listedWeights[i]! - FLOOR * this.names[id]!.weight >= FLOOR * w)) this.strong.add(entryToken);
    }
  }

  /**
   * Whether the entry can reach the floor at all, from its tokens alone, before the walk over the listed names. If
   * only one entry position pairs with anything (and no initial adds weight of its own), the bound against a
   * listed name L it touches is at most weight(t) + (L's positions t pairs), and reaching FLOOR * (weight(entry) +
   * weight(L)) needs that token to be `strong` (weight(entry) >= weight(t)). Most generated names pair one token
   * with a batch's names and are dropped here.
   */
  private worthWalking(tokens: readonly string[], length: number): boolean {
    let paired = 0;
    for (let qi = 0; qi < length; qi += 1) {
      const token = tokens[qi]!;
      if (token.length === 1 || this.strong.has(token)) return true;
      if (this.touches.has(token)) paired += 1;
    }
    return paired >= 2;
  }

  /** Whether screening could score an entry's name (its nameTokens, the first `length` of them) at the threshold against one of the listed names. */
  reachable(tokens: readonly string[], length = tokens.length): boolean {
    if (length > MASK_BITS || this.anyLong) return true;
    if (!this.worthWalking(tokens, length)) return false;
    this.round += 1;
    const round = this.round;
    // Per listed name touched: the entry positions paired, and the listed positions paired (as bit masks).
    let touchedCount = 0;
    let entryWeight = 0;
    let initials = false;
    for (let qi = 0; qi < length; qi += 1) {
      const token = tokens[qi]!;
      const w = weight(token);
      entryWeight += w;
      if (token.length === 1) initials = true;
      const pairs = this.touches.get(token);
      if (pairs === undefined) continue;
      const listedWeights = this.touchWeights.get(token)!;
      for (let p = 0; p < pairs.length; p += 2) {
        const id = pairs[p]!;
        if (this.seenIn[id] !== round) {
          this.seenIn[id] = round;
          this.queryMask[id] = 0;
          this.listedMask[id] = 0;
          this.upper[id] = 0;
          this.touched[touchedCount++] = id;
        }
        this.queryMask[id]! |= 1 << qi;
        this.listedMask[id]! |= pairs[p + 1]!;
        this.upper[id]! += w + listedWeights[p >> 1]!;
      }
    }
    for (let n = 0; n < touchedCount; n += 1) {
      const id = this.touched[n]!;
      const listed = this.names[id]!;
      const total = entryWeight + listed.weight;
      // Two entry tokens pairing one listed position count it once in the bound, twice in `upper`: without
      // initials (which add weight of their own), a name whose upper sum misses the floor cannot reach it.
      if (!initials && this.upper[id]! < FLOOR * total) continue;
      let hit = 0;
      for (let qi = 0; qi < length; qi += 1) if ((this.queryMask[id]! & (1 << qi)) !== 0) hit += weight(tokens[qi]!);
      for (let position = 0; position < listed.tokens.length; position += 1) if ((this.listedMask[id]! & (1 << position)) !== 0) hit += listed.weights[position]!;
      for (let qi = 0; qi < length; qi += 1) {
        const initial = tokens[qi]!;
        if (initial.length !== 1) continue;
        let heaviest = 0;
        for (const t of listed.tokens) if (t.startsWith(initial)) heaviest = Math.max(heaviest, weight(t));
        hit += 1 + heaviest;
      }
      if (Math.min(1, hit / total) >= FLOOR) return true;
    }
    return false;
  }
}
