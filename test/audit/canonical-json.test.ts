import fc from 'fast-check';
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/audit/canonical-json';

const reference = canonicalize as unknown as (value: unknown) => string;

describe('canonical JSON (RFC 8785)', () => {
  it('matches the reference implementation on generated JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(reference(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('matches it on any UTF-16 text too: controls, quotes, backslashes, unpaired surrogates', () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'binary' }), fc.string({ unit: 'binary' }), (value, key) => {
        expect(canonicalJson({ [key]: value, [`${key}"\\`]: key })).toBe(reference({ [key]: value, [`${key}"\\`]: key }));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes objects of one shape the same whatever order their keys were set in, and as many shapes as come', () => {
    // Key orders are planned once per shape (see MemberPlan): objects that share keys, or only a first key, must
    // not borrow each other's plan, also beyond the number of shapes it keeps.
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ maxLength: 3 }), { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { minLength: 1 }), (keys, order) => {
        const shuffled = keys.map((key, i) => [key, order[i % order.length]! + i] as const).sort((a, b) => a[1] - b[1]);
        const forwards = Object.fromEntries(keys.map((key, i) => [key, i]));
        const reordered = Object.fromEntries(shuffled.map(([key]) => [key, forwards[key]]));
        const subset = Object.fromEntries(keys.slice(1).map((key) => [key, true]));
        expect(canonicalJson(reordered)).toBe(reference(forwards));
        expect(canonicalJson(forwards)).toBe(reference(forwards));
        expect(canonicalJson(subset)).toBe(reference(subset));
        expect(canonicalJson({ ...forwards, extra: [forwards] })).toBe(reference({ ...forwards, extra: [forwards] }));
      }),
      { numRuns: 3000 },
    );
    const sameFirstKey = Array.from({ length: 40 }, (_, n) => ({ a: n, [`k${n}`]: n, ...(n % 2 ? { b: 1 } : {}) }));
    for (const value of sameFirstKey) expect(canonicalJson(value)).toBe(reference(value));
  });

  it('sorts keys by UTF-16 code units and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], é: 2, Z: { y: undefined, x: 1.5 } })).toBe('{"Z":{"x":1.5},"a":[true,null,"x"],"b":1,"é":2}');
  });

  it('formats numbers as ECMAScript does', () => {
    expect(canonicalJson([1e21, 1e-7, -0, 0.1 + 0.2, 333333333.3333333])).toBe('[1e+21,1e-7,0,0.30000000000000004,333333333.3333333]');
  });

  it('refuses values with no JSON form', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson({ p: 10n })).toThrow(/bigint/);
  });
});
