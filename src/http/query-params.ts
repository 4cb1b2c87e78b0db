/**
 * Query-string parameters, checked with the event catalogue's codecs (IsoDate, Instant, Authority, Regime) so
 * the HTTP API accepts exactly what the ledger means by a date, an instant or a regime.
 *
 * Unknown parameters are refused rather than ignored: a typo such as `asof=2024-12-15` would otherwise answer
 * for today, silently, which is the wrong answer to a compliance question.
 */
import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';
import { Authority, Instant, QUERY_DATE_EXPECTED, QueryDate, Regime } from '../../events';
import { badParameter } from './errors';

export type RawQuery = Record<string, string | string[] | undefined>;

/** The value of one parameter, refusing repeats (which value would win is not obvious to the caller). */
export function single(query: RawQuery, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) throw badParameter(name, `${name} is given ${value.length} times; give it once`);
  return value === '' ? undefined : value;
}

export function checkKnownParameters(query: RawQuery, allowed: readonly string[]): void {
  const unknown = Object.keys(query).filter((name) => !allowed.includes(name));
  if (unknown.length > 0) {
    const list = allowed.length === 0 ? 'none' : allowed.join(', ');
    throw badParameter(unknown[0]!, `unknown query parameter${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; this route takes: ${list}`);
  }
}

function decoded<C extends t.Mixed>(codec: C, query: RawQuery, name: string, expected: string): t.TypeOf<C> | undefined {
  const raw = single(query, name);
  if (raw === undefined) return undefined;
  const result = codec.decode(raw);
  if (E.isLeft(result)) throw badParameter(name, `${name} must be ${expected}, not "${raw.length > 60 ? `${raw.slice(0, 57)}...` : raw}"`);
  return result.right;
}

export const asOfParam = (query: RawQuery, name = 'asOf'): string | undefined => decoded(QueryDate, query, name, QUERY_DATE_EXPECTED);

export function requiredDate(query: RawQuery, name: string): string {
  const value = asOfParam(query, name);
  if (value === undefined) throw badParameter(name, `${name} is required (a calendar date YYYY-MM-DD)`);
  return value;
}

/** knownAt asks what the ledger knew at an instant; the future has not been recorded yet, so it is refused. */
export function knownAtParam(query: RawQuery, now = Date.now()): string | undefined {
  const value = decoded(Instant, query, 'knownAt', 'a UTC instant such as 2024-12-16T23:00:00Z');
  if (value !== undefined && Date.parse(value) > now) {
    throw badParameter('knownAt', `knownAt ${value} is in the future; the ledger can only answer what it knew up to now`);
  }
  return value;
}

export const authorityParam = (query: RawQuery) => decoded(Authority, query, 'authority', 'one of UN, EU, US, UK');

export const regimeParam = (query: RawQuery) =>
  decoded(Regime, query, 'regime', 'AUTHORITY:PROGRAMME in capitals, such as EU:RUS or UN:DPRK');

export function integerParam(query: RawQuery, name: string, min: number, max: number): number | undefined {
  const raw = single(query, name);
  if (raw === undefined) return undefined;
  const value = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(value) || value < min || value > max) throw badParameter(name, `${name} must be an integer from ${min} to ${max}`);
  return value;
}

export function textParam(query: RawQuery, name: string, maxLength: number): string | undefined {
  const raw = single(query, name)?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (raw.length > maxLength) throw badParameter(name, `${name} is longer than ${maxLength} characters`);
  return raw;
}

/** Documentation of the shared parameters, for the route schemas (the codecs above do the checking). */
export const TIME_PARAMETERS = {
  asOf: { type: 'string', format: 'date', description: 'what was in force on this calendar date (default: today, UTC)', example: '2024-12-16' },
  knownAt: {
    type: 'string',
    format: 'date-time',
    description: 'use only events recorded at or before this UTC instant (default: now; not in the future)',
    example: '2024-12-17T12:00:00Z',
  },
} as const;

export const FILTER_PARAMETERS = {
  authority: { type: 'string', enum: ['UN', 'EU', 'US', 'UK'] },
  regime: { type: 'string', pattern: '^(UN|EU|US|UK):[A-Z0-9][A-Z0-9._-]{0,63}$', example: 'EU:RUS' },
} as const;
