/**
 * Primitive codecs shared by every event: calendar dates, instants, identifiers, authorities and regimes.
 * Each codec is the single source of truth for both the runtime check and the static type.
 */
import * as t from 'io-ts';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when y-m-d names a real day of the proleptic Gregorian calendar (2024-02-30 does not). */
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Gregorian leap years; plain arithmetic, because Date.UTC maps years 0-99 to 1900-1999. */
function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function isRealCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
  return day <= daysInMonth;
}

export interface IsoDateBrand {
  readonly IsoDate: unique symbol;
}
/** A calendar date, `YYYY-MM-DD`, no time zone: the effective time of DESIGN.md section 4. */
export const IsoDate = t.brand(
  t.string,
  (s): s is t.Branded<string, IsoDateBrand> => {
    const m = ISO_DATE.exec(s);
    return m !== null && isRealCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
  },
  'IsoDate',
);
export type IsoDate = t.TypeOf<typeof IsoDate>;

/**
 * The read models store an open end as 9999-12-31, so that day cannot be a real date: commands and query
 * parameters refuse dates from it on (stored events are still read as they are).
 */
export const DATE_CEILING = '9999-12-31';
export const isBeforeDateCeiling = (date: string): boolean => date < DATE_CEILING;

/** What a query's date must be, in the words every interface (HTTP, CLI, screening) refuses others with. */
export const QUERY_DATE_EXPECTED = `a real calendar date YYYY-MM-DD before ${DATE_CEILING} (that day marks an open end)`;
/** The day a query is asked as of (asOf, from, to): a real date, and not the ledger's open end. */
export const isQueryDate = (u: unknown): boolean => IsoDate.is(u) && isBeforeDateCeiling(u);
export const QueryDate = new t.Type<string, string, unknown>(
  QUERY_DATE_EXPECTED,
  (u): u is string => isQueryDate(u),
  (u, c) => (isQueryDate(u) ? t.success(u as string) : t.failure(u, c)),
  t.identity,
);

const PARTIAL_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
export interface PartialDateBrand {
  readonly PartialDate: unique symbol;
}
/** A date that lists often give only in part: `1964`, `1964-03` or `1964-03-12` (birth dates). */
export const PartialDate = t.brand(
  t.string,
  (s): s is t.Branded<string, PartialDateBrand> => {
    const m = PARTIAL_DATE.exec(s);
    if (m === null) return false;
    const month = m[2] === undefined ? 1 : Number(m[2]);
    const day = m[3] === undefined ? 1 : Number(m[3]);
    return isRealCalendarDate(Number(m[1]), month, day);
  },
  'PartialDate',
);
export type PartialDate = t.TypeOf<typeof PartialDate>;

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?Z$/;
export interface InstantBrand {
  readonly Instant: unique symbol;
}
/** A UTC instant with at most millisecond precision, `2024-12-17T09:30:00.000Z`: the recorded time. */
export const Instant = t.brand(
  t.string,
  (s): s is t.Branded<string, InstantBrand> => {
    const m = ISO_INSTANT.exec(s);
    if (m === null) return false;
    if (!isRealCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]))) return false;
    return Number(m[4]) < 24 && Number(m[5]) < 60 && Number(m[6]) < 60;
  },
  'Instant',
);
export type Instant = t.TypeOf<typeof Instant>;

export interface NonEmptyStringBrand {
  readonly NonEmptyString: unique symbol;
}
/** A string with at least one non-blank character (names, references, reasons). */
export const NonEmptyString = t.brand(
  t.string,
  (s): s is t.Branded<string, NonEmptyStringBrand> => s.trim().length > 0,
  'NonEmptyString',
);
export type NonEmptyString = t.TypeOf<typeof NonEmptyString>;

const ID = /^[A-Za-z0-9][A-Za-z0-9._:\/@#-]{0,199}$/;
export interface IdentifierBrand {
  readonly Identifier: unique symbol;
}
/** Ledger identifiers of subjects, resolutions and designations: safe in stream names, URLs and Kafka keys. */
export const Identifier = t.brand(
  t.string,
  (s): s is t.Branded<string, IdentifierBrand> => ID.test(s),
  'Identifier',
);
export type Identifier = t.TypeOf<typeof Identifier>;

export const Authority = t.keyof({ UN: null, EU: null, US: null, UK: null }, 'Authority');
export type Authority = t.TypeOf<typeof Authority>;

const REGIME = /^(UN|EU|US|UK):[A-Z0-9][A-Z0-9._-]{0,63}$/;
export interface RegimeBrand {
  readonly Regime: unique symbol;
}
/** `AUTHORITY:PROGRAMME`, e.g. `UN:DPRK`, `EU:RUS`, `US:RUSSIA-EO14024`; the prefix names the authority. */
export const Regime = t.brand(
  t.string,
  (s): s is t.Branded<string, RegimeBrand> => REGIME.test(s),
  'Regime',
);
export type Regime = t.TypeOf<typeof Regime>;

export function authorityOfRegime(regime: Regime): Authority {
  return regime.slice(0, regime.indexOf(':')) as Authority;
}

export const SubjectKind = t.keyof({ person: null, entity: null, vessel: null, aircraft: null }, 'SubjectKind');
export type SubjectKind = t.TypeOf<typeof SubjectKind>;

export const Measure = t.keyof(
  {
    'asset-freeze': null,
    'travel-ban': null,
    'arms-embargo': null,
    'sectoral-restriction': null,
    'trade-restriction': null,
    'financial-restriction': null,
    'import-cap': null,
    other: null,
  },
  'Measure',
);
export type Measure = t.TypeOf<typeof Measure>;

const SHA256_HEX = /^[0-9a-f]{64}$/;
export interface Sha256Brand {
  readonly Sha256: unique symbol;
}
export const Sha256 = t.brand(t.string, (s): s is t.Branded<string, Sha256Brand> => SHA256_HEX.test(s), 'Sha256');
export type Sha256 = t.TypeOf<typeof Sha256>;

/** A non-empty array; the refusal names the field, not the element type. */
export function nonEmptyArray<C extends t.Mixed>(codec: C, name = `NonEmptyArray<${codec.name}>`) {
  return t.refinement(t.array(codec), (xs) => xs.length > 0, name);
}
