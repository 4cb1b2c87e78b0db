/**
 * Candidate keys of a name: the same postings the screening index uses (src/screening/screening-index.ts):
 * each token's phonetic key, each token's 3-letter prefix and that of adjacent tokens run together. A watchlist
 * name and a listed name that share no key are never scored by the screening index either, so looking up the
 * listed names' keys in the watchlist's key index finds every entry screening could match. Identifiers key on
 * their normalised value. Pure.
 */
import { nameTokens, normaliseIdentifier, phoneticKey } from '../screening';

export function nameKeys(name: string): Set<string> {
  const tokens = nameTokens(name);
  const keys = new Set<string>();
  tokens.forEach((token, i) => {
    keys.add(`k:${phoneticKey(token)}`);
    keys.add(`p:${token.slice(0, 3)}`);
    const next = tokens[i + 1];
    if (next !== undefined) keys.add(`p:${(token + next).slice(0, 3)}`);
  });
  return keys;
}

/** Identifiers shorter than 3 characters are not matched by screening (features.ts), so they get no key. */
export function identifierKey(value: string): string | undefined {
  const normalised = normaliseIdentifier(value);
  return normalised.length < 3 ? undefined : `i:${normalised}`;
}

export function entryKeys(entry: { readonly name: string; readonly identifiers?: ReadonlyArray<{ readonly value: string }> }): string[] {
  const keys = nameKeys(entry.name);
  for (const id of entry.identifiers ?? []) {
    const key = identifierKey(id.value);
    if (key !== undefined) keys.add(key);
  }
  return [...keys];
}
