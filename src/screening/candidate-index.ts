/**
 * The candidate index: which listed names a query could reach the threshold with, found without scoring them.
 * Every distinct listed token is stored once (a vocabulary) under lookup keys (phonetic key, first and last
 * three letters, one-letter deletions of short tokens, first letter of initials). A query token is compared
 * with the vocabulary tokens sharing a key (once per token, not once per name), and each token that pairs
 * marks the names holding it. A name's best possible token score is then bounded by the weight of what was
 * marked on both sides, so only names that can still reach the threshold are scored in full. Pure, in memory.
 */
import { phoneticKey } from './normalise';
import { grown, NameColumns } from './name-columns';
import { tokenSimilarity, weight, type PreparedName } from './score';

/** Names longer than this many tokens are not de-duplicated per token in the bound (it stays an upper bound). */
export const MASK_BITS = 30;

/** Also the watchlist key index's (src/watchlists/candidate-keys.ts): both must look tokens up alike. */
export function lookupKeys(token: string): string[] {
  const keys = [`k:${phoneticKey(token)}`, `p:${token.slice(0, 3)}`];
  if (token.length >= 5) keys.push(`s:${token.slice(-3)}`);
  // A changed, dropped or added letter in a short token leaves one deletion in common (SymSpell).
  if (token.length >= 2 && token.length <= 5) {
    keys.push(`d:${token}`);
    for (let i = 0; i < token.length; i++) keys.push(`d:${token.slice(0, i)}${token.slice(i + 1)}`);
  }
  return keys;
}

/** The joined reading ("Kwangchol" against "Kwang Chol") is found by the first letters of the names run together. */
const joinedKey = (joined: string) => `j:${joined.slice(0, 4)}`;

export class CandidateIndex {
  private readonly vocabulary = new Map<string, number>();
  private readonly vocabTokens: string[] = [];
  private readonly vocabKeys: string[] = [];
  private readonly vocabWeights: number[] = [];
  /** Per vocabulary token: its first letter's char code (what a query initial pairs with). */
  private readonly vocabFirst: number[] = [];
  /** Per vocabulary token: name id * 32 + token position, for every name holding it. */
  private readonly holders: number[][] = [];
  private readonly byKey = new Map<string, number[]>();
  private readonly byJoined = new Map<string, number[]>();
  private readonly prepared: PreparedName[] = [];
  /** Per name: its sizes and its tokens' vocabulary ids, so a query reads a touched name without hashing or pointer chasing. */
  private readonly columns = new NameColumns();
  /**
   * Query token -> the vocabulary tokens it pairs with. A pairing depends only on the vocabulary, so it is kept
   * across queries (names repeat their words: a batch asks for the same few thousand tokens again and again) and
   * forgotten whenever the vocabulary grows.
   */
  private readonly pairings = new Map<string, readonly number[]>();
  // Per-query scratch, reused: a stamp says whether a name's (or vocabulary token's) marks belong to the current query.
  private stamp = new Int32Array(1024);
  private listedMask = new Int32Array(1024);
  private queryMask = new Int32Array(1024);
  private listedWeight = new Float64Array(1024);
  private joinedStamp = new Int32Array(1024);
  private vocabStamp = new Int32Array(1024);
  private pairingStamp = new Int32Array(1024);
  private generation = 0;
  private pairingGeneration = 0;

  get size(): { names: number; tokens: number; keys: number } {
    return { names: this.prepared.length, tokens: this.vocabTokens.length, keys: this.byKey.size };
  }

  /** Adds a name; returns its id (ids are dense, in order of addition). */
  add(name: PreparedName): number {
    const id = this.prepared.push(name) - 1;
    const ids = name.tokens.map((token, position) => {
      const v = this.vocabulary.get(token) ?? this.addToken(token);
      this.holders[v]!.push(id * 32 + Math.min(position, MASK_BITS));
      return v;
    });
    this.columns.add(name, ids);
    for (const key of new Set([joinedKey(name.joined), joinedKey(name.reversed)])) push(this.byJoined, key, id);
    if (id >= this.stamp.length) this.growNames();
    return id;
  }

  private addToken(token: string): number {
    const v = this.vocabTokens.push(token) - 1;
    this.vocabulary.set(token, v);
    this.vocabKeys.push(phoneticKey(token));
    this.vocabWeights.push(weight(token));
    this.vocabFirst.push(token.charCodeAt(0));
    this.holders.push([]);
    for (const key of token.length === 1 ? [`i:${token}`] : lookupKeys(token)) push(this.byKey, key, v);
    this.pairings.clear();
    if (v >= this.vocabStamp.length) {
      this.vocabStamp = grown(this.vocabStamp);
      this.pairingStamp = grown(this.pairingStamp);
    }
    return v;
  }

  /** The ids of the names whose best possible score against the query is at least `floor`. */
  candidates(query: PreparedName, floor: number): number[] {
    const generation = ++this.generation;
    const touched: number[] = [];
    const queryWeights = query.tokens.map(weight);
    // Per query token: the vocabulary tokens it pairs with, and how many names hold them.
    const matched = query.tokens.map((q, qi) => this.pairing(q, query.keys[qi]!));
    const volume = matched.map((vs) => {
      let holders = 0;
      for (const v of vs) holders += this.holders[v]!.length;
      return holders;
    });
    // MaxScore: the commonest query tokens, as long as a name holding only them could not reach the floor (each
    // pairs with one listed token of weight 8 at most), are not used to find names, only to score the found.
    const order = query.tokens.map((_, qi) => qi).sort((a, b) => volume[b]! - volume[a]!);
    const common: number[] = [];
    let commonWeight = 0;
    for (const qi of order) {
      const listedMost = 8 * (common.length + 1);
      if ((commonWeight + queryWeights[qi]! + listedMost) / (query.weight + listedMost) >= floor) break;
      common.push(qi);
      commonWeight += queryWeights[qi]!;
    }
    const isCommon = new Set(common);
    for (let qi = 0; qi < matched.length; qi++) {
      if (isCommon.has(qi)) continue;
      for (const v of matched[qi]!) this.mark(v, qi, generation, touched);
    }
    for (const id of this.byJoined.get(joinedKey(query.joined)) ?? []) {
      this.joinedStamp[id] = generation;
      if (this.stamp[id] !== generation) this.reset(id, generation, touched);
    }
    // The common query tokens each vocabulary token pairs with: a name's tokens are checked against them by a stamp.
    const commonOf = new Map<number, number[]>();
    for (const qi of common) {
      for (const v of matched[qi]!) {
        this.vocabStamp[v] = generation;
        const qis = commonOf.get(v);
        if (qis === undefined) commonOf.set(v, [qi]);
        else if (qis[qis.length - 1] !== qi) qis.push(qi);
      }
    }
    const initials = query.tokens.filter((q) => q.length === 1).map((q) => q.charCodeAt(0));
    const out: number[] = [];
    // What the common tokens could add at most: a name that cannot reach the floor even so is dropped unread.
    let commonSlack = 0;
    for (const qi of common) commonSlack += queryWeights[qi]! + 8;
    for (const id of touched) {
      const listedWeight = this.columns.weight(id);
      const joined = this.joinedStamp[id] === generation;
      if (commonSlack > 0 && !joined && initials.length === 0) {
        const essentialHit = this.queryHit(id, queryWeights);
        if ((essentialHit + this.listedWeight[id]! + commonSlack) / (query.weight + listedWeight) < floor) continue;
      }
      // The size bound (scoreBound) is cheap and final, the score is at most it: a name below it needs no further reading.
      if (this.columns.bound(query, id) < floor) continue;
      if (common.length > 0) {
        const tokens = this.columns.tokens(id);
        for (let position = 0; position < tokens; position++) {
          const v = this.columns.vocabAt(id, position);
          if (this.vocabStamp[v] !== generation) continue;
          for (const qi of commonOf.get(v)!) this.markOne(id, v, position, qi);
        }
      }
      const queryHit = this.queryHit(id, queryWeights);
      // A query initial pairs with any listed token of its letter; those are few, so they are bounded here.
      let initialSlack = 0;
      for (const initial of initials) {
        let heaviest = 0;
        for (let position = 0, tokens = this.columns.tokens(id); position < tokens; position++) {
          const v = this.columns.vocabAt(id, position);
          if (this.vocabFirst[v] === initial) heaviest = Math.max(heaviest, this.vocabWeights[v]!);
        }
        initialSlack += 1 + heaviest;
      }
      const total = query.weight + listedWeight;
      const tokenBound = query.tokens.length > MASK_BITS ? 1 : total === 0 ? 0 : Math.min(1, (queryHit + this.listedWeight[id]! + initialSlack) / total);
      const joinedBound = query.words !== this.columns.wordCount(id) && joined ? 1 : 0;
      if (Math.max(tokenBound, joinedBound) >= floor) out.push(id);
    }
    return out;
  }

  /** The weight of the query tokens that marked the name. */
  private queryHit(id: number, queryWeights: readonly number[]): number {
    const mask = this.queryMask[id]!;
    let hit = 0;
    for (let qi = 0; qi < queryWeights.length; qi++) if ((mask & (1 << Math.min(qi, MASK_BITS))) !== 0) hit += queryWeights[qi]!;
    return hit;
  }

  /** The vocabulary tokens a query token pairs with (tokenSimilarity defined), found through the lookup keys. */
  private pairing(q: string, qKey: string): readonly number[] {
    const known = this.pairings.get(q);
    if (known !== undefined) return known;
    // A vocabulary token filed under several of the keys is judged once: the stamp says it was seen for this token.
    const seen = ++this.pairingGeneration;
    const out: number[] = [];
    for (const key of q.length === 1 ? [`i:${q}`] : [...lookupKeys(q), `i:${q[0]}`]) {
      for (const v of this.byKey.get(key) ?? []) {
        if (this.pairingStamp[v] === seen) continue;
        this.pairingStamp[v] = seen;
        if (tokenSimilarity(q, qKey, this.vocabTokens[v]!, this.vocabKeys[v]!) !== undefined) out.push(v);
      }
    }
    // Bounded: a stream of distinct tokens (a batch of made-up names) must not grow it without end.
    if (this.pairings.size >= MAX_PAIRINGS) this.pairings.clear();
    this.pairings.set(q, out);
    return out;
  }

  private reset(id: number, generation: number, touched: number[]): void {
    this.stamp[id] = generation;
    this.listedMask[id] = 0;
    this.queryMask[id] = 0;
    this.listedWeight[id] = 0;
    touched.push(id);
  }

  private mark(v: number, qi: number, generation: number, touched: number[]): void {
    for (const holder of this.holders[v]!) {
      const id = Math.floor(holder / 32);
      if (this.stamp[id] !== generation) this.reset(id, generation, touched);
      this.markOne(id, v, holder % 32, qi);
    }
  }

  private markOne(id: number, v: number, position: number, qi: number): void {
    const bit = 1 << Math.min(position, MASK_BITS);
    this.queryMask[id]! |= 1 << Math.min(qi, MASK_BITS);
    if (position >= MASK_BITS || (this.listedMask[id]! & bit) === 0) {
      this.listedMask[id]! |= bit;
      this.listedWeight[id]! += this.vocabWeights[v]!;
    }
  }

  private growNames(): void {
    this.stamp = grown(this.stamp);
    this.listedMask = grown(this.listedMask);
    this.queryMask = grown(this.queryMask);
    this.listedWeight = grown(this.listedWeight);
    this.joinedStamp = grown(this.joinedStamp);
  }
}

/** How many query tokens' pairings are kept at most (each a short list of vocabulary ids). */
const MAX_PAIRINGS = 50_000;

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
