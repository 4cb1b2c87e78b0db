/**
 * The follower's token bound (candidate-bound.ts) on hand-built pairings: a listed name counts for an entry only
 * through the entry positions that pair with it, so two tokens pairing with two different names do not add up.
 * Whether screening agrees is test/watchlists/candidate-keys.property.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { CandidateBound } from '../../src/watchlists/candidate-bound';

const batch = (...names: string[]) => [{ names: names.map((name) => ({ name })) }];
/** Each entry token pairs with the same listed token only (as screening pairs equal tokens). */
const sameTokens = (...tokens: string[]) => new Map(tokens.map((t) => [t, new Set([t])]));

describe('the token bound of a batch', () => {
  it('given "Ivan Petrov" listed, when an entry holds both its tokens, then it is reachable', () => {
    const bound = new CandidateBound(batch('Ivan Petrov', 'Olga Smirnova'), sameTokens('ivan', 'petrov', 'smirnova'));
    expect(bound.reachable(['ivan', 'petrov'])).toBe(true);
  });

  it('given "Ivan Petrov" and "Olga Smirnova" listed, when an entry pairs one token with each ("Ivan Smirnova"), then it is not reachable', () => {
    const bound = new CandidateBound(batch('Ivan Petrov', 'Olga Smirnova'), sameTokens('ivan', 'petrov', 'smirnova'));
    expect(bound.reachable(['ivan', 'smirnova'])).toBe(false);
  });

  it('given the same listing, when the two tokens that share a name are the entry\'s second and third, then it is reachable', () => {
    const bound = new CandidateBound(batch('Ivan Petrov', 'Olga Smirnova'), sameTokens('olga', 'ivan', 'petrov'));
    expect(bound.reachable(['olga', 'ivan', 'petrov'])).toBe(true);
  });

  it('given a one-word listed name, when an entry is that word alone, then it is reachable through its one token', () => {
    const bound = new CandidateBound(batch('Mohammed', 'Ivan Petrov'), sameTokens('mohammed', 'ivan'));
    expect(bound.reachable(['mohammed'])).toBe(true);
    expect(bound.reachable(['ivan'])).toBe(false);
  });

  it('given "Alexei Karimov" listed, when an entry holds an initial of its first name and its surname, then the initial\'s weight counts (and another first name\'s does not)', () => {
    const bound = new CandidateBound(batch('Alexei Karimov'), sameTokens('karimov'));
    expect(bound.reachable(['a', 'karimov'])).toBe(true);
    expect(bound.reachable(['boris', 'karimov'])).toBe(false);
  });
});
