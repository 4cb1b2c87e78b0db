/**
 * Guesses the ISO 15924 script of a name from its letters, so original-script names carry a script code even
 * when the publisher does not say which script it is (UN NAME_ORIGINAL_SCRIPT, UK NonLatinNames).
 */
const SCRIPTS: ReadonlyArray<readonly [code: string, re: RegExp]> = [
  ['Latn', /\p{Script=Latin}/u],
  ['Arab', /\p{Script=Arabic}/u],
  ['Cyrl', /\p{Script=Cyrillic}/u],
  ['Hang', /\p{Script=Hangul}/u],
  ['Hani', /\p{Script=Han}/u],
  ['Hira', /\p{Script=Hiragana}/u],
  ['Kana', /\p{Script=Katakana}/u],
  ['Grek', /\p{Script=Greek}/u],
  ['Hebr', /\p{Script=Hebrew}/u],
  ['Thai', /\p{Script=Thai}/u],
  ['Geor', /\p{Script=Georgian}/u],
  ['Armn', /\p{Script=Armenian}/u],
  ['Ethi', /\p{Script=Ethiopic}/u],
  ['Deva', /\p{Script=Devanagari}/u],
  ['Mymr', /\p{Script=Myanmar}/u],
  ['Khmr', /\p{Script=Khmer}/u],
];

/** Dominant script of the letters in s; mixed Hangul+Han is Korean ('Kore'), Han+kana Japanese ('Jpan'). */
export function detectScript(s: string): string | undefined {
  if (/^[\x00-\x7f]*$/.test(s)) return /[A-Za-z]/.test(s) ? 'Latn' : undefined;
  const counts = new Map<string, number>();
  for (const ch of s) {
    if (!/\p{L}/u.test(ch)) continue;
    const hit = SCRIPTS.find(([, re]) => re.test(ch));
    const code = hit?.[0] ?? 'Zyyy';
    counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  if (counts.has('Hang') && counts.has('Hani')) return 'Kore';
  if (counts.has('Hani') && (counts.has('Hira') || counts.has('Kana'))) return 'Jpan';
  let best: string | undefined;
  let bestCount = 0;
  for (const [code, n] of [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (n > bestCount) [best, bestCount] = [code, n];
  }
  return best === 'Zyyy' ? undefined : best;
}
