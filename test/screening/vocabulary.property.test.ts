/**
 * The screening vocabulary's partners (src/screening/vocabulary.ts) are what a search of the whole vocabulary
 * finds, however the tokens arrived: each listed token's partners are found when it is added and kept complete as
 * later tokens arrive, which relies on tokenSimilarity being symmetric (a pair is judged once, when its later token
 * arrives). Small alphabets, so that tokens share lookup keys, initials and one-letter edits often.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { filedKeys, probeKeys } from '../../src/screening/lookup-keys';
import { phoneticKey } from '../../src/screening/normalise';
import { tokenSimilarity } from '../../src/screening/score';
import { Vocabulary } from '../../src/screening/vocabulary';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);
const token = fc.string({ unit: fc.constantFrom('a', 'o', 'b', 'p', 'k', 'g', 'm', 'r', 'l', 's', 'h'), minLength: 1, maxLength: 8 });

/** A token and another one or two edits away (or unrelated): pairs that do and do not pair. */
const tokenPair = fc.tuple(token, fc.array(fc.tuple(fc.nat(8), fc.constantFrom('a', 'o', 'k', 'g', 'r', 'l', '')), { maxLength: 2 }), token, fc.boolean()).map(([a, edits, other, related]) => {
  if (!related) return [a, other] as const;
  let b = a;
  for (const [at, letter] of edits) b = `${b.slice(0, at % (b.length + 1))}${letter}${b.slice((at % (b.length + 1)) + 1)}`;
  return [a, b === '' ? a : b] as const;
});

/** What a search of every vocabulary token through the lookup keys finds for `q`: id -> similarity. */
function searched(vocabulary: readonly string[], q: string): Map<number, number> {
  const probes = new Set(probeKeys(q));
  const found = new Map<number, number>();
  vocabulary.forEach((listed, v) => {
    if (!filedKeys(listed).some((k) => probes.has(k))) return;
    const pair = tokenSimilarity(q, phoneticKey(q), listed, phoneticKey(listed));
    if (pair !== undefined) found.set(v, pair.similarity);
  });
  return found;
}

const asMap = (partners: { ids: readonly number[]; similarities: readonly number[] }) => new Map(partners.ids.map((v, i) => [v, partners.similarities[i]!]));

describe('the screening vocabulary', () => {
  it('given two tokens, when judged both ways, then tokenSimilarity gives the same similarity (the vocabulary judges a pair once)', () => {
    fc.assert(
      fc.property(tokenPair, ([a, b]) => {
        expect(tokenSimilarity(a, phoneticKey(a), b, phoneticKey(b))?.similarity).toBe(tokenSimilarity(b, phoneticKey(b), a, phoneticKey(a))?.similarity);
      }),
      { numRuns: RUNS * 10 },
    );
  });

  it('given tokens added one by one, when any token is looked up, then its partners are what a search of the whole vocabulary finds', () => {
    fc.assert(
      fc.property(fc.array(token, { minLength: 1, maxLength: 40 }), fc.array(token, { maxLength: 5 }), (added, outside) => {
        const vocabulary = new Vocabulary();
        const distinct: string[] = [];
        for (const t of added) {
          if (!distinct.includes(t)) distinct.push(t);
          expect(vocabulary.add(t)).toBe(distinct.indexOf(t));
        }
        for (const q of [...distinct, ...outside]) expect(asMap(vocabulary.partners(q, phoneticKey(q)))).toEqual(searched(distinct, q));
      }),
      { numRuns: RUNS },
    );
  });

  it('given a word outside the vocabulary looked up, when a token it pairs with is added, then the next look-up finds that token', () => {
    const vocabulary = new Vocabulary();
    vocabulary.add('petrov');
    expect(vocabulary.partners('petrof', phoneticKey('petrof')).ids).toEqual([0]);
    vocabulary.add('petrova');
    expect([...vocabulary.partners('petrof', phoneticKey('petrof')).ids].sort()).toEqual([0, 1]);
  });
});
