/**
 * Codecs are exact: decoding drops fields they do not name, so an event holds exactly what was validated.
 *
 * Who a listing names: names and aliases (with script), birth dates, nationalities, identifiers, addresses.
 * Lists publish these per entry, so identity travels with each designation rather than living on the subject.
 */
import * as t from 'io-ts';
import { NonEmptyString, PartialDate, nonEmptyArray } from './primitives';

export const NameQuality = t.keyof(
  { primary: null, alias: null, 'strong-alias': null, 'weak-alias': null, 'former-name': null, 'original-script': null },
  'NameQuality',
);
export type NameQuality = t.TypeOf<typeof NameQuality>;

export const Name = t.exact(
  t.intersection([
    t.type({ name: NonEmptyString, quality: NameQuality }),
    // ISO 15924 script code (Latn, Hang, Cyrl, Arab...) when the publisher gives or implies one.
    t.partial({ script: t.string, language: t.string }),
  ]),
  'Name',
);
export type Name = t.TypeOf<typeof Name>;

export const IdentityDocument = t.exact(
  t.intersection([t.type({ type: NonEmptyString, value: NonEmptyString }), t.partial({ country: t.string, note: t.string })]),
  'IdentityDocument',
);
export type IdentityDocument = t.TypeOf<typeof IdentityDocument>;

export const Address = t.exact(
  t.partial({
    street: t.string,
    city: t.string,
    region: t.string,
    postalCode: t.string,
    country: t.string,
    full: t.string,
  }),
  'Address',
);
export type Address = t.TypeOf<typeof Address>;

export const Identity = t.exact(
  t.intersection([
    t.type({ names: nonEmptyArray(Name, 'names (at least one)') }),
    t.partial({
      birthDates: t.array(PartialDate),
      birthPlaces: t.array(t.string),
      nationalities: t.array(t.string),
      identifiers: t.array(IdentityDocument),
      addresses: t.array(Address),
      gender: t.string,
      titles: t.array(t.string),
      positions: t.array(t.string),
    }),
  ]),
  'Identity',
);
export type Identity = t.TypeOf<typeof Identity>;
