/** A receipt presented for verification holds its own fields only: anything beside them is outside the seal. */
import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import { decodeReceipt, seal } from '../../src/screening';

const receipt = seal({
  basis: { asOf: '2024-12-16', knownAt: '2024-12-16T10:00:00.000Z', position: '0000000000000009' },
  query: { name: 'No Kwang-chol' },
  algorithm: { name: 'ledger-token-set', version: '1.1.0' },
  threshold: 0.85,
  limit: 10,
  matches: [],
});

describe('decoding a receipt to verify', () => {
  it('given an intact receipt, when decoded, then it is accepted as presented', () => {
    expect(decodeReceipt(JSON.parse(JSON.stringify(receipt)))).toEqual(E.right(receipt));
  });

  it('given a field added beside the sealed ones, when decoded, then it is refused naming that field', () => {
    // The seal is over basis, query, algorithm, threshold, limit and matches: "approvedBy" would pass as verified.
    const decoded = decodeReceipt({ ...receipt, approvedBy: 'compliance officer' });
    expect(E.isLeft(decoded) && decoded.left.map((e) => e.path)).toEqual(['approvedBy']);
  });
});
