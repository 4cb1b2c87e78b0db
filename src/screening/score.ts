/**
 * The name score: a weighted token-set similarity in [0, 1], order-free (so "KIM Yong Bok", "Yong Bok Kim" and
 * "KIM, Yong Bok" agree), tolerant of typos (Levenshtein, from fastest-levenshtein), of transliteration variants
 * (equal phonetic keys), of initials, and of names written joined or apart ("Kwangchol", "Kwang Chol"). Pure.
 */
import { distance } from 'fastest-levenshtein';
import { phoneticKey } from './normalise';

export interface PreparedName {
  readonly tokens: readonly string[];
  readonly keys: readonly string[];
  /**
   * Every token (noise words included) run together: what a name written without spaces or hyphens is compared
   * with. Noise words stay in, so "ALxQUBAYSI" (a typo on the space) still lines up with "AL QUBAYSI".
   */
  readonly joined: string;
  /** How many words, noise words included. */
  readonly words: number;
  /** The sum of the token weights. */
  readonly weight: number;
  /** Token weights, heaviest first, summed: topWeights[k - 1] is the weight of the k heaviest tokens. */
  readonly topWeights: readonly number[];
  /** The scored tokens run together in reverse order (the joined reading's other word order). */
  readonly reversed: string;
}

export interface TokenMatch {
  readonly query: string;
  readonly listed: string;
  readonly similarity: number;
  readonly how: 'exact' | 'variant' | 'initial' | 'spelling';
}

export interface NameScore {
  readonly score: number;
  readonly method: 'tokens' | 'joined';
  readonly tokens: readonly TokenMatch[];
}

export function prepareName(tokens: readonly string[], allTokens: readonly string[] = tokens): PreparedName {
  const weights = tokens.map(weight).sort((a, b) => b - a);
  let running = 0;
  const topWeights = weights.map((w) => (running += w));
  return { tokens, keys: tokens.map(phoneticKey), joined: allTokens.join(''), words: allTokens.length, weight: running, topWeights, reversed: [...tokens].reverse().join('') };
}

/**
 * Below this a token pair counts as unmatched: partial credit for noise would lift unrelated names. Just under
 * 2/3, so that one edit in a three-letter token (DAD, DXD) still pairs; in a two-letter one see oneLetterOfTwo.
 */
const TOKEN_FLOOR = 0.66;
/** Same phonetic key, different spelling: Mohammed / Muhammad, Sergei / Sergey. */
const VARIANT_SIMILARITY = 0.92;
/**
 * A shared phonetic key is only credited as a variant when the spellings are also close: the consonant classes
 * are coarse (BERG and PARACO share "brk"), so on its own a key pairs unrelated words. Mohammed / Muhammad (0.75)
 * and Mohamed / Muhammad (0.625) stay variants; a consonant skeleton (Arabic romanised without vowels, "mhmd")
 * is exempt, having no vowels to agree on, and so is one letter of a short token (Lo / Ro: Korean ㄹ).
 */
const VARIANT_SPELLING_FLOOR = 0.6;
const consonants = (token: string) => token.replace(/[aeiouy]/g, '').replace(/(.)\1+/g, '$1');
/** "mhmd" is the skeleton of "mohammed"; an acronym ("HQN") is the skeleton of nothing it is compared with. */
const VOWEL = /[aeiouy]/;
// A vowel rules a skeleton out before any rewriting: most pairs have one, and this sits on the candidate search.
const skeletonOf = (skeleton: string, word: string) => skeleton.length >= 3 && !VOWEL.test(skeleton) && consonants(skeleton) === skeleton && consonants(word) === skeleton;
const closeEnough = (q: string, l: string, s: number) =>
  s >= VARIANT_SPELLING_FLOOR || skeletonOf(q, l) || skeletonOf(l, q) || (Math.max(q.length, l.length) <= 3 && distance(q, l) === 1);
/** "J" for "John". */
const INITIAL_SIMILARITY = 0.8;

function spelling(a: string, b: string): number {
  return 1 - distance(a, b) / Math.max(a.length, b.length);
}

/** What the spelling similarity can be at most: the edit distance is at least the difference in length. */
const lengthBound = (a: string, b: string) => lengthRatio(a.length, b.length);
const lengthRatio = (a: number, b: number) => 1 - Math.abs(a - b) / Math.max(a, b, 1);

/**
 * How a token pair is judged, as one number so that scoring a name allocates nothing per pair: NO_PAIR, INITIAL,
 * VARIANT, or the similarity itself (1 for the same token, below 1 for a spelling match).
 */
const NO_PAIR = -1;
const INITIAL = -2;
const VARIANT = -3;

function judge(q: string, qKey: string, l: string, lKey: string): number {
  if (q === l) return 1;
  if ((q.length === 1 && l.startsWith(q)) || (l.length === 1 && q.startsWith(l))) return INITIAL;
  const sameKey = qKey === lKey;
  // Without a shared key only the spelling can pair them, and it cannot when the lengths alone are too far apart.
  if (!sameKey && lengthBound(q, l) < TOKEN_FLOOR) return NO_PAIR;
  const s = spelling(q, l);
  if (sameKey && Math.min(q.length, l.length) >= 2 && s < VARIANT_SIMILARITY && closeEnough(q, l, s)) return VARIANT;
  return s >= TOKEN_FLOOR || oneLetterOfTwo(q, l) ? s : NO_PAIR;
}

/**
 * One letter changed in a two-letter word (Su / Sx, Yu / Xu) pairs at its spelling similarity, 0.5. The floor
 * lets one edit through in every longer word (2/3 at three letters), but a two-letter word has no similarity
 * between 0.5 and 1, so without this a typo in a Korean or Chinese syllable (most of those names are made of
 * them) left the word unpaired. Half credit on a word of weight 2 is little evidence: the rest of the name has to
 * agree for the threshold to be reached.
 */
const oneLetterOfTwo = (q: string, l: string) => q.length === 2 && l.length === 2 && (q[0] === l[0] || q[1] === l[1]);

const similarityOf = (judged: number) => (judged === INITIAL ? INITIAL_SIMILARITY : judged === VARIANT ? VARIANT_SIMILARITY : judged);
const howOf = (judged: number): TokenMatch['how'] => (judged === INITIAL ? 'initial' : judged === VARIANT ? 'variant' : judged === 1 ? 'exact' : 'spelling');

export function tokenSimilarity(q: string, qKey: string, l: string, lKey: string): TokenMatch | undefined {
  const judged = judge(q, qKey, l, lKey);
  return judged === NO_PAIR ? undefined : { query: q, listed: l, similarity: similarityOf(judged), how: howOf(judged) };
}

/** Longer tokens say more; an initial says little. */
export const weight = (token: string) => Math.max(1, Math.min(token.length, 8));

/**
 * Greedy alignment, best pairs first: every query token pairs with at most one listed token and back. The score
 * is the weighted share of both names' tokens that found a partner, each pair counted at its similarity.
 */
function tokenSetScore(query: PreparedName, listed: PreparedName): NameScore {
  const { tokens: qt, keys: qk } = query;
  const { tokens: lt, keys: lk } = listed;
  // The pairs that pair, as parallel arrays (query index, listed index, judgement), in query-then-listed order.
  const pairQ: number[] = [];
  const pairL: number[] = [];
  const judged: number[] = [];
  for (let qi = 0; qi < qt.length; qi++) {
    for (let li = 0; li < lt.length; li++) {
      const j = judge(qt[qi]!, qk[qi]!, lt[li]!, lk[li]!);
      if (j === NO_PAIR) continue;
      pairQ.push(qi);
      pairL.push(li);
      judged.push(j);
    }
  }
  const order = judged.map((_, i) => i);
  order.sort((a, b) => similarityOf(judged[b]!) - similarityOf(judged[a]!) || pairQ[a]! - pairQ[b]! || pairL[a]! - pairL[b]!);
  const usedQ = new Uint8Array(qt.length);
  const usedL = new Uint8Array(lt.length);
  const chosen: number[] = [];
  for (const p of order) {
    if (usedQ[pairQ[p]!] === 1 || usedL[pairL[p]!] === 1) continue;
    usedQ[pairQ[p]!] = 1;
    usedL[pairL[p]!] = 1;
    chosen.push(p);
  }
  const matches = chosen.map((p): TokenMatch => ({ query: qt[pairQ[p]!]!, listed: lt[pairL[p]!]!, similarity: similarityOf(judged[p]!), how: howOf(judged[p]!) }));
  const at = chosen.map((p) => pairQ[p]!);
  // Two one-word names that share only a phonetic key (Dare / Dore) are too little evidence for variant credit.
  if (qt.length === 1 && lt.length === 1 && matches[0]?.how === 'variant') {
    const [q, l] = [qt[0]!, lt[0]!];
    const s = spelling(q, l);
    matches[0] = { query: q, listed: l, similarity: s, how: 'spelling' };
    if (s < TOKEN_FLOOR) matches.pop();
  }
  const total = query.weight + listed.weight;
  let matched = 0;
  for (const m of matches) matched += m.similarity * (weight(m.query) + weight(m.listed));
  const byQuery = matches.map((m, i) => ({ m, qi: at[i]! })).sort((a, b) => a.qi - b.qi);
  return { score: total === 0 ? 0 : matched / total, method: 'tokens', tokens: byQuery.map((x) => x.m) };
}

/** "Kwangchol" against "Kwang Chol": the names run together compared, in both word orders a list may use. */
export const joinedSimilarity = (query: PreparedName, listed: PreparedName) => Math.max(spelling(query.joined, listed.joined), spelling(query.joined, listed.reversed));

function joinedScore(query: PreparedName, listed: PreparedName): NameScore {
  const s = joinedSimilarity(query, listed);
  return { score: s, method: 'joined', tokens: [{ query: query.joined, listed: listed.joined, similarity: s, how: s === 1 ? 'exact' : 'spelling' }] };
}

/**
 * An upper bound of scoreName from the sizes alone: the token reading cannot pair more weight than the lighter
 * name has, the joined reading cannot beat the length difference. Lets the index skip most candidates unscored.
 */
export function scoreBound(query: PreparedName, listed: PreparedName): number {
  const pairs = Math.min(query.tokens.length, listed.tokens.length);
  return sizeBound(query, pairs, pairs === 0 ? 0 : listed.topWeights[pairs - 1]!, listed.weight, listed.words, listed.joined.length, listed.reversed.length);
}

/**
 * scoreBound from the listed name's sizes alone (the candidate index keeps them in flat columns, name-columns.ts):
 * `pairs` is the smaller token count of the two names, `listedTop` the weight of the listed name's `pairs`
 * heaviest tokens.
 */
export function sizeBound(query: PreparedName, pairs: number, listedTop: number, listedWeight: number, listedWords: number, joinedLength: number, reversedLength: number): number {
  const total = query.weight + listedWeight;
  const tokens = pairs === 0 || total === 0 ? 0 : (query.topWeights[pairs - 1]! + listedTop) / total;
  if (query.words === listedWords) return tokens;
  return Math.max(tokens, joinedLengthBound(query, joinedLength, reversedLength));
}

/** What the joined reading can score at most against a name whose tokens run together are this long (either order). */
export const joinedLengthBound = (query: PreparedName, joinedLength: number, reversedLength: number) =>
  Math.max(lengthRatio(query.joined.length, joinedLength), lengthRatio(query.joined.length, reversedLength));

/** What the joined reading can score at most, from the lengths of the names run together. */
const joinedBound = (query: PreparedName, listed: PreparedName) => Math.max(lengthBound(query.joined, listed.joined), lengthBound(query.joined, listed.reversed));

/**
 * The better of the two readings. The joined reading only counts when the word counts differ (a split or a
 * join is the only thing it can explain), so two different names of equal length are not compared as strings.
 */
export function scoreName(query: PreparedName, listed: PreparedName): NameScore {
  const tokens = tokenSetScore(query, listed);
  // The joined reading replaces the token reading only when it scores higher, which its lengths may already rule out.
  if (query.words === listed.words || tokens.score === 1 || joinedBound(query, listed) <= tokens.score) return tokens;
  const joined = joinedScore(query, listed);
  return joined.score > tokens.score ? joined : tokens;
}
