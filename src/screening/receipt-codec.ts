/** Validates a receipt presented for verification: its shape, and its query as a screening request. */
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { fieldErrors, type FieldError, Instant, IsoDate } from '../../events';
import { decodeScreeningRequest } from './query-codec';
import type { Receipt } from './receipt';
import type { ScreeningMatch } from './types';

const ReceiptShape = t.type({
  basis: t.type({ asOf: IsoDate, knownAt: Instant, position: t.union([t.string, t.null]) }),
  query: t.UnknownRecord,
  algorithm: t.type({ name: t.string, version: t.string }),
  threshold: t.number,
  limit: t.number,
  matches: t.array(t.type({ subjectId: t.string, designationId: t.string, score: t.number })),
  sha256: t.string,
});

const RECEIPT_FIELDS = Object.keys(ReceiptShape.props);

export function decodeReceipt(input: unknown): E.Either<FieldError[], Receipt> {
  // The seal covers the receipt's own fields only: a field added beside them would be presented as verified.
  const extra = typeof input === 'object' && input !== null && !Array.isArray(input) ? Object.keys(input).filter((k) => !RECEIPT_FIELDS.includes(k)) : [];
  if (extra.length > 0) {
    return E.left(extra.map((k) => ({ path: k, expected: `no such field: a receipt holds ${RECEIPT_FIELDS.join(', ')}, and only those are sealed`, actual: 'a value' })));
  }
  const shape = ReceiptShape.decode(input);
  if (E.isLeft(shape)) return E.left(fieldErrors(shape.left));
  if ('asOf' in shape.right.query || 'knownAt' in shape.right.query) {
    return E.left([{ path: 'query', expected: 'a query without asOf or knownAt (they belong to basis)', actual: 'asOf or knownAt' }]);
  }
  const query = decodeScreeningRequest(shape.right.query);
  if (E.isLeft(query)) return E.left(query.left.map((e) => ({ ...e, path: `query.${e.path}` })));
  // The original object, not the decoded one: the hash is over exactly what was presented.
  return E.right({ ...(input as Receipt), matches: shape.right.matches as unknown as ScreeningMatch[] });
}
