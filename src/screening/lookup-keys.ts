/**
 * The keys a token is filed and looked up under in the screening vocabulary (vocabulary.ts), and in the watchlist
 * key index (src/watchlists/candidate-keys.ts): both must look tokens up alike. A query token is compared only
 * with the tokens filed under a key it probes. Pure.
 */
import { phoneticKey } from './normalise';

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

/** What a token is filed under: an initial only under its letter (a query word of that letter finds it there). */
export const filedKeys = (token: string): string[] => (token.length === 1 ? [initialKey(token)] : lookupKeys(token));

/** What a token looks up: its own keys, and the initials of its first letter. An initial only looks up initials. */
export const probeKeys = (token: string): string[] => (token.length === 1 ? [initialKey(token)] : [...lookupKeys(token), initialKey(token[0]!)]);

const initialKey = (letter: string) => `i:${letter}`;
