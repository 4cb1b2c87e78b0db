/**
 * The candidate lookup against screening itself: for generated watchlist entries and listed names derived from
 * them (typos anywhere, transliteration variants, initials, names run together or split, words reordered or
 * dropped, noise words, agreeing birth dates and countries that lift a score by up to 0.08), every entry that
 * screening matches at the default threshold is among the candidates the key index returns for the listed name.
 * And the lookup is narrower than bare shared keys: an entry whose only link is a phonetic key or a prefix that
 * screening would not pair is not a candidate.
 */
import fc from 'fast-check';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScreeningIndex, type ScreeningEntry } from '../../src/screening';
import { queryOf, type WatchlistEntry } from '../../src/watchlists/entry-codec';
import { WatchlistStore } from '../../src/watchlists';
import { KEYS_VERSION } from '../../src/watchlists/watchlist-store';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 150);
const BASIS = { asOf: '2025-01-01', knownAt: '2025-01-01T00:00:00.000Z' };
const WORDS = [
  'mohammed', 'muhammad', 'mohamed', 'mahmoud', 'mohsen', 'ali', 'hassan', 'hussein', 'abdul', 'rahman', 'kim', 'chol', 'jong', 'un',
  'kwang', 'sergei', 'sergey', 'ivan', 'petrov', 'ivanov', 'olga', 'smirnova', 'john', 'smith', 'li', 'na', 'wei', 'zhang', 'maria',
  'schmidt', 'de', 'la', 'cruz', 'al', 'qubaysi', 'x', 'joseph', 'yusuf', 'bin', 'laden', 'o', 'brien',
];
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

const word = fc.oneof(fc.constantFrom(...WORDS), fc.stringMatching(/^[a-z]{1,9}$/));
const baseName = fc.array(word, { minLength: 1, maxLength: 4 });

/** One edit of a token at any position (the first letters included): substitute, delete, insert or swap. */
const typo = (token: string, at: number, letter: string, kind: number): string => {
  const i = at % Math.max(1, token.length);
  if (kind === 0) return token.slice(0, i) + letter + token.slice(i + 1);
  if (kind === 1) return token.length > 1 ? token.slice(0, i) + token.slice(i + 1) : token;
  if (kind === 2) return token.slice(0, i) + letter + token.slice(i);
  return i + 1 < token.length ? token.slice(0, i) + token[i + 1] + token[i] + token.slice(i + 2) : token;
};

const mutation = fc.record({
  kind: fc.constantFrom('typo', 'initial', 'join', 'split', 'reverse', 'drop', 'add', 'noise', 'variant', 'none'),
  at: fc.nat(20),
  letter: fc.constantFrom(...LETTERS),
  edit: fc.nat(3),
  extra: word,
});

function mutate(tokens: string[], m: { kind: string; at: number; letter: string; edit: number; extra: string }): string[] {
  const i = m.at % tokens.length;
  const out = [...tokens];
  switch (m.kind) {
    case 'typo': out[i] = typo(out[i]!, m.at, m.letter, m.edit); return out;
    case 'initial': out[i] = out[i]!.slice(0, 1); return out;
    case 'join': return i + 1 < out.length ? [...out.slice(0, i), out[i]! + out[i + 1]!, ...out.slice(i + 2)] : out;
    case 'split': return out[i]!.length > 3 ? [...out.slice(0, i), out[i]!.slice(0, 2 + (m.at % (out[i]!.length - 2))), out[i]!.slice(2 + (m.at % (out[i]!.length - 2))), ...out.slice(i + 1)] : out;
    case 'reverse': return out.reverse();
    case 'drop': return out.length > 1 ? out.filter((_, j) => j !== i) : out;
    case 'add': return [...out, m.extra];
    case 'noise': return ['al', ...out];
    case 'variant': out[i] = out[i]!.replace(/o/g, 'u').replace(/e/g, 'a').replace(/k/g, 'q'); return out;
    default: return out;
  }
}

const features = fc.record({ birthDate: fc.option(fc.constantFrom('1970', '1970-05-01', '1981'), { nil: undefined }), country: fc.option(fc.constantFrom('RU', 'IR', 'KP'), { nil: undefined }) });

const listed = (name: string, i: number, extra: { birthDate?: string | undefined; country?: string | undefined }, identifiers: ScreeningEntry['identifiers'] = []): ScreeningEntry => ({
  subjectId: `s${i}`, designationId: `d${i}`, kind: 'person', authority: 'EU', regime: 'EU:RUS', primaryName: name,
  names: [{ name, quality: 'primary' }], identifiers, birthDates: extra.birthDate === undefined ? [] : [extra.birthDate], countries: extra.country === undefined ? [] : [extra.country],
  effectiveFrom: '2020-01-01', effectiveTo: '9999-12-31', recordedFrom: '2020-01-01T00:00:00.000Z', recordedTo: '9999-12-31T23:59:59.999Z',
});

/** A listed name derived from an entry's by a few mutations, its features agreeing or not. */
const pair = fc.record({ base: baseName, mutations: fc.array(mutation, { maxLength: 3 }), entryFeatures: features, listedFeatures: features, sameFeatures: fc.boolean(), identifier: fc.boolean() });

describe('candidate keys against screening', () => {
  it('given generated entries and listed names, when screening matches an entry at the default threshold, then the key index returned it as a candidate', () => {
    let matchedPairs = 0;
    fc.assert(
      fc.property(fc.array(pair, { minLength: 1, maxLength: 12 }), (pairs) => {
        const store = WatchlistStore.open(':memory:');
        try {
          store.create('w');
          const entries: WatchlistEntry[] = pairs.map((p, i) => ({
            id: `e${i}`,
            name: p.base.join(' '),
            ...(p.entryFeatures.birthDate === undefined ? {} : { birthDate: p.entryFeatures.birthDate }),
            ...(p.entryFeatures.country === undefined ? {} : { country: p.entryFeatures.country }),
            ...(p.identifier ? { identifiers: [{ type: 'passport', value: `P-${i}000` }] } : {}),
          }));
          store.transaction(() => entries.forEach((e) => store.putEntry('w', e)));
          const segments = pairs.map((p, i) =>
            listed(p.mutations.reduce(mutate, p.base).join(' '), i, p.sameFeatures ? p.entryFeatures : p.listedFeatures, p.identifier ? [{ type: 'passport', value: `p ${i}000` }] : []),
          );
          // The follower looks up a whole batch's names at once: its candidates must cover every name's matches too.
          const ofBatch = new Set(store.candidatesOf(segments).map((c) => c.entry.id));
          for (const segment of segments) {
            const name = segment.primaryName;
            const candidates = new Set(store.candidatesOf([segment]).map((c) => c.entry.id));
            const local = new ScreeningIndex([segment]);
            for (const entry of entries) {
              if (local.screen(queryOf(entry), BASIS).length === 0) continue;
              matchedPairs += 1;
              expect(candidates, `entry "${entry.name}" matched by listed "${name}"`).toContain(entry.id);
              expect(ofBatch, `entry "${entry.name}" matched by listed "${name}" in a batch`).toContain(entry.id);
            }
          }
        } finally {
          store.close();
        }
      }),
      { numRuns: RUNS },
    );
    // The generator must produce matches, or the property says nothing.
    expect(matchedPairs).toBeGreaterThan(RUNS);
  });

  it('given entries sharing only a phonetic key or a prefix with a listed name, when candidates are looked up, then screening\'s pairing decides: only those it pairs come back', () => {
    const store = WatchlistStore.open(':memory:');
    try {
      store.create('w');
      // Given Mahmoud (phonetic key "mt" like Mohammed) and Mohsen (prefix "moh"): screening pairs neither with Mohammed,
      // so with only Yazdi paired neither can reach the threshold
      const names = { variant: 'Muhammad Yazdi', sameKey: 'Mahmoud Yazdi', samePrefix: 'Mohsen Yazdi', unrelated: 'Olga Smirnova' };
      store.transaction(() => Object.entries(names).forEach(([id, name]) => store.putEntry('w', { id, name })));
      // When the candidates of a listed Mohammed are looked up
      const found = store.candidatesOf([listed('Mohammed Yazdi', 0, {})]).map((c) => c.entry.id);
      // Then only the transliteration variant comes back
      expect(found).toEqual(['variant']);
    } finally {
      store.close();
    }
  });

  it('given entries sharing only a name or an initial with a listed name, when candidates are looked up, then those that cannot reach the threshold are not candidates', () => {
    const store = WatchlistStore.open(':memory:');
    try {
      store.create('w');
      // Given 200 entries whose first names start with the listed initial, one sharing the surname as well
      const entries = Array.from({ length: 200 }, (_, i) => ({ id: `e${i}`, name: `Anna${'bcdefghij'[i % 9]} Qux${i}` }));
      store.transaction(() => [...entries, { id: 'hit', name: 'Alexei Karimov' }, { id: 'surname', name: 'Boris Karimov' }].forEach((e) => store.putEntry('w', e)));
      // When the candidates of a listed "A Karimov" are looked up
      const found = store.candidatesOf([listed('A Karimov', 0, {})]).map((c) => c.entry.id);
      // Then only the entry whose both tokens pair is one: a shared surname or initial alone is too little weight
      expect(found).toEqual(['hit']);
      // And screening agrees: it matches the candidate and none of the others
      const local = new ScreeningIndex([listed('A Karimov', 0, {})]);
      expect(local.screen({ name: 'Alexei Karimov' }, BASIS)).toHaveLength(1);
      expect(local.screen({ name: 'Boris Karimov' }, BASIS)).toHaveLength(0);
    } finally {
      store.close();
    }
  });

  it('given a file whose key index has older keys, when it is opened, then the index is rebuilt from the entries', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'candidate-keys-')), 'watchlists.db');
    const old = WatchlistStore.open(path);
    old.create('w');
    old.transaction(() => old.putEntry('w', { id: 'a', name: 'Ivan Petrov' }));
    // Given keys of an older version (as the committed k:/p: keys were), which the lookup no longer reads
    old.db.exec("DELETE FROM entry_keys; DELETE FROM token_keys; INSERT INTO entry_keys VALUES ('k:afn', 'w', 'a'); PRAGMA user_version = 1;");
    expect(old.candidatesOf([listed('Ivan Petrov', 0, {})])).toEqual([]);
    old.close();
    // When the file is opened again
    const reopened = WatchlistStore.open(path);
    try {
      // Then the current keys find the entry
      expect(reopened.candidatesOf([listed('Ivan Petrov', 0, {})]).map((c) => c.entry.id)).toEqual(['a']);
      expect(reopened.db.pragma('user_version', { simple: true })).toBe(KEYS_VERSION);
    } finally {
      reopened.close();
    }
  });
});
