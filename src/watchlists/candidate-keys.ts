/**
 * Candidate lookup for the follower: which watchlist entries screening could match with a listed name, found
 * through an index, not a scan, and no broader than screening's own candidate search. Pure.
 *
 * The screening index (src/screening/candidate-index.ts) finds a listed name for a query only in two ways: a
 * query token PAIRS with a listed token (they share a lookup key AND tokenSimilarity accepts the pair), or the
 * names run together start alike (joined key). Identifiers match by value. So an entry is a candidate when:
 * - one of its tokens pairs with a listed token the same way: the index keeps each distinct entry token under
 *   the keys the screening index looks it up by (its own `lookupKeys`: `tokenProbeKeys`, in token_keys), a listed token probes
 *   with the keys the screening index stores it under (`listedTokenKeys`), and each token found is kept only if
 *   tokenSimilarity pairs it with that listed token; the entries holding a kept token follow (from the tokens
 *   kept in memory, entry-token-index.ts; the `t:<token>` rows only say which tokens some entry still holds);
 * - or its joined key is one of the listed name's (`j:`), or an identifier equals (`i:`).
 * That is a superset of what screening can find (it also skips its commonest query tokens), so no entry it could
 * match is missed; and, unlike bare keys, a shared phonetic key or prefix alone (Mohammed / Mahmoud / Mohsen) no
 * longer makes a candidate. test/watchlists/candidate-keys.property.test.ts checks both against screening.
 * The store then bounds the token candidates as screening bounds its own (candidate-bound.ts).
 * Keys and entries.tokens are stored: a change to screening's normalisation or keys must raise KEYS_VERSION
 * (watchlist-store.ts), which re-derives them for every entry when a file is opened.
 */
import { nameTokens, normaliseIdentifier, phoneticKey, rawTokens } from '../screening';
import { lookupKeys } from '../screening/candidate-index';
import { tokenSimilarity } from '../screening/score';
import type { JoinedReading } from './entry-token-index';

/** The keys screening looks a query (entry) token's partners up by; an initial also finds listed initials of its letter. */
export const tokenProbeKeys = (token: string): string[] => (token.length === 1 ? [`i:${token}`] : [...lookupKeys(token), `i:${token[0]}`]);

/** The keys screening stores a listed token under. */
export const listedTokenKeys = (token: string): string[] => (token.length === 1 ? [`i:${token}`] : lookupKeys(token));

export const joinedKey = (joined: string) => `j:${joined.slice(0, 4)}`;
export const isJoinedKey = (key: string) => key.startsWith('j:');
const tokenKey = (token: string) => `t:${token}`;

/** Identifiers shorter than 3 characters are not matched by screening (features.ts), so they get no key. */
export function identifierKey(value: string): string | undefined {
  const normalised = normaliseIdentifier(value);
  return normalised.length < 3 ? undefined : `i:${normalised}`;
}

export interface EntryKeys {
  /** The entry's rows in entry_keys: its tokens, its joined key, its identifiers. */
  readonly keys: string[];
  /** Its distinct name tokens, each to be kept in token_keys under `tokenProbeKeys`. */
  readonly tokens: string[];
  /** Its name tokens in order, repeats kept (entries.tokens): what the candidate bound weighs. */
  readonly nameTokens: string[];
  /** Every token of its name, noise words included (entries.raw_tokens), when it has name tokens: its joined reading. */
  readonly rawTokens: string[];
}

/**
 * An entry's name run together, as its joined key files it and as the joined bound compares it: from its raw
 * tokens (entries.raw_tokens when read back), so that the key in memory is the one in entry_keys.
 */
export function joinedReading(raw: readonly string[]): JoinedReading {
  const joined = raw.join('');
  return { key: joinedKey(joined), words: raw.length, length: joined.length };
}

export function entryKeys(entry: { readonly name: string; readonly identifiers?: ReadonlyArray<{ readonly value: string }> }): EntryKeys {
  const all = nameTokens(entry.name);
  const tokens = [...new Set(all)];
  const keys = new Set(tokens.map(tokenKey));
  // No name token, no joined key: such an entry can match by an identifier only.
  const raw = tokens.length > 0 ? rawTokens(entry.name) : [];
  if (raw.length > 0) keys.add(joinedReading(raw).key);
  for (const id of entry.identifiers ?? []) {
    const key = identifierKey(id.value);
    if (key !== undefined) keys.add(key);
  }
  return { keys: [...keys], tokens, nameTokens: all, rawTokens: raw };
}

/** What listed segments look up: token probes (key -> the listed tokens stored under it) and direct entry keys. */
export interface ListedProbe {
  readonly tokenProbes: ReadonlyMap<string, readonly string[]>;
  readonly direct: readonly string[];
}

type Segment = { readonly names: ReadonlyArray<{ readonly name: string }>; readonly identifiers: ReadonlyArray<{ readonly value: string }> };

export function listedProbe(segments: readonly Segment[]): ListedProbe {
  const tokenProbes = new Map<string, Set<string>>();
  const direct = new Set<string>();
  for (const segment of segments) {
    for (const { name } of segment.names) {
      const tokens = nameTokens(name);
      if (tokens.length === 0) continue;
      for (const token of tokens) {
        for (const key of listedTokenKeys(token)) {
          const holders = tokenProbes.get(key) ?? new Set<string>();
          holders.add(token);
          tokenProbes.set(key, holders);
        }
      }
      // The screening index files a listed name under its joined key in both word orders.
      direct.add(joinedKey(rawTokens(name).join('')));
      direct.add(joinedKey([...tokens].reverse().join('')));
    }
    for (const { value } of segment.identifiers) {
      const key = identifierKey(value);
      if (key !== undefined) direct.add(key);
    }
  }
  return { tokenProbes: new Map([...tokenProbes].map(([k, v]) => [k, [...v]])), direct: [...direct] };
}

/**
 * Screening's pairing of entry tokens with listed tokens, given the entry tokens found under the probe keys (rows
 * of token_keys): entry token -> the listed tokens filed under one of its keys that tokenSimilarity pairs it with.
 * A token without a partner is not in the map.
 */
export function tokenPartners(probe: ListedProbe, found: ReadonlyArray<{ readonly key: string; readonly token: string }>): Map<string, Set<string>> {
  const partners = new Map<string, Set<string>>();
  const phonetic = new Map<string, string>();
  const keyOf = (token: string) => phonetic.get(token) ?? phonetic.set(token, phoneticKey(token)).get(token)!;
  for (const { key, token } of found) {
    for (const listed of probe.tokenProbes.get(key) ?? []) {
      if (partners.get(token)?.has(listed)) continue;
      if (tokenSimilarity(token, keyOf(token), listed, keyOf(listed)) === undefined) continue;
      const set = partners.get(token) ?? new Set<string>();
      set.add(listed);
      partners.set(token, set);
    }
  }
  return partners;
}
