/**
 * The matcher, given/when/then, on the name shapes real lists publish. Listed names are read from the real
 * UN list in ../shared/data/lists at test time.
 */
import { resolve } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseSnapshot } from '../../src/importers/parse';
import type { Listing } from '../../src/importers/listing';
import { OPEN_DATE, OPEN_INSTANT } from '../../projections/schema';
import { DEFAULT_THRESHOLD, nameTokens, phoneticKey, prepareName, rawTokens, ScreeningIndex, scoreBound, scoreName, type ScreeningEntry } from '../../src/screening';

const score = (query: string, listed: string) => scoreName(prepareName(nameTokens(query)), prepareName(nameTokens(listed))).score;

function entry(subjectId: string, names: string[], extra: Partial<ScreeningEntry> = {}): ScreeningEntry {
  return {
    subjectId, designationId: `${subjectId}-d`, kind: 'person', authority: 'UN', regime: 'UN:DPRK', primaryName: names[0]!,
    names: names.map((name, i) => ({ name, quality: i === 0 ? 'primary' : 'alias' })), identifiers: [], birthDates: [], countries: [],
    effectiveFrom: '2000-01-01', effectiveTo: OPEN_DATE, recordedFrom: '2000-01-01T00:00:00.000Z', recordedTo: OPEN_INSTANT, ...extra,
  };
}
const ALWAYS = { asOf: '2025-01-01', knownAt: '2025-01-01T00:00:00.000Z' };

describe('name normalisation', () => {
  it('given case, diacritics, punctuation and hyphens, when normalised, then only the letters of the words remain', () => {
    expect(nameTokens('  MÜLLER-Lüdenscheidt, Hans-Jürgen ')).toEqual(['muller', 'ludenscheidt', 'hans', 'jurgen']);
  });
  it('given honorifics, particles and legal-form words, when normalised, then they are dropped unless nothing else is left', () => {
    expect(nameTokens('Dr. Ayman al-Zawahiri')).toEqual(['ayman', 'zawahiri']);
    expect(nameTokens('OOO "Rosneft Trading" LTD')).toEqual(['rosneft', 'trading']);
    expect(nameTokens('CO LTD')).toEqual(['co', 'ltd']);
  });
  it('given names in Hangul, Cyrillic and Arabic, when normalised, then they are romanised into tokens', () => {
    expect(nameTokens('로광철')).toEqual(['lo', 'gwang', 'cheol']);
    expect(nameTokens('Сергей Иванов')).toEqual(['sergey', 'ivanov']);
    expect(nameTokens('محمد')).toEqual(['mhmd']);
  });
  it('given a legal-form word of five letters or more with one letter changed, dropped or added, when normalised, then it is dropped like the word itself', () => {
    expect(nameTokens('HATKAEW COxPANY LTD.')).toEqual(['hatkaew']);
    expect(nameTokens('ECHO DELTA OLDINGS LTD')).toEqual(['echo', 'delta']);
    expect(nameTokens('CHARSO LIMITEDD')).toEqual(['charso']);
    expect(nameTokens('NORD GROUx')).toEqual(['nord']);
    // CORPORACION is one letter from CORPORATION, so it is a legal form too, and so are its own typos.
    expect(nameTokens('CxRPORACION CIMEX')).toEqual(['cimex']);
  });
  it('given a word one letter from a short legal form or from an honorific, when normalised, then it is kept: those are names', () => {
    // KARL and SAUL are one letter from SARL, ULLAH one from MULLAH, SAYYED one from SAYYID, DELTA one from DELLA.
    expect(nameTokens('Karl Saul Ullah Sayyed Delta')).toEqual(['karl', 'saul', 'ullah', 'sayyed', 'delta']);
  });
  it('given common transliteration variants, when keyed, then each family shares one phonetic key', () => {
    expect(new Set(['mohammed', 'muhammad', 'mohamed', 'mhmd'].map(phoneticKey)).size).toBe(1);
    expect(phoneticKey('sergei')).toBe(phoneticKey('sergey'));
    expect(phoneticKey('kwang')).toBe(phoneticKey('gwang'));
    expect(phoneticKey('ivanov')).not.toBe(phoneticKey('petrov'));
  });
});

describe('name score', () => {
  it('given another word order or "LAST, First", when scored, then the score is 1', () => {
    expect(score('Yong Bok Kim', 'KIM Yong Bok')).toBe(1);
    expect(score('Kim, Yong Bok', 'KIM Yong Bok')).toBe(1);
  });
  it('given a name written joined instead of hyphenated, when scored, then it is above the default threshold', () => {
    expect(score('No Kwangchol', 'NO Kwang-chol')).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
  });
  it('given a typing error or a transliteration variant, when scored, then it is above the default threshold but below 1', () => {
    for (const [query, listed] of [['Muhammad Ali Hassan', 'Mohammed Ali Hassan'], ['Sergei Ivanov', 'Sergey Ivanov'], ['Vladimir Putni', 'Vladimir Putin']]) {
      const s = score(query!, listed!);
      expect(s, `${query} vs ${listed}`).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
      expect(s).toBeLessThan(1);
    }
  });
  it('given one letter changed in a two-letter word of a longer name, when scored, then the word pairs at half credit and the name stays above the threshold', () => {
    // Given "Chol Su KANG", when its syllable Su is typed Sx (or xu), then Su/Sx pairs by spelling at 0.5.
    for (const query of ['Chol Sx KANG', 'Chol xu KANG']) {
      const scored = scoreName(prepareName(nameTokens(query)), prepareName(nameTokens('Chol Su KANG')));
      expect(scored.tokens.find((t) => t.listed === 'su')).toMatchObject({ similarity: 0.5, how: 'spelling' });
      expect(scored.score, query).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
      expect(scored.score).toBeLessThan(score('Chol Su KANG', 'Chol Su KANG'));
    }
  });
  it('given two-letter words with no letter in the same place, or a two-letter word that is the whole name, when scored, then they stay below the threshold', () => {
    // Su / Us share both letters but in other places: two edits, no pair.
    expect(scoreName(prepareName(nameTokens('Chol Us KANG')), prepareName(nameTokens('Chol Su KANG'))).tokens.map((t) => t.listed)).toEqual(['chol', 'kang']);
    // Half credit cannot carry a name of one word, nor a name whose other words differ.
    expect(score('Sx', 'Su')).toBe(0.5);
    expect(score('Kim Sx Jin', 'Pak Su Jin')).toBeLessThan(DEFAULT_THRESHOLD);
  });
  it('given names that share only one word, when scored, then they stay below the default threshold', () => {
    expect(score('Ivan Petrov', 'Ivan Sidorenko')).toBeLessThan(DEFAULT_THRESHOLD);
    expect(score('Kim Jong Un', 'Kim Yong Bok')).toBeLessThan(DEFAULT_THRESHOLD);
  });
  it('given a name and its original script, when scored, then the romanised script matches the Latin spelling', () => {
    expect(score('로광철', 'RO Kwang Chol')).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
  });
});

describe('candidate pruning', () => {
  it('given any two names, when bounded from their sizes, then the bound is never below the score (so pruning loses no match)', () => {
    const word = fc.stringMatching(/^[a-z]{1,12}$/);
    const name = fc.array(word, { minLength: 1, maxLength: 6 }).map((w) => w.join(' '));
    fc.assert(
      fc.property(name, name, (a, b) => {
        const [pa, pb] = [prepareName(nameTokens(a), rawTokens(a)), prepareName(nameTokens(b), rawTokens(b))];
        expect(scoreBound(pa, pb)).toBeGreaterThanOrEqual(scoreName(pa, pb).score - 1e-12);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('screening index', () => {
  it('given a match, when screened, then it says which listed name and which tokens matched', () => {
    const index = new ScreeningIndex([entry('ro', ['RO Kwang Chol', 'NO Kwang-chol'])]);
    const [match] = index.screen({ name: 'Kwang Chol No' }, ALWAYS);
    expect(match).toMatchObject({ subjectId: 'ro', name: 'NO Kwang-chol', nameQuality: 'alias', score: 1, why: { method: 'tokens' } });
    expect(match!.why.tokens.map((t) => [t.query, t.listed])).toEqual([['kwang', 'kwang'], ['chol', 'chol'], ['no', 'no']]);
  });
  it('given an identifier equal to a listed one, when screened under any name, then it is a strong match on its own', () => {
    const index = new ScreeningIndex([entry('ship', ['OCEAN STAR'], { kind: 'vessel', identifiers: [{ type: 'IMO', value: '9123456' }] })]);
    const [match] = index.screen({ name: 'Totally Different', identifiers: [{ type: 'imo', value: 'IMO 912-3456'.replace('IMO ', '') }] }, ALWAYS);
    expect(match).toMatchObject({ subjectId: 'ship', score: 1, why: { method: 'identifier' } });
  });
  it('given a birth year that contradicts the listing, when screened, then the score drops and the feature is named', () => {
    const index = new ScreeningIndex([entry('p', ['Ivan Petrov'], { birthDates: ['1960-05-01'] })]);
    const agreeing = index.screen({ name: 'Ivan Petrov', birthDate: '1960' }, ALWAYS)[0]!;
    const contradicting = index.screen({ name: 'Ivan Petrov', birthDate: '1985', threshold: 0 }, ALWAYS)[0]!;
    expect(agreeing.why.features).toEqual([expect.objectContaining({ feature: 'birthDate', agrees: true })]);
    expect(contradicting.score).toBeLessThan(agreeing.score);
    expect(contradicting.why.features).toEqual([expect.objectContaining({ feature: 'birthDate', agrees: false })]);
  });
  it('given a query token already looked up, when a name with a new token it pairs with is added, then the next screening finds that name', () => {
    // Given an index that has screened Ivan Petrov (the vocabulary tokens "petrov" pairs with are then kept)
    const index = new ScreeningIndex([entry('p', ['Ivan Petrov']), entry('q', ['Ivan Sidorenko'])]);
    expect(index.screen({ name: 'Ivan Petrov' }, ALWAYS).map((m) => m.subjectId)).toEqual(['p']);
    // When a subject listed as Ivan Petrova (a token the index did not hold) is added
    index.replaceSubjects(['r'], [entry('r', ['Ivan Petrova'])]);
    // Then screening Ivan Petrov again pairs "petrov" with "petrova" too
    expect(index.screen({ name: 'Ivan Petrov' }, ALWAYS).map((m) => m.subjectId)).toEqual(['p', 'r']);
  });
  it('given a kind, when screened, then subjects of other kinds are not matched', () => {
    const index = new ScreeningIndex([entry('p', ['Ocean Star']), entry('v', ['Ocean Star'], { kind: 'vessel' })]);
    expect(index.screen({ name: 'Ocean Star', kind: 'vessel' }, ALWAYS).map((m) => m.subjectId)).toEqual(['v']);
  });
});

describe('on the real UN list', () => {
  let listings: Listing[];
  let index: ScreeningIndex;
  beforeAll(async () => {
    const snapshot = await parseSnapshot('un-xml', [resolve(__dirname, '../../../shared/data/lists/un/un_consolidated_2024-09-26.xml')]);
    listings = snapshot.entries;
    index = new ScreeningIndex(
      listings.map((l) => entry(l.authorityReference, l.identity.names.map((n) => n.name), { kind: l.kind, identifiers: l.identity.identifiers ?? [] })),
    );
  }, 60_000);

  const perturbations: Record<string, (tokens: string[]) => string> = {
    'as listed': (t) => t.join(' '),
    'words reversed': (t) => [...t].reverse().join(' '),
    'LAST, First': (t) => `${t[t.length - 1]!.toUpperCase()}, ${t.slice(0, -1).join(' ')}`,
    'lower case, hyphenated': (t) => t.join('-').toLowerCase(),
  };

  it.each(Object.keys(perturbations))('given every listed primary name of two words or more, perturbed "%s", when screened, then the listing is in the top 5', (kind) => {
    const missed: string[] = [];
    let tried = 0;
    for (const listing of listings) {
      const words = listing.identity.names[0]!.name.split(/\s+/).filter(Boolean);
      if (words.length < 2) continue;
      tried++;
      const query = perturbations[kind]!(words);
      const top = index.screen({ name: query, limit: 5 }, ALWAYS).map((m) => m.subjectId);
      if (!top.includes(listing.authorityReference)) missed.push(query);
    }
    expect(tried).toBeGreaterThan(500);
    expect(missed).toEqual([]);
  });

  it('given one letter of a long listed name changed, when screened, then at least 98% are found in the top 5', () => {
    let tried = 0;
    let found = 0;
    for (const listing of listings) {
      const name = listing.identity.names[0]!.name;
      if (nameTokens(name).join('').length < 10) continue;
      const at = Math.floor(name.length / 2);
      const typo = `${name.slice(0, at)}${name[at] === 'x' ? 'y' : 'x'}${name.slice(at + 1)}`;
      tried++;
      if (index.screen({ name: typo, limit: 5 }, ALWAYS).some((m) => m.subjectId === listing.authorityReference)) found++;
    }
    expect(tried).toBeGreaterThan(500);
    expect(found / tried).toBeGreaterThanOrEqual(0.98);
  });
});
