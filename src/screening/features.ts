/**
 * Features beside the name: birth date or year, country, identifiers. Small fixed adjustments, so the name
 * score stays the main evidence and each adjustment is visible in the explanation. Pure.
 */
import { normaliseIdentifier } from './normalise';
import type { MatchReason, ScreeningEntry, ScreeningQuery } from './types';

export const BIRTH_AGREES = 0.05;
export const BIRTH_CONTRADICTS = -0.15;
export const COUNTRY_AGREES = 0.03;
export const COUNTRY_CONTRADICTS = -0.05;

type Feature = MatchReason['features'][number];

/** Two partial dates agree when one is a prefix of the other (1960 and 1960-05-12). */
function birthFeature(query: string, listed: readonly string[]): Feature | undefined {
  if (listed.length === 0) return undefined;
  const agrees = listed.some((d) => d.startsWith(query) || query.startsWith(d));
  return { feature: 'birthDate', agrees, adjustment: agrees ? BIRTH_AGREES : BIRTH_CONTRADICTS, detail: `${query} vs ${listed.join(', ')}` };
}

function countryFeature(query: string, listed: readonly string[]): Feature | undefined {
  if (listed.length === 0) return undefined;
  const q = query.trim().toUpperCase();
  const agrees = listed.some((c) => c.trim().toUpperCase() === q);
  return { feature: 'country', agrees, adjustment: agrees ? COUNTRY_AGREES : COUNTRY_CONTRADICTS, detail: `${query} vs ${listed.join(', ')}` };
}

export function features(query: ScreeningQuery, entry: ScreeningEntry): Feature[] {
  const found: Array<Feature | undefined> = [
    query.birthDate === undefined ? undefined : birthFeature(query.birthDate, entry.birthDates),
    query.country === undefined ? undefined : countryFeature(query.country, entry.countries),
  ];
  return found.filter((f): f is Feature => f !== undefined);
}

/** The listed identifier an identifier of the query equals exactly (type compared only when both give one). */
export function identifierMatch(query: ScreeningQuery, entry: ScreeningEntry): { type: string; value: string } | undefined {
  for (const wanted of query.identifiers ?? []) {
    const value = normaliseIdentifier(wanted.value);
    if (value.length < 3) continue;
    const hit = entry.identifiers.find(
      (id) => normaliseIdentifier(id.value) === value && (wanted.type === undefined || normaliseIdentifier(id.type).includes(normaliseIdentifier(wanted.type)) || normaliseIdentifier(wanted.type).includes(normaliseIdentifier(id.type))),
    );
    if (hit !== undefined) return hit;
  }
  return undefined;
}
