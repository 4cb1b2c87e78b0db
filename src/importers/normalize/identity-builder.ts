/**
 * Accumulates the identity parts of one record and emits an `Identity` the ledger codecs accept.
 *
 * Determinism: a list's record is a set of facts, and publishers reorder them between releases (the UN
 * reformatted its whole file in 2020). So apart from names[0] (the primary name) every array is de-duplicated
 * and sorted by plain code-unit order (not locale order, which varies with the ICU build); a snapshot diff then
 * shows only real changes.
 */
import type { Address, Identity, IdentityDocument, Name, NameQuality } from '../../../events/identity';
import { NonEmptyString, PartialDate } from '../../../events/primitives';
import { detectScript } from './script';
import { clean } from './text';

/** Rank used both to keep the strongest quality when a name repeats and to order aliases. */
const QUALITY_RANK: Record<NameQuality, number> = {
  primary: 0,
  'strong-alias': 1,
  alias: 2,
  'original-script': 3,
  'weak-alias': 4,
  'former-name': 5,
};

export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compareText);
}

export interface NameOptions {
  /** ISO 15924 code given by the publisher; otherwise detected, and only recorded when not Latin. */
  script?: string;
  /** Language code as published (EU nameLanguage), lower-cased. */
  language?: string;
}

export class IdentityBuilder {
  private primary: Name | undefined;
  private readonly names = new Map<string, Name>();
  private readonly birthDates = new Set<string>();
  private readonly birthPlaces = new Set<string>();
  private readonly nationalities = new Set<string>();
  private readonly identifiers = new Map<string, IdentityDocument>();
  private readonly addresses = new Map<string, Address>();
  private readonly titles = new Set<string>();
  private readonly positions = new Set<string>();
  private gender: string | undefined;

  get hasPrimary(): boolean {
    return this.primary !== undefined;
  }

  /** Adds a name; the first 'primary' wins and later ones become plain aliases (lists name one primary). */
  addName(raw: string | undefined, quality: NameQuality, options: NameOptions = {}): void {
    const text = clean(raw);
    if (text === undefined || !NonEmptyString.is(text)) return;
    const script = options.script ?? detectScript(text);
    const name: Name = { name: text, quality };
    if (script !== undefined && script !== 'Latn') name.script = script;
    const language = clean(options.language)?.toLowerCase();
    if (language !== undefined) name.language = language;

    if (quality === 'primary') {
      if (this.primary === undefined) {
        this.primary = name;
        this.names.delete(text);
        return;
      }
      name.quality = 'alias';
    }
    if (this.primary?.name === text) return;
    const seen = this.names.get(text);
    if (seen === undefined || better(name, seen)) this.names.set(text, name);
  }

  addBirthDate(date: string | undefined): void {
    if (date !== undefined && PartialDate.is(date)) this.birthDates.add(date);
  }

  addBirthPlace(place: string | undefined): void {
    const p = clean(place);
    if (p !== undefined) this.birthPlaces.add(p);
  }

  addNationality(country: string | undefined): void {
    const c = clean(country);
    if (c !== undefined) this.nationalities.add(c);
  }

  addIdentifier(type: string | undefined, value: string | undefined, country?: string, note?: string): void {
    const t = clean(type);
    const v = clean(value);
    if (t === undefined || v === undefined || !NonEmptyString.is(t) || !NonEmptyString.is(v)) return;
    const doc: IdentityDocument = { type: t, value: v };
    const c = clean(country);
    if (c !== undefined) doc.country = c;
    const n = clean(note);
    if (n !== undefined) doc.note = n;
    this.identifiers.set(JSON.stringify([t, v, c ?? '', n ?? '']), doc);
  }

  addAddress(parts: Address): void {
    // Fixed key order so equal addresses serialise (and compare) equally.
    const address: Address = {};
    for (const key of ['street', 'city', 'region', 'postalCode', 'country', 'full'] as const) {
      const v = clean(parts[key]);
      if (v !== undefined) address[key] = v;
    }
    if (Object.keys(address).length > 0) this.addresses.set(JSON.stringify(address), address);
  }

  addTitle(title: string | undefined): void {
    const t = clean(title);
    if (t !== undefined) this.titles.add(t);
  }

  addPosition(position: string | undefined): void {
    const p = clean(position);
    if (p !== undefined) this.positions.add(p);
  }

  /** 'male' / 'female'; other values (Unknown, blank) are ignored. The first recognised value wins. */
  setGender(raw: string | undefined): void {
    const g = clean(raw)?.toLowerCase();
    const norm = g === 'm' || g === 'male' ? 'male' : g === 'f' || g === 'female' ? 'female' : undefined;
    if (norm !== undefined && this.gender === undefined) this.gender = norm;
  }

  /** The identity, or undefined when no primary name was given (the caller reports the record). */
  build(): Identity | undefined {
    if (this.primary === undefined) return undefined;
    const aliases = [...this.names.values()].sort(
      (a, b) =>
        QUALITY_RANK[a.quality] - QUALITY_RANK[b.quality] ||
        compareText(a.name, b.name) ||
        compareText(a.language ?? '', b.language ?? ''),
    );
    const identity: Identity = { names: [this.primary, ...aliases] };
    if (this.birthDates.size) identity.birthDates = sortedUnique(this.birthDates) as Identity['birthDates'];
    if (this.birthPlaces.size) identity.birthPlaces = sortedUnique(this.birthPlaces);
    if (this.nationalities.size) identity.nationalities = sortedUnique(this.nationalities);
    if (this.identifiers.size) identity.identifiers = sortedByKey(this.identifiers);
    if (this.addresses.size) identity.addresses = sortedByKey(this.addresses);
    if (this.gender !== undefined) identity.gender = this.gender;
    if (this.titles.size) identity.titles = sortedUnique(this.titles);
    if (this.positions.size) identity.positions = sortedUnique(this.positions);
    return identity;
  }
}

function better(candidate: Name, current: Name): boolean {
  const byRank = QUALITY_RANK[candidate.quality] - QUALITY_RANK[current.quality];
  if (byRank !== 0) return byRank < 0;
  return compareText(candidate.language ?? '', current.language ?? '') < 0;
}

function sortedByKey<T>(map: Map<string, T>): T[] {
  return [...map.entries()].sort(([a], [b]) => compareText(a, b)).map(([, v]) => v);
}
