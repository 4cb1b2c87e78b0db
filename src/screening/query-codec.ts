/**
 * The screening request and receipt codecs: the single source of validation for HTTP and CLI. Unknown fields are
 * refused (a misspelt "treshold" must not silently screen at the default).
 */
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { fieldErrors, type FieldError, hasVisibleCharacter, Instant, IsoDate, QueryDate, Regime, SubjectKind } from '../../events';

export const MAX_NAME_LENGTH = 500;
export const MAX_LIMIT = 100;

const ScreenedName = new t.Type<string, string, unknown>(
  'a name of 1 to 500 characters, at least one of them visible, without control characters',
  (u): u is string => typeof u === 'string',
  (u, c) =>
    // A name of zero-width, bidi or combining characters only would screen as nothing: it is not a name.
    typeof u === 'string' && hasVisibleCharacter(u) && u.length <= MAX_NAME_LENGTH && !/[\u0000-\u001f\u007f]/.test(u) ? t.success(u) : t.failure(u, c),
  t.identity,
);
const BirthDate = new t.Type<string, string, unknown>(
  'a year YYYY, YYYY-MM or a calendar date YYYY-MM-DD',
  (u): u is string => typeof u === 'string',
  (u, c) => (typeof u === 'string' && (/^\d{4}(-(0[1-9]|1[0-2]))?$/.test(u) || IsoDate.is(u)) ? t.success(u) : t.failure(u, c)),
  t.identity,
);
const Country = new t.Type<string, string, unknown>(
  'a country code or name of 2 to 60 characters',
  (u): u is string => typeof u === 'string',
  (u, c) => (typeof u === 'string' && u.trim().length >= 2 && u.length <= 60 && !/[\u0000-\u001f]/.test(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);
const Bounded = (name: string, min: number, max: number, integer: boolean) =>
  new t.Type<number, number, unknown>(
    name,
    (u): u is number => typeof u === 'number',
    (u, c) => (typeof u === 'number' && Number.isFinite(u) && u >= min && u <= max && (!integer || Number.isInteger(u)) ? t.success(u) : t.failure(u, c)),
    t.identity,
  );
const ShortText = new t.Type<string, string, unknown>(
  'text of 1 to 100 characters',
  (u): u is string => typeof u === 'string',
  (u, c) => (typeof u === 'string' && u.trim().length > 0 && u.length <= 100 ? t.success(u) : t.failure(u, c)),
  t.identity,
);

export const ScreeningIdentifier = t.exact(t.intersection([t.type({ value: ShortText }), t.partial({ type: ShortText })]), 'ScreeningIdentifier');

export const ScreeningRequest = t.exact(
  t.intersection([
    t.type({ name: ScreenedName }),
    t.partial({
      kind: SubjectKind,
      birthDate: BirthDate,
      country: Country,
      identifiers: t.array(ScreeningIdentifier),
      asOf: QueryDate,
      knownAt: Instant,
      regimes: t.array(Regime),
      threshold: Bounded('a number from 0 to 1', 0, 1, false),
      limit: Bounded(`an integer from 1 to ${MAX_LIMIT}`, 1, MAX_LIMIT, true),
    }),
  ]),
  'ScreeningRequest',
);
export type ScreeningRequest = t.TypeOf<typeof ScreeningRequest>;

export const REQUEST_FIELDS = ['name', 'kind', 'birthDate', 'country', 'identifiers', 'asOf', 'knownAt', 'regimes', 'threshold', 'limit'] as const;

/** Field names present in `value` that `allowed` does not list, as field errors. */
function unknownFields(value: unknown, allowed: readonly string[], prefix = ''): FieldError[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.keys(value)
    .filter((k) => !allowed.includes(k))
    .map((k) => ({ path: `${prefix}${k}`, expected: `no such field (known: ${allowed.join(', ')})`, actual: 'a value' }));
}

export function decodeScreeningRequest(input: unknown): E.Either<FieldError[], ScreeningRequest> {
  const extra = unknownFields(input, REQUEST_FIELDS);
  const identifiers = (input as { identifiers?: unknown } | null)?.identifiers;
  if (Array.isArray(identifiers)) identifiers.forEach((id, i) => extra.push(...unknownFields(id, ['type', 'value'], `identifiers.${i}.`)));
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return E.left([{ path: '(root)', expected: 'a JSON object with at least "name"', actual: Array.isArray(input) ? 'an array' : typeof input }]);
  }
  const decoded = ScreeningRequest.decode(input);
  if (E.isLeft(decoded)) return E.left([...extra, ...fieldErrors(decoded.left)]);
  return extra.length > 0 ? E.left(extra) : E.right(decoded.right);
}
