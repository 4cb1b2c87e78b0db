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
