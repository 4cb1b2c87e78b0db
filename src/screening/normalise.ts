/**
 * Name normalisation for screening: one function turns any way of writing a name (case, diacritics, punctuation,
 * hyphens, "LAST, First", original scripts) into lower-case ASCII tokens, and a second gives each token a
 * phonetic key that folds common transliteration variants together. Pure.
 */
import anyAscii from 'any-ascii';
import { distance } from 'fastest-levenshtein';

const HONORIFICS = ['mr', 'mrs', 'ms', 'miss', 'dr', 'prof', 'sir', 'sheikh', 'shaykh', 'haji', 'hajji', 'mullah', 'maulana', 'sayyid'];
// Arabic, Romance, Germanic.
const PARTICLES = ['al', 'el', 'bin', 'ibn', 'bint', 'ben', 'de', 'del', 'della', 'der', 'den', 'van', 'von', 'da', 'di', 'du', 'la', 'le', 'y', 'the', 'of', 'and'];
const LEGAL_FORMS = [
  'ltd', 'limited', 'llc', 'inc', 'incorporated', 'co', 'corp', 'corporation', 'company', 'plc', 'llp', 'lp', 'gmbh', 'ag', 'sa',
  'sarl', 'srl', 'spa', 'bv', 'nv', 'pte', 'pvt', 'ooo', 'oao', 'zao', 'pao', 'ao', 'jsc', 'ojsc', 'cjsc', 'pjsc', 'fze', 'fzco',
  'fzc', 'fzllc', 'tov', 'doo', 'as', 'ab', 'oy', 'kg', 'group', 'holding', 'holdings',
  // Spanish, French and Russian-transliterated forms, one letter from the English ones: listed as words of their
  // own so that a typing error in them is recognised as well (CxRPORACION is two letters from CORPORATION).
  'corporacion', 'groupe', 'kholding',
];

/**
 * Words that say nothing about who a name designates: honorifics, name particles and legal-form words. They are
 * dropped before scoring (a name made only of them keeps them, so "CO LTD" still has tokens).
 */
export const NOISE_WORDS: ReadonlySet<string> = new Set([...HONORIFICS, ...PARTICLES, ...LEGAL_FORMS]);

/**
 * Legal-form words long enough that one letter changed, dropped or added still names only them: of the 19,212
 * distinct words of the shared lists, one edit from these gives no word but legal forms (GROUPE, CORPORACION and
 * KHOLDING, now listed above), whereas one edit from
 * the shorter ones gives names (SARL: Karl, Saul; CORP: Corps) and one from the honorifics gives name parts
 * (MULLAH: Ullah; SAYYID: Sayyed).
 */
const LONG_LEGAL_FORMS = LEGAL_FORMS.filter((w) => w.length >= 5).map((word) => ({ word, head: word.slice(0, 2), tail: word.slice(-2) }));

/**
 * A noise word, or a legal-form word with a typing error ("COxPANY", "HOLDIxG", "LIMITD"). Left as a word, the
 * typo would be scored against a listed name that has no such word (its legal form was dropped) and cost the
 * match: a one-letter typo in "HATKAEW COMPANY LTD" lowered it from 1 to 0.67.
 */
export function isNoise(token: string): boolean {
  if (NOISE_WORDS.has(token)) return true;
  if (token.length < 4) return false;
  // One edit in a word of five letters or more leaves its first two or its last two letters in place: a cheap
  // test that spares the edit distance for nearly every token (this runs on every word screened).
  return LONG_LEGAL_FORMS.some(({ word, head, tail }) => Math.abs(word.length - token.length) <= 1 && (token.startsWith(head) || token.endsWith(tail)) && distance(word, token) === 1);
}

/** Letters outside Latin (Cyrillic, Arabic, Hangul, Han...): romanised by any-ascii. */
const NON_LATIN = /[^\u0000-\u024f\u1e00-\u1eff]/u;

/**
 * any-ascii writes each Hangul and Han syllable capitalised and run together ("LoGwangCheol"): split them, so a
 * Korean or Chinese name yields one token per syllable, as its Latin spellings usually do.
 */
function romanise(word: string): string {
  if (!NON_LATIN.test(word)) return anyAscii(word);
  return anyAscii(word).replace(/([a-z])([A-Z])/g, '$1 $2');
}

/** Every token of a name, noise words included, in the order written. */
export function rawTokens(name: string): string[] {
  const ascii = name
    .normalize('NFKC')
    .split(/\s+/u)
    .map(romanise)
    .join(' ')
    .toLowerCase()
    // O'Brien, Qur'an: an apostrophe joins; every other mark (hyphen, comma, dot, slash) separates.
    .replace(/['`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
  return ascii === '' ? [] : ascii.split(' ');
}

/** The tokens that identify: noise words dropped unless nothing else is left. */
export function nameTokens(name: string): string[] {
  return significantTokens(rawTokens(name));
}

/** nameTokens from the raw tokens, for a caller that needs both (and so normalises the name once). */
export function significantTokens(tokens: readonly string[]): string[] {
  const significant = tokens.filter((t) => !isNoise(t));
  return significant.length > 0 ? significant : [...tokens];
}

/**
 * Consonant classes that transliterations of one sound vary between: g/k/q/c (Gwang, Kwang; Qasim, Kasim), j/z/dz,
 * v/w/f/ph/b (Vladimir, Wladimir), l/r (Lo, Ro: Korean ㄹ), t/d, s/x. A small, documented table rather than a
 * full phonetic algorithm: names here come from many languages, and Soundex-style codes are English.
 */
const DIGRAPHS: ReadonlyArray<[RegExp, string]> = [
  [/ph/g, 'f'],
  [/kh|gh|ck|ch/g, 'k'],
  [/sh|sch|zh|tch|tsh/g, 's'],
  [/th/g, 't'],
  [/dj|dzh|dz/g, 'j'],
];
const CLASS: Readonly<Record<string, string>> = {
  g: 'k', q: 'k', c: 'k', k: 'k', x: 'k',
  j: 'j', z: 's', s: 's',
  v: 'f', w: '', f: 'f', b: 'b', p: 'b',
  l: 'r', r: 'r',
  t: 't', d: 't',
  m: 'm', n: 'n',
  h: '',
};

/**
 * The phonetic key of a token: digraphs folded, vowels (and y, w, h) dropped after the first letter, consonants
 * mapped to their class, repeats collapsed. Mohammed, Muhammad, Mohamed -> "mmt" -> "mt"; Sergei, Sergey -> "srk".
 * Used to find candidates and to recognise a transliteration variant; the score still measures the spelling.
 */
export function phoneticKey(token: string): string {
  if (/^[0-9]+$/.test(token)) return token;
  let word = token;
  for (const [pattern, replacement] of DIGRAPHS) word = word.replace(pattern, replacement);
  let key = /^[aeiouy]/.test(word) ? 'a' : '';
  for (const ch of word) {
    if ('aeiouy'.includes(ch)) continue;
    const mapped = CLASS[ch] ?? ch;
    if (mapped !== '' && key[key.length - 1] !== mapped) key += mapped;
  }
  return key === '' ? word.slice(0, 1) : key;
}

/** Identifiers compare without spaces, dashes or case: "MR 123-456" equals "mr123456". */
export function normaliseIdentifier(value: string): string {
  return anyAscii(value.normalize('NFKC')).toUpperCase().replace(/[^A-Z0-9]/g, '');
}
