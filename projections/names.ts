/**
 * Name normalisation for the lookup index: case, accents and punctuation are ignored, so "NO Kwang-chol",
 * "no kwang chol" and "Nó Kwang Chol" meet. Transliteration variants (Ro/No) are separate aliases in the lists.
 */
export function nameTokens(name: string): string[] {
  const folded = name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return folded === '' ? [] : [...new Set(folded.split(' '))];
}
