/**
 * The screening vocabulary: every distinct listed token once, filed under its lookup keys (lookup-keys.ts), with
 * the vocabulary tokens it pairs with (score.ts tokenSimilarity) and how closely. A listed token's partners are
 * found when it is added and kept complete as later tokens arrive, so a query made of listed words never searches
 * (the slowest screenings were those whose words the process had not yet looked up). A query word outside the
 * vocabulary is searched once through the keys and kept in a bounded cache, cleared whenever a token is added.
 * Pure, in memory.
 */
import { filedKeys, probeKeys } from './lookup-keys';
import { phoneticKey } from './normalise';
import { tokenSimilarity, weight } from './score';

/** The vocabulary tokens a token pairs with, and the similarity of each pair, index by index. */
export interface Partners {
  readonly ids: readonly number[];
  readonly similarities: readonly number[];
}

/** How many query words outside the vocabulary keep their partners at most (each a short list). */
const MAX_OUTSIDE = 50_000;

export class Vocabulary {
  private readonly ids = new Map<string, number>();
  private readonly tokenList: string[] = [];
  private readonly phoneticKeys: string[] = [];
  private readonly weightList: number[] = [];
  private readonly firstLetters: number[] = [];
  private readonly byKey = new Map<string, number[]>();
  /** The tokens longer than one letter, by first letter: what an initial added later pairs with. */
  private readonly byFirstLetter = new Map<string, number[]>();
  private readonly partnerList: Array<{ ids: number[]; similarities: number[] }> = [];
  private readonly outside = new Map<string, Partners>();
  /** Per token: the search that last looked at it (a token filed under several of the keys is judged once). */
  private seenBy = new Int32Array(1024);
  private search = 0;

  get size(): { tokens: number; keys: number } {
    return { tokens: this.tokenList.length, keys: this.byKey.size };
  }

  token(v: number): string {
    return this.tokenList[v]!;
  }

  weight(v: number): number {
    return this.weightList[v]!;
  }

  phoneticKey(v: number): string {
    return this.phoneticKeys[v]!;
  }

  /** The char code of the token's first letter (what a query initial pairs with). */
  firstLetter(v: number): number {
    return this.firstLetters[v]!;
  }

  /** The token's id, added if it is new. */
  add(token: string): number {
    const known = this.ids.get(token);
    if (known !== undefined) return known;
    const v = this.tokenList.push(token) - 1;
    this.ids.set(token, v);
    const key = phoneticKey(token);
    this.phoneticKeys.push(key);
    this.weightList.push(weight(token));
    this.firstLetters.push(token.charCodeAt(0));
    for (const k of filedKeys(token)) push(this.byKey, k, v);
    if (token.length > 1) push(this.byFirstLetter, token[0]!, v);
    if (v >= this.seenBy.length) {
      const grown = new Int32Array(this.seenBy.length * 2);
      grown.set(this.seenBy);
      this.seenBy = grown;
    }
    // A query word outside the vocabulary may pair with the new token: its kept partners are out of date.
    this.outside.clear();
    const own = this.find(token, key);
    this.partnerList.push(own);
    this.addAsPartner(v, own);
    return v;
  }

  /** The vocabulary tokens the query token (with its phonetic key) pairs with. */
  partners(q: string, qKey: string): Partners {
    const v = this.ids.get(q);
    if (v !== undefined) return this.partnerList[v]!;
    const known = this.outside.get(q);
    if (known !== undefined) return known;
    const found = this.find(q, qKey);
    // Bounded: a stream of distinct words (a batch of made-up names) must not grow it without end.
    if (this.outside.size >= MAX_OUTSIDE) this.outside.clear();
    this.outside.set(q, found);
    return found;
  }

  /**
   * Adds the new token v to the partners of every earlier token whose search would now find it. A pair is judged
   * once, when its later token arrives: tokenSimilarity is symmetric (test/screening/token-similarity.property.test.ts),
   * so a token v found is a token that finds v, if it looks up v's keys: every token longer than one letter that
   * shares a lookup key (an initial only looks up initials), and for a new initial, every token of its letter.
   */
  private addAsPartner(v: number, own: { ids: number[]; similarities: number[] }): void {
    const token = this.tokenList[v]!;
    if (token.length > 1) {
      own.ids.forEach((u, i) => {
        if (u === v || this.tokenList[u]!.length === 1) return;
        this.partnerList[u]!.ids.push(v);
        this.partnerList[u]!.similarities.push(own.similarities[i]!);
      });
      return;
    }
    for (const u of this.byFirstLetter.get(token) ?? []) {
      const pair = tokenSimilarity(this.tokenList[u]!, this.phoneticKeys[u]!, token, this.phoneticKeys[v]!);
      if (pair === undefined) continue;
      this.partnerList[u]!.ids.push(v);
      this.partnerList[u]!.similarities.push(pair.similarity);
    }
  }

  /** Searches the vocabulary through the token's lookup keys. */
  private find(q: string, qKey: string): { ids: number[]; similarities: number[] } {
    const search = ++this.search;
    const ids: number[] = [];
    const similarities: number[] = [];
    for (const key of probeKeys(q)) {
      for (const v of this.byKey.get(key) ?? []) {
        if (this.seenBy[v] === search) continue;
        this.seenBy[v] = search;
        const pair = tokenSimilarity(q, qKey, this.tokenList[v]!, this.phoneticKeys[v]!);
        if (pair === undefined) continue;
        ids.push(v);
        similarities.push(pair.similarity);
      }
    }
    return { ids, similarities };
  }
}

function push<K>(map: Map<K, number[]>, key: K, value: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
