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
/** Far above the rounding of sums of whole weights, far below a weight: where `sharedOnly` defers to the walk. */
const EDGE = 1e-6;

interface ListedName {
  readonly tokens: readonly string[];
  /** The weight of each position. */
  readonly weights: readonly number[];
  readonly weight: number;
}

type Segment = { readonly names: ReadonlyArray<{ readonly name: string }> };

/**
 * The listed names one entry token pairs with, as flat pairs (name index, mask of the listed positions paired) in
 * ascending name index, so bounding an entry reads a few arrays per token instead of walking partners and holders
 * again, and two tokens' names are intersected by a merge.
 */
interface Touches {
  readonly pairs: Int32Array;
  /** Beside each pair: the weight of the listed positions in its mask. */
  readonly listedWeights: Float64Array;
  /**
   * The most this token alone can lift the bound against one of its names over FLOOR * that name's weight:
   * max over L of weight(t) + (L's positions t pairs) - FLOOR * weight(L). A name only this token touches is
   * reachable only if that reaches FLOOR * weight(entry).
   */
  readonly alone: number;
  /** Whether `alone` can reach FLOOR * weight(entry) for some entry holding it (weight(entry) >= weight(t)). */
  readonly strong: boolean;
}

export class CandidateBound {
  private readonly names: ListedName[] = [];
  /** Entry token -> the listed names it pairs with (see `Touches`). */
  private readonly touches = new Map<string, Touches>();
  private readonly anyLong: boolean;
  // Scratch per listed name, reused by every `reachable` call (marked by `round`, so nothing is cleared).
  private readonly seenIn: Int32Array;
  private readonly queryMask: Int32Array;
  private readonly listedMask: Int32Array;
  /** Per listed name, the sum of every paired token's weight on both sides: never below the bound's numerator. */
  private readonly upper: Float64Array;
  private readonly touched: Int32Array;
  private round = 0;
  /** Scratch of `sharedOnly`: the paired entry positions' lists, and the positions. */
  private readonly paired: Touches[] = [];
  private readonly pairedAt = new Int32Array(MASK_BITS);
  private pairedCount = 0;

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
      const byName = [...masks].sort((a, b) => a[0] - b[0]);
      const listedWeights = Float64Array.from(byName, ([id, mask]) => this.names[id]!.weights.reduce((s, w, position) => ((mask & (1 << position)) !== 0 ? s + w : s), 0));
      const w = weight(entryToken);
      let alone = -Infinity;
      byName.forEach(([id], i) => (alone = Math.max(alone, w + listedWeights[i]! - FLOOR * this.names[id]!.weight)));
      this.touches.set(entryToken, { pairs: Int32Array.from(byName.flat()), listedWeights, alone, strong: alone >= FLOOR * w });
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
      if (token.length === 1) return true;
      const touches = this.touches.get(token);
      if (touches === undefined) continue;
      if (touches.strong) return true;
      paired += 1;
    }
    return paired >= 2;
  }

  /** Whether screening could score an entry's name (its nameTokens, the first `length` of them) at the threshold against one of the listed names. */
  reachable(tokens: readonly string[], length = tokens.length): boolean {
    if (length > MASK_BITS || this.anyLong) return true;
    if (!this.worthWalking(tokens, length)) return false;
    let entryWeight = 0;
    for (let qi = 0; qi < length; qi += 1) entryWeight += weight(tokens[qi]!);
    return this.sharedOnly(tokens, length, entryWeight) ? this.reachableThroughShared(tokens, length, entryWeight) : this.reachableByWalk(tokens, length, entryWeight);
  }

  /**
   * Whether only names that two paired entry positions share can reach the floor, and so the walk can be replaced
   * by intersecting the positions' names (fills `paired` and `pairedAt`). Not with an initial (it adds weight to
   * any name holding a word of its letter); otherwise a name one position touches alone reaches at most that
   * token's `alone` over FLOOR * its weight, which must reach FLOOR * weight(entry); kept clear of it by far more
   * than rounding, so a name at the edge is judged by the walk.
   */
  private sharedOnly(tokens: readonly string[], length: number, entryWeight: number): boolean {
    this.pairedCount = 0;
    for (let qi = 0; qi < length; qi += 1) {
      const token = tokens[qi]!;
      if (token.length === 1) return false;
      const touches = this.touches.get(token);
      if (touches === undefined) continue;
      if (touches.alone >= FLOOR * entryWeight - EDGE) return false;
      this.paired[this.pairedCount] = touches;
      this.pairedAt[this.pairedCount] = qi;
      this.pairedCount += 1;
    }
    return true;
  }

  /**
   * The walk's answer for an entry `sharedOnly` accepted: each pair of its paired positions' name lists is merged
   * (galloping through the longer), and each name found in both is judged once, as the walk judges it. Most
   * entries hold a common first name (dozens of names in a batch) and a surname that pairs with a few: the merge
   * reads the few instead of marking all.
   */
  private reachableThroughShared(tokens: readonly string[], length: number, entryWeight: number): boolean {
    this.round += 1;
    const round = this.round;
    for (let a = 0; a < this.pairedCount; a += 1) {
      for (let b = a + 1; b < this.pairedCount; b += 1) {
        const [short, long] = this.paired[a]!.pairs.length <= this.paired[b]!.pairs.length ? [this.paired[a]!.pairs, this.paired[b]!.pairs] : [this.paired[b]!.pairs, this.paired[a]!.pairs];
        for (let p = 0, at = 0; p < short.length; p += 2) {
          const id = short[p]!;
          at = seek(long, at, id);
          if (at === long.length >> 1) break;
          if (long[2 * at] !== id || this.seenIn[id] === round) continue;
          this.seenIn[id] = round;
          if (this.judgeShared(id, tokens, length, entryWeight)) return true;
        }
      }
    }
    return false;
  }

  /** Gathers what the walk would have marked on one name from every paired position's list, and judges it. */
  private judgeShared(id: number, tokens: readonly string[], length: number, entryWeight: number): boolean {
    let queryMask = 0;
    let listedMask = 0;
    let upper = 0;
    for (let k = 0; k < this.pairedCount; k += 1) {
      const { pairs, listedWeights } = this.paired[k]!;
      const at = seek(pairs, 0, id);
      if (at === pairs.length >> 1 || pairs[2 * at] !== id) continue;
      const qi = this.pairedAt[k]!;
      queryMask |= 1 << qi;
      listedMask |= pairs[2 * at + 1]!;
      upper += weight(tokens[qi]!) + listedWeights[at]!;
    }
    return this.judge(id, tokens, length, entryWeight, false, queryMask, listedMask, upper);
  }

  /** Marks every listed name the entry's paired positions touch, then judges each (any entry `sharedOnly` refused). */
  private reachableByWalk(tokens: readonly string[], length: number, entryWeight: number): boolean {
    this.round += 1;
    const round = this.round;
    // Per listed name touched: the entry positions paired, and the listed positions paired (as bit masks).
    let touchedCount = 0;
    let initials = false;
    for (let qi = 0; qi < length; qi += 1) {
      const token = tokens[qi]!;
      if (token.length === 1) initials = true;
      const touches = this.touches.get(token);
      if (touches === undefined) continue;
      const w = weight(token);
      const { pairs, listedWeights } = touches;
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
      if (this.judge(id, tokens, length, entryWeight, initials, this.queryMask[id]!, this.listedMask[id]!, this.upper[id]!)) return true;
    }
    return false;
  }

  /**
   * Screening's bound of the entry against one listed name, from the entry positions and listed positions paired
   * with each other (masks) and their summed weights (`upper`, a listed position counted once per entry token
   * pairing it): whether it reaches the floor.
   */
  private judge(id: number, tokens: readonly string[], length: number, entryWeight: number, initials: boolean, queryMask: number, listedMask: number, upper: number): boolean {
    const listed = this.names[id]!;
    const total = entryWeight + listed.weight;
    // Two entry tokens pairing one listed position count it once in the bound, twice in `upper`: without
    // initials (which add weight of their own), a name whose upper sum misses the floor cannot reach it.
    if (!initials && upper < FLOOR * total) return false;
    let hit = 0;
    for (let qi = 0; qi < length; qi += 1) if ((queryMask & (1 << qi)) !== 0) hit += weight(tokens[qi]!);
    for (let position = 0; position < listed.tokens.length; position += 1) if ((listedMask & (1 << position)) !== 0) hit += listed.weights[position]!;
    for (let qi = 0; qi < length; qi += 1) {
      const initial = tokens[qi]!;
      if (initial.length !== 1) continue;
      let heaviest = 0;
      for (const t of listed.tokens) if (t.startsWith(initial)) heaviest = Math.max(heaviest, weight(t));
      hit += 1 + heaviest;
    }
    return Math.min(1, hit / total) >= FLOOR;
  }
}

/**
 * In flat pairs (name index, mask) sorted by name index: the first pair at or after pair `from` whose name index
 * is at least `id` (the pair count if none). Gallops, then halves: a merge of a short list into a long one reads
 * a few of the long one's pairs per step.
 */
function seek(pairs: Int32Array, from: number, id: number): number {
  const count = pairs.length >> 1;
  let low = from;
  let high = from;
  let step = 1;
  while (high < count && pairs[2 * high]! < id) {
    low = high + 1;
    high += step;
    step *= 2;
  }
  // Every pair below `low` is below `id`; the one at `high` (if any) is not.
  let top = Math.min(high, count);
  while (low < top) {
    const middle = (low + top) >> 1;
    if (pairs[2 * middle]! < id) low = middle + 1;
    else top = middle;
  }
  return low;
}
