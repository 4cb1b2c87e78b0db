/**
 * FCDO UK Sanctions List XML: root `Designations`, one `Designation` per listing, keyed by UniqueID (DPR0075).
 *
 * Names: NameType "Primary Name" (casing varies: "Primary name") is primary; aliases take AliasStrength
 * ("Good quality a.k.a" -> strong, "Low quality a.k.a" -> weak, none -> plain alias); NonLatinNames are
 * original-script. Measures come from SanctionsImposedIndicators (or the "Asset freeze|Travel Ban" text):
 * the XML states them per designation, e.g. a ship may only be barred from port entry.
 *
 * Dates:
 * - publishedOn = DateGenerated (dd/mm/yyyy), else the calendar date of @dateGenerated; invalid fails the file.
 * - listedOn = DateDesignated, lastUpdated = LastUpdated: impossible values FAIL the file.
 * - DOBs use placeholders (`dd/mm/1968`, `dd/09/1958`) -> partial dates; unusable ones go to remarks.
 */
import type { NameQuality } from '../../../events/identity';
import type { Measure, SubjectKind } from '../../../events/primitives';
import { ListParseError, quote } from '../errors';
import type { SourceFile } from '../io/source';
import type { XmlNode } from '../io/xml-node';
import { streamXml } from '../io/xml-stream';
import type { ListSnapshot, Listing } from '../listing';
import { parseDmy, parseDmyPartial, parseIsoDate } from '../normalize/dates';
import { IdentityBuilder } from '../normalize/identity-builder';
import { ListingCollector, makeListing } from '../normalize/listing-builder';
import { joinDefined } from '../normalize/text';
import { ukRegime } from './uk-regimes';

const KINDS: Record<string, SubjectKind> = { individual: 'person', entity: 'entity', ship: 'vessel' };

/** SanctionsImposedIndicators element -> measure. Ship/aircraft service bans are trade restrictions. */
const INDICATORS: Record<string, Measure> = {
  AssetFreeze: 'asset-freeze',
  TravelBan: 'travel-ban',
  ArmsEmbargo: 'arms-embargo',
  TargetedArmsEmbargo: 'arms-embargo',
  CharteringOfShips: 'trade-restriction',
  CrewServicingOfShipsAndAircraft: 'trade-restriction',
  Deflag: 'trade-restriction',
  PreventionOfBusinessArrangements: 'trade-restriction',
  ProhibitionOfPortEntry: 'trade-restriction',
  PreventionOfCharteringOfShips: 'trade-restriction',
  PreventionOfCharteringOfShipsAndAircraft: 'trade-restriction',
  TechnicalAssistanceRelatedToAircraft: 'trade-restriction',
  TrustServicesSanctions: 'financial-restriction',
  ClosureOfRepresentativeOffices: 'other',
  DirectorDisqualificationSanction: 'other',
};
/** The same measures as they appear in the SanctionsImposed text, lower-cased without spaces. */
const TEXT_MEASURES: Record<string, Measure> = Object.fromEntries(
  Object.entries(INDICATORS).map(([k, v]) => [k.toLowerCase(), v]),
);

/** ShipDetails/Ship list elements -> identifier type. */
const SHIP_FIELDS: ReadonlyArray<readonly [list: string, item: string, type: string]> = [
  ['IMONumbers', 'IMONumber', 'IMO'],
  ['HullIdentificationNumbers', 'HullIdentificationNumber', 'Hull Identification Number'],
  ['CurrentOwnerOperators', 'CurrentOwnerOperator', 'Vessel Owner'],
  ['CurrentBelievedFlagOfShips', 'CurrentBelievedFlagOfShip', 'Vessel Flag'],
  ['PreviousFlags', 'PreviousFlag', 'Former Vessel Flag'],
  ['PreviousNamesOfShips', 'PreviousNameOfShip', 'Former Vessel Name'],
  ['TypeOfShipDetails', 'TypeOfShip', 'Vessel Type'],
  ['TonnageOfShipDetails', 'TonnageOfShip', 'Vessel Tonnage'],
  ['LengthOfShipDetails', 'LengthOfShip', 'Vessel Length'],
  ['YearsBuilt', 'YearBuilt', 'Vessel Year of Build'],
];

export async function parseUkXml(source: SourceFile): Promise<ListSnapshot> {
  const collector = new ListingCollector(source.name);
  const root = await streamXml(source, {
    root: 'Designations',
    formatLabel: 'UK Sanctions List XML',
    records: new Set(['Designation']),
    onRecord: (node) => collector.add(mapDesignation(node, source.name), node.line),
  });
  const raw = root.value('DateGenerated');
  const publishedOn = raw !== undefined ? parseDmy(raw) : parseIsoDate(root.attr('dateGenerated'));
  if (publishedOn === undefined) {
    throw new ListParseError({
      file: source.name,
      line: root.lineOf('DateGenerated'),
      problem: `DateGenerated ${quote(raw ?? root.attr('dateGenerated') ?? '(missing)')} is not a real date`,
    });
  }
  return { list: 'UK-SL', authority: 'UK', publishedOn, files: [source.digest()], entries: collector.entries };
}

function aliasQuality(name: XmlNode): NameQuality {
  if (/primary/i.test(name.value('NameType') ?? '')) return 'primary';
  const strength = (name.value('AliasStrength') ?? '').toLowerCase();
  return strength.startsWith('good') ? 'strong-alias' : strength.startsWith('low') ? 'weak-alias' : 'alias';
}

function mapDesignation(node: XmlNode, file: string): Listing {
  const ref = node.value('UniqueID');
  const fail = (line: number, problem: string): never => {
    throw new ListParseError({ file, line, record: ref, problem });
  };
  if (ref === undefined) return fail(node.line, 'Designation has no UniqueID');
  const what = `Designation ${ref}`;
  const date = (field: string): string | undefined => {
    const raw = node.value(field);
    return raw === undefined ? undefined : (parseDmy(raw) ?? fail(node.lineOf(field), `${what} ${field} ${quote(raw)} is not a real date`));
  };
  const typeRaw = node.value('IndividualEntityShip') ?? '';
  const kind = KINDS[typeRaw.toLowerCase()] ?? fail(node.lineOf('IndividualEntityShip'), `${what} IndividualEntityShip ${quote(typeRaw)} is unknown`);
  const regimeName = node.value('RegimeName') ?? fail(node.line, `${what} has no RegimeName`);

  const id = new IdentityBuilder();
  const names = node.path('Names', 'Name');
  // Primary first, whatever the document order, so the builder takes the right one.
  for (const n of [...names.filter((x) => aliasQuality(x) === 'primary'), ...names.filter((x) => aliasQuality(x) !== 'primary')]) {
    id.addName(joinDefined(['Name1', 'Name2', 'Name3', 'Name4', 'Name5', 'Name6'].map((f) => n.value(f)), ' '), aliasQuality(n));
  }
  for (const n of node.path('NonLatinNames', 'NonLatinName')) id.addName(n.value('NameNonLatinScript'), 'original-script');
  if (!id.hasPrimary) fail(node.line, `${what} has no primary name`);
  for (const t of node.path('Titles', 'Title')) id.addTitle(t.own());

  for (const a of node.path('Addresses', 'Address')) {
    id.addAddress({
      full: joinDefined(['AddressLine1', 'AddressLine2', 'AddressLine3', 'AddressLine4', 'AddressLine5', 'AddressLine6'].map((f) => a.value(f)), ', '),
      postalCode: a.value('AddressPostalCode'),
      country: a.value('AddressCountry'),
    });
  }
  const remarks: (string | undefined)[] = [node.value('OtherInformation'), node.value('UKStatementofReasons')];
  for (const ind of node.path('IndividualDetails', 'Individual')) {
    for (const d of ind.path('DOBs', 'DOB')) {
      const raw = d.own();
      if (raw === undefined) continue;
      const parsed = parseDmyPartial(raw);
      if (parsed !== undefined) id.addBirthDate(parsed);
      else remarks.push(`Date of birth (not a usable date): ${raw}`);
    }
    for (const p of ind.path('PassportDetails', 'Passport')) {
      id.addIdentifier('Passport', p.value('PassportNumber'), undefined, p.value('PassportAdditionalInformation'));
    }
    for (const n of ind.path('NationalIdentifierDetails', 'NationalIdentifier')) {
      id.addIdentifier('National Identifier', n.value('NationalIdentifierNumber'), undefined, n.value('NationalIdentifierAdditionalInformation'));
    }
    for (const n of ind.path('Nationalities', 'Nationality')) id.addNationality(n.own());
    for (const p of ind.path('Positions', 'Position')) id.addPosition(p.own());
    for (const g of ind.path('Genders', 'Gender')) id.setGender(g.own());
    for (const l of ind.path('BirthDetails', 'Location')) {
      id.addBirthPlace(joinDefined([l.value('TownOfBirth'), l.value('CountryOfBirth')], ', '));
    }
  }
  for (const e of node.path('EntityDetails', 'Entity')) {
    for (const b of e.path('BusinessRegistrationNumbers', 'BusinessRegistrationNumber')) id.addIdentifier('Business Registration Number', b.own());
  }
  for (const ship of node.path('ShipDetails', 'Ship')) {
    for (const [list, item, type] of SHIP_FIELDS) for (const v of ship.path(list, item)) id.addIdentifier(type, v.own());
  }
  for (const [label, field] of [['UN reference', 'UNReferenceNumber'], ['OFSI group ID', 'OFSIGroupID'], ['Designation source', 'DesignationSource']] as const) {
    const v = node.value(field);
    if (v !== undefined) remarks.push(`${label}: ${v}`);
  }

  return makeListing(
    {
      list: 'UK-SL',
      authority: 'UK',
      authorityReference: ref,
      kind,
      identity: id.build()!,
      regimes: [ukRegime(regimeName)],
      measures: measuresOf(node),
      legalBasis: [regimeName],
      listedOn: date('DateDesignated'),
      lastUpdated: [date('LastUpdated')].filter((d): d is string => d !== undefined),
      remarks,
    },
    { file, line: node.line },
  );
}

function measuresOf(node: XmlNode): Measure[] {
  const indicators = node.child('SanctionsImposedIndicators');
  if (indicators !== undefined) {
    return indicators.children.filter((c) => c.own() === 'true').map((c) => INDICATORS[c.name] ?? 'other');
  }
  return (node.value('SanctionsImposed') ?? '')
    .split('|')
    .map((m) => m.replace(/\s+/g, '').toLowerCase())
    .filter((m) => m !== '')
    .map((m) => TEXT_MEASURES[m] ?? 'other');
}
