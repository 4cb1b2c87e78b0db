/** Resolving and validating the two times of a query (DESIGN.md section 4). */
import { Authority, Instant, isQueryDate, QUERY_DATE_EXPECTED, Regime } from '../../events';
import { QueryParameterError } from './types';

export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

export function resolveAsOf(asOf: string | undefined, parameter = 'asOf'): string {
  if (asOf === undefined) return todayUtc();
  // The CLI reaches the queries without the HTTP parameter checks: this is the one check both go through.
  if (!isQueryDate(asOf)) throw new QueryParameterError(parameter, `${parameter} must be ${QUERY_DATE_EXPECTED}, got "${asOf.slice(0, 40)}"`);
  return asOf;
}

/** knownAt defaults to now; a future knownAt is refused: the ledger cannot know what it has not recorded. */
export function resolveKnownAt(knownAt: string | undefined, now: Date = new Date()): string {
  const current = now.toISOString();
  if (knownAt === undefined) return current;
  if (!Instant.is(knownAt)) throw new QueryParameterError('knownAt', `knownAt must be a UTC instant like 2024-12-16T23:00:00.000Z, got "${knownAt.slice(0, 40)}"`);
  const normalised = new Date(knownAt).toISOString();
  if (normalised > current) throw new QueryParameterError('knownAt', `knownAt ${knownAt} is in the future`);
  return normalised;
}

export function checkAuthority(authority: string | undefined): Authority | undefined {
  if (authority === undefined) return undefined;
  if (!Authority.is(authority)) throw new QueryParameterError('authority', `authority must be one of UN, EU, US, UK, got "${authority.slice(0, 40)}"`);
  return authority;
}

export function checkRegime(regime: string | undefined): string | undefined {
  if (regime === undefined) return undefined;
  if (!Regime.is(regime)) throw new QueryParameterError('regime', `regime must look like EU:RUS (AUTHORITY:PROGRAMME), got "${regime.slice(0, 40)}"`);
  return regime;
}
