/**
 * The candidate index: which listed names a query could reach the threshold with, found without scoring them.
 * Every distinct listed token is stored once (vocabulary.ts, with the tokens it pairs with); each token a query
 * token pairs with marks the names holding it. A name's best possible token score is then bounded, first by the
 * weight of what was marked on both sides, then by the similarity of the best pair each of its tokens could be
 * part of, so only names that can still reach the threshold are scored in full. Pure, in memory.
 */
import { grown, NameColumns } from './name-columns';
import { joinedSimilarity, tokenSimilarity, weight, type PreparedName } from './score';
import { Vocabulary, type Partners } from './vocabulary';

export { lookupKeys } from './lookup-keys';

/** Names longer than this many tokens are not de-duplicated per token in the bound (it stays an upper bound). */
export const MASK_BITS = 30;

/**
 * The pair bound sums similarities in another order than the score does: it is widened by this much so that
 * floating-point rounding can never drop a name whose score is exactly the floor.
 */
export const ROUNDING = 1e-9;

/**
 * A name's marks for the current query: the query that last touched it (the rest is stale if it is not the
 * current one), which listed positions and query tokens marked it, the weight of the listed tokens marked (weights
 * are whole numbers), and the query that found it by its joined reading.
 */
const STAMP = 0;
const LISTED_MASK = 1;
const QUERY_MASK = 2;
const LISTED_WEIGHT = 3;
const JOINED_STAMP = 4;
const MARKS = 8;

/** The joined reading ("Kwangchol" against "Kwang Chol") is found by the first letters of the names run together. */
const joinedKey = (joined: string) => `j:${joined.slice(0, 4)}`;

export class CandidateIndex {
  private readonly vocabulary = new Vocabulary();
  /** Per vocabulary token: name id * 32 + token position, for every name holding it. */
  private readonly holders: number[][] = [];
  private readonly byJoined = new Map<string, number[]>();
  private readonly prepared: PreparedName[] = [];
  /** Per name: its sizes and its tokens' vocabulary ids, so a query reads a touched name without hashing or pointer chasing. */
  private readonly columns = new NameColumns();
  // Per-query scratch, reused: a stamp says whether a name's (or vocabulary token's) marks belong to the current query.
  // One record per name (MARKS fields), side by side so that a touched name costs one cache miss, not five.
  private marks = new Int32Array(1024 * MARKS);
  /**
   * Per vocabulary token paired with by this query (pairStamp): the first of its pairs, a chain through pairNext
   * of (query token, similarity), so reading a name's tokens says at once which query tokens each pairs with.
   */
  private pairStamp = new Int32Array(1024);
  private pairHead = new Int32Array(1024);
  private pairNext = new Int32Array(1024);
  private pairQuery = new Int32Array(1024);
  private pairSimilarity = new Float64Array(1024);
  private pairs = 0;
  /** The chain entries below this came from the vocabulary's partners; those above were judged for the pair bound. */
  private partnerPairs = 0;
  private generation = 0;

  get size(): { names: number; tokens: number; keys: number } {
    return { names: this.prepared.length, ...this.vocabulary.size };
  }

  /** Adds a name; returns its id (ids are dense, in order of addition). */
  add(name: PreparedName): number {
    const id = this.prepared.push(name) - 1;
    const ids = name.tokens.map((token, position) => {
      const v = this.vocabulary.add(token);
      if (v === this.holders.length) this.holders.push([]);
      this.holders[v]!.push(id * 32 + Math.min(position, MASK_BITS));
      return v;
    });
    while (this.holders.length > this.pairStamp.length) {
      this.pairStamp = grown(this.pairStamp);
      this.pairHead = grown(this.pairHead);
    }
    this.columns.add(name, ids);
    for (const key of new Set([joinedKey(name.joined), joinedKey(name.reversed)])) push(this.byJoined, key, id);
    if ((id + 1) * MARKS > this.marks.length) this.marks = grown(this.marks);
    return id;
  }

  /** The ids of the names whose best possible score against the query is at least `floor`. */
  candidates(query: PreparedName, floor: number): number[] {
    const generation = ++this.generation;
    const touched: number[] = [];
    const queryWeights = query.tokens.map(weight);
    // Per query token: the vocabulary tokens it pairs with, and how many names hold them.
    const matched = query.tokens.map((q, qi) => this.vocabulary.partners(q, query.keys[qi]!));
    const volume = matched.map(({ ids }) => {
      let holders = 0;
      for (const v of ids) holders += this.holders[v]!.length;
      return holders;
    });
    // MaxScore: the commonest query tokens, as long as a name holding only them could not reach the floor (each
    // pairs with one listed token of weight 8 at most), are not used to find names, only to score the found.
    const order = query.tokens.map((_, qi) => qi).sort((a, b) => volume[b]! - volume[a]!);
    const common: number[] = [];
    const isCommon = new Uint8Array(query.tokens.length);
    let commonWeight = 0;
    for (const qi of order) {
      const listedMost = 8 * (common.length + 1);
      if ((commonWeight + queryWeights[qi]! + listedMost) / (query.weight + listedMost) >= floor) break;
      common.push(qi);
      isCommon[qi] = 1;
      commonWeight += queryWeights[qi]!;
    }
    for (let qi = 0; qi < matched.length; qi++) {
      if (isCommon[qi] === 1) continue;
      for (const v of matched[qi]!.ids) this.mark(v, qi, generation, touched);
    }
    for (const id of this.byJoined.get(joinedKey(query.joined)) ?? []) {
      this.marks[id * MARKS + JOINED_STAMP] = generation;
      if (this.marks[id * MARKS + STAMP] !== generation) this.reset(id, generation, touched);
    }
    this.chainPairs(matched, generation);
    const initials = query.tokens.filter((q) => q.length === 1).map((q) => q.charCodeAt(0));
    const out: number[] = [];
    // What the common tokens could add at most: a name that cannot reach the floor even so is dropped unread.
    let commonSlack = 0;
    for (const qi of common) commonSlack += queryWeights[qi]! + 8;
    const bestOfQuery = new Float64Array(query.tokens.length);
    for (const id of touched) {
      const listedWeight = this.columns.weight(id);
      const joined = this.marks[id * MARKS + JOINED_STAMP] === generation;
      if (commonSlack > 0 && !joined && initials.length === 0) {
        const essentialHit = this.queryHit(id, queryWeights);
        if ((essentialHit + this.marks[id * MARKS + LISTED_WEIGHT]! + commonSlack) / (query.weight + listedWeight) < floor) continue;
      }
      // The size bound (scoreBound) is cheap and final, the score is at most it: a name below it needs no further reading.
      if (this.columns.bound(query, id) < floor) continue;
      if (common.length > 0) this.markCommon(id, isCommon, generation);
      const queryHit = this.queryHit(id, queryWeights);
      const initialSlack = this.initialSlack(id, initials);
      const total = query.weight + listedWeight;
      const marked = query.tokens.length > MASK_BITS ? 1 : total === 0 ? 0 : Math.min(1, (queryHit + this.marks[id * MARKS + LISTED_WEIGHT]! + initialSlack) / total);
      // The joined reading counts only between names of different word counts (scoreName).
      const joinable = query.words !== this.columns.wordCount(id);
      if (Math.max(marked, joinable && joined ? 1 : 0) < floor) continue;
      // Bounded by the marks alone, the name would be scored; the pairs and the joined reading say whether it needs to be.
      const paired = query.tokens.length > MASK_BITS ? total : this.pairBound(id, query, queryWeights, bestOfQuery, generation);
      const tokenBound = total === 0 ? 0 : Math.min(marked, (paired + ROUNDING) / total);
      if (tokenBound >= floor || (joinable && this.columns.joinedBound(query, id) + ROUNDING >= floor && joinedSimilarity(query, this.prepared[id]!) + ROUNDING >= floor)) out.push(id);
    }
    return out;
  }

  /** Chains, for every vocabulary token the query pairs with, the query tokens it pairs with and how closely. */
  private chainPairs(matched: readonly Partners[], generation: number): void {
    this.pairs = 0;
    matched.forEach(({ ids, similarities }, qi) => {
      ids.forEach((v, k) => {
        if (this.pairStamp[v] !== generation) {
          this.pairStamp[v] = generation;
          this.pairHead[v] = -1;
        }
        this.chain(v, qi, similarities[k]!);
      });
    });
    this.partnerPairs = this.pairs;
  }

  /** Records that the query token qi pairs with vocabulary token v at this similarity (0: judged, does not pair). */
  private chain(v: number, qi: number, similarity: number): void {
    const e = this.pairs++;
    if (e >= this.pairNext.length) {
      this.pairNext = grown(this.pairNext);
      this.pairQuery = grown(this.pairQuery);
      this.pairSimilarity = grown(this.pairSimilarity);
    }
    this.pairQuery[e] = qi;
    this.pairSimilarity[e] = similarity;
    this.pairNext[e] = this.pairHead[v]!;
    this.pairHead[v] = e;
  }

  /** Marks the name's tokens that the common query tokens pair with (those tokens did not mark names themselves). */
  private markCommon(id: number, isCommon: Uint8Array, generation: number): void {
    for (let position = 0, tokens = this.columns.tokens(id); position < tokens; position++) {
      const v = this.columns.vocabAt(id, position);
      if (this.pairStamp[v] !== generation) continue;
      for (let e = this.pairHead[v]!; e !== -1; e = this.pairNext[e]!) {
        if (e < this.partnerPairs && isCommon[this.pairQuery[e]!] === 1) this.markOne(id, v, position, this.pairQuery[e]!);
      }
    }
  }

  /** A query initial pairs with any listed token of its letter; those are few, so they are bounded per name. */
  private initialSlack(id: number, initials: readonly number[]): number {
    let slack = 0;
    for (const initial of initials) {
      let heaviest = 0;
      for (let position = 0, tokens = this.columns.tokens(id); position < tokens; position++) {
        const v = this.columns.vocabAt(id, position);
        if (this.vocabulary.firstLetter(v) === initial) heaviest = Math.max(heaviest, this.vocabulary.weight(v));
      }
      slack += 1 + heaviest;
    }
    return slack;
  }

  /**
   * What the name's token score can be at most from its pairs: the score sums, over pairs that share no token,
   * similarity × both tokens' weights, so it is at most the sum over the name's tokens (and at most the sum over
   * the query's tokens) of the best pair each could be part of. Every pair of a query token and one of the name's
   * tokens is judged (tokenSimilarity, as the score judges it), once per query: the vocabulary's partners give
   * most, the rest (tokens that share no lookup key and still pair, an initial and a word of its letter) are
   * judged here and chained to the vocabulary token for the next name that holds it.
   */
  private pairBound(id: number, query: PreparedName, queryWeights: readonly number[], bestOfQuery: Float64Array, generation: number): number {
    const all = (1 << query.tokens.length) - 1;
    bestOfQuery.fill(0);
    let listedSum = 0;
    for (let position = 0, tokens = this.columns.tokens(id); position < tokens; position++) {
      const v = this.columns.vocabAt(id, position);
      const listedWeight = this.vocabulary.weight(v);
      if (this.pairStamp[v] !== generation) {
        this.pairStamp[v] = generation;
        this.pairHead[v] = -1;
      }
      let judged = 0;
      for (let e = this.pairHead[v]!; e !== -1; e = this.pairNext[e]!) judged |= 1 << this.pairQuery[e]!;
      for (let qi = 0; judged !== all && qi < query.tokens.length; qi++) {
        if ((judged & (1 << qi)) !== 0) continue;
        judged |= 1 << qi;
        const pair = tokenSimilarity(query.tokens[qi]!, query.keys[qi]!, this.vocabulary.token(v), this.vocabulary.phoneticKey(v));
        this.chain(v, qi, pair === undefined ? 0 : pair.similarity);
      }
      let best = 0;
      for (let e = this.pairHead[v]!; e !== -1; e = this.pairNext[e]!) {
        const qi = this.pairQuery[e]!;
        const pair = this.pairSimilarity[e]! * (queryWeights[qi]! + listedWeight);
        if (pair > best) best = pair;
        if (pair > bestOfQuery[qi]!) bestOfQuery[qi] = pair;
      }
      listedSum += best;
    }
    let querySum = 0;
    for (let qi = 0; qi < query.tokens.length; qi++) querySum += bestOfQuery[qi]!;
    return Math.min(listedSum, querySum);
  }

  /** The weight of the query tokens that marked the name. */
  private queryHit(id: number, queryWeights: readonly number[]): number {
    const mask = this.marks[id * MARKS + QUERY_MASK]!;
    let hit = 0;
    for (let qi = 0; qi < queryWeights.length; qi++) if ((mask & (1 << Math.min(qi, MASK_BITS))) !== 0) hit += queryWeights[qi]!;
    return hit;
  }

  private reset(id: number, generation: number, touched: number[]): void {
    const r = id * MARKS;
    this.marks[r + STAMP] = generation;
    this.marks[r + LISTED_MASK] = 0;
    this.marks[r + QUERY_MASK] = 0;
    this.marks[r + LISTED_WEIGHT] = 0;
    touched.push(id);
  }

  private mark(v: number, qi: number, generation: number, touched: number[]): void {
    for (const holder of this.holders[v]!) {
      const id = Math.floor(holder / 32);
      if (this.marks[id * MARKS + STAMP] !== generation) this.reset(id, generation, touched);
      this.markOne(id, v, holder % 32, qi);
    }
  }

  private markOne(id: number, v: number, position: number, qi: number): void {
    const bit = 1 << Math.min(position, MASK_BITS);
    const r = id * MARKS;
    this.marks[r + QUERY_MASK]! |= 1 << Math.min(qi, MASK_BITS);
    if (position >= MASK_BITS || (this.marks[r + LISTED_MASK]! & bit) === 0) {
      this.marks[r + LISTED_MASK]! |= bit;
      this.marks[r + LISTED_WEIGHT]! += this.vocabulary.weight(v);
    }
  }

}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
