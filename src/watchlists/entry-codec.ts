/**
 * The watchlist entry codec: the attributes screening takes (src/screening/query-codec.ts), under the same
 * limits, plus the caller's own entry id. The single source of validation for HTTP, CLI and bulk loads. Unknown
 * fields are refused, so a misspelt "birthdate" is not silently ignored.
 */
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { fieldErrors, type FieldError } from '../../events';
import { ScreeningRequest } from '../screening';

/**
 * Watchlist and entry ids: 1 to 200 characters, no "/" (ids appear in URL paths), not "." or ".." (clients remove
 * those path segments, so such an id could never be addressed), no control or format characters: a bidirectional
 * override (U+202E) or a zero-width space would make two ids look alike, or one look like another.
 */
const isId = (u: string) => u.trim().length > 0 && u.length <= 200 && u !== '.' && u !== '..' && !/[\p{Cc}\p{Cf}/]/u.test(u);
const Id = new t.Type<string, string, unknown>(
  'an id of 1 to 200 characters, not "." or "..", without control or format characters or "/"',
  (u): u is string => typeof u === 'string',
  (u, c) => (typeof u === 'string' && isId(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);
export const WatchlistId = Id;

/** The screening attributes an entry may carry: the screening request's own field types, reused. */
const screened = ScreeningRequest.type.types;
const EntryCodec = t.exact(
  t.intersection([
    t.type({ id: Id, name: screened[0].props.name }),
    t.partial({
      kind: screened[1].props.kind,
      birthDate: screened[1].props.birthDate,
      country: screened[1].props.country,
      identifiers: screened[1].props.identifiers,
    }),
  ]),
  'WatchlistEntry',
);
export type WatchlistEntry = t.TypeOf<typeof EntryCodec>;

export const ENTRY_FIELDS = ['id', 'name', 'kind', 'birthDate', 'country', 'identifiers'] as const;

function unknownFields(value: object, allowed: readonly string[], prefix: string): FieldError[] {
  return Object.keys(value)
    .filter((k) => !allowed.includes(k))
    .map((k) => ({ path: `${prefix}${k}`, expected: `no such field (known: ${allowed.join(', ')})`, actual: 'a value' }));
}

/** One entry; `prefix` names where it sits (e.g. "entries.3.") so errors point at it. */
export function decodeEntry(input: unknown, prefix = ''): E.Either<FieldError[], WatchlistEntry> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return E.left([{ path: prefix === '' ? '(root)' : prefix.slice(0, -1), expected: 'an entry object with at least "id" and "name"', actual: Array.isArray(input) ? 'an array' : String(input === null ? 'null' : typeof input) }]);
  }
  const extra = unknownFields(input, ENTRY_FIELDS, prefix);
  const identifiers = (input as { identifiers?: unknown }).identifiers;
  if (Array.isArray(identifiers)) {
    identifiers.forEach((id, i) => {
      if (typeof id === 'object' && id !== null) extra.push(...unknownFields(id, ['type', 'value'], `${prefix}identifiers.${i}.`));
    });
  }
  const decoded = EntryCodec.decode(input);
  if (E.isLeft(decoded)) return E.left([...extra, ...fieldErrors(decoded.left).map((e) => ({ ...e, path: `${prefix}${e.path}` }))]);
  return extra.length > 0 ? E.left(extra) : E.right(decoded.right);
}

/** At most this many entries in one JSON request body; larger sets go through the streamed bulk load. */
export const MAX_ENTRIES_PER_REQUEST = 10_000;

/** A list of entries with unique ids; every bad entry and every repeated id is named. */
export function decodeEntries(input: unknown, path = 'entries'): E.Either<FieldError[], WatchlistEntry[]> {
  if (!Array.isArray(input)) return E.left([{ path, expected: 'an array of entries', actual: typeof input }]);
  if (input.length > MAX_ENTRIES_PER_REQUEST) {
    return E.left([{ path, expected: `at most ${MAX_ENTRIES_PER_REQUEST} entries per request (use the bulk load for more)`, actual: `${input.length} entries` }]);
  }
  const errors: FieldError[] = [];
  const entries: WatchlistEntry[] = [];
  const seen = new Map<string, number>();
  input.forEach((item, i) => {
    const decoded = decodeEntry(item, `${path}.${i}.`);
    if (E.isLeft(decoded)) return void errors.push(...decoded.left);
    const earlier = seen.get(decoded.right.id);
    if (earlier !== undefined) errors.push({ path: `${path}.${i}.id`, expected: `an id not already used (entry ${earlier} has it)`, actual: 'a duplicate id' });
    else seen.set(decoded.right.id, i);
    entries.push(decoded.right);
  });
  return errors.length > 0 ? E.left(errors) : E.right(entries);
}

/** What screening an entry asks: the entry without its id. */
export function queryOf(entry: WatchlistEntry) {
  const { id: _id, ...query } = entry;
  return query;
}
