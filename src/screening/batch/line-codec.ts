/**
 * One input line of a batch: the caller's id plus the attributes of one screening (the screening request's own
 * field codecs, so a batch line is validated exactly as `POST /screenings` is). The basis (asOf, knownAt,
 * regimes, threshold, limit) is given once for the whole batch, so a line that carries one is refused by name.
 */
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { fieldErrors, type FieldError } from '../../../events';
import { ScreeningRequest } from '../query-codec';

const BatchId = new t.Type<string, string, unknown>(
  'an id of 1 to 200 characters without control characters',
  (u): u is string => typeof u === 'string',
  (u, c) => (typeof u === 'string' && u.trim().length > 0 && u.length <= 200 && !/[\u0000-\u001f\u007f]/.test(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);

const [required, optional] = ScreeningRequest.type.types;
const BatchLineCodec = t.exact(
  t.intersection([
    t.type({ id: BatchId, name: required.props.name }),
    t.partial({ kind: optional.props.kind, birthDate: optional.props.birthDate, country: optional.props.country, identifiers: optional.props.identifiers }),
  ]),
  'BatchLine',
);
export type BatchLine = t.TypeOf<typeof BatchLineCodec>;

export const LINE_FIELDS = ['id', 'name', 'kind', 'birthDate', 'country', 'identifiers'] as const;
const BASIS_FIELDS = ['asOf', 'knownAt', 'regimes', 'threshold', 'limit'];

function extraFields(value: object, allowed: readonly string[], prefix: string): FieldError[] {
  return Object.keys(value)
    .filter((k) => !allowed.includes(k))
    .map((k) => ({
      path: `${prefix}${k}`,
      expected: BASIS_FIELDS.includes(k) && prefix === '' ? 'no such field on a line (the basis is given once for the batch)' : `no such field (known: ${allowed.join(', ')})`,
      actual: 'a value',
    }));
}

/** A raw line (parsed JSON or a CSV record) -> the line, or every bad field. */
export function decodeBatchLine(input: unknown): E.Either<FieldError[], BatchLine> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return E.left([{ path: '(line)', expected: 'a JSON object with at least "id" and "name"', actual: Array.isArray(input) ? 'an array' : input === null ? 'null' : typeof input }]);
  }
  const extra = extraFields(input, LINE_FIELDS, '');
  const identifiers = (input as { identifiers?: unknown }).identifiers;
  if (Array.isArray(identifiers)) {
    identifiers.forEach((id, i) => {
      if (typeof id === 'object' && id !== null) extra.push(...extraFields(id, ['type', 'value'], `identifiers.${i}.`));
    });
  }
  const decoded = BatchLineCodec.decode(input);
  if (E.isLeft(decoded)) return E.left([...extra, ...fieldErrors(decoded.left)]);
  return extra.length > 0 ? E.left(extra) : E.right(decoded.right);
}
