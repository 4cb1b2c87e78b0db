/**
 * UN Security Council Consolidated List XML (root CONSOLIDATED_LIST; INDIVIDUALS/INDIVIDUAL, ENTITIES/ENTITY).
 * Both the compact 2017 layout and the pretty-printed 2024 one parse identically: only element content counts,
 * and every value is trimmed and whitespace-collapsed (the UN pads values: `<FIRST_NAME> RI </FIRST_NAME>`).
 *
 * Dates:
 * - publishedOn = the calendar date of the root's dateGenerated (in the publisher's own zone); invalid fails.
 * - listedOn = LISTED_ON; LAST_DAY_UPDATED/VALUE -> lastUpdated. These are the listing's legal facts, so a
 *   present-but-impossible value FAILS THE FILE (a ledger must not record a guessed designation date).
 * - Birth dates are identification hints and the UN often gives them vaguely (a year, a range, a note):
 *   EXACT -> day, YEAR -> year, BETWEEN -> each year of a range of at most 10 years; anything unusable or
 *   impossible is NOT a failure: it is kept as a sentence in remarks so no published fact is lost.
 */
import { ListParseError, quote } from '../errors';
import type { ListSnapshot, Listing } from '../listing';
import type { SourceFile } from '../io/source';
import type { XmlNode } from '../io/xml-node';
import { streamXml } from '../io/xml-stream';
import { parseIsoDate, parseLooseDate, parseLooseRange, partialDate, yearRange } from '../normalize/dates';
import { IdentityBuilder } from '../normalize/identity-builder';
import { ListingCollector, makeListing } from '../normalize/listing-builder';
import { joinDefined } from '../normalize/text';
import type { NameQuality } from '../../../events/identity';
import { unRegime } from './un-regimes';

const ALIAS_QUALITY: Record<string, NameQuality> = {
  good: 'strong-alias',
  low: 'weak-alias',
  'a.k.a.': 'alias',
  'f.k.a.': 'former-name',
};

export async function parseUnXml(source: SourceFile): Promise<ListSnapshot> {
  const collector = new ListingCollector(source.name);
  const root = await streamXml(source, {
    root: 'CONSOLIDATED_LIST',
    formatLabel: 'UN Security Council Consolidated List',
    records: new Set(['INDIVIDUAL', 'ENTITY']),
    onRecord: (node) => collector.add(mapRecord(node, source.name), node.line),
  });
  const generated = root.attr('dateGenerated');
  const publishedOn = parseIsoDate(generated);
  if (publishedOn === undefined) {
    throw new ListParseError({
      file: source.name,
      line: root.line,
      problem: `CONSOLIDATED_LIST dateGenerated ${quote(generated ?? '(missing)')} is not a real date`,
    });
  }
  return { list: 'UN', authority: 'UN', publishedOn, files: [source.digest()], entries: collector.entries };
}

function mapRecord(node: XmlNode, file: string): Listing {
  const dataId = node.value('DATAID');
  const ref = node.value('REFERENCE_NUMBER');
  const fail = (line: number, problem: string): never => {
    throw new ListParseError({ file, line, record: ref ?? dataId, problem });
  };
  if (ref === undefined) return fail(node.line, `${node.name} (DATAID ${dataId ?? '?'}) has no REFERENCE_NUMBER`);
  const what = `${node.name} ${ref}`;
  const kind = node.name === 'INDIVIDUAL' ? 'person' : 'entity';

  const listType = node.value('UN_LIST_TYPE') ?? fail(node.line, `${what} has no UN_LIST_TYPE`);
  const listedOnRaw = node.value('LISTED_ON');
  const listedOn =
    listedOnRaw === undefined
      ? undefined
      : (parseIsoDate(listedOnRaw) ?? fail(node.lineOf('LISTED_ON'), `${what} LISTED_ON ${quote(listedOnRaw)} is not a real date`));
  const lastUpdated = node.path('LAST_DAY_UPDATED', 'VALUE').flatMap((v) => {
    const raw = v.own();
    if (raw === undefined) return []; // the UN writes <VALUE/> when never updated
    return [parseIsoDate(raw) ?? fail(v.line, `${what} LAST_DAY_UPDATED ${quote(raw)} is not a real date`)];
  });

  const id = new IdentityBuilder();
  const remarks: (string | undefined)[] = [node.value('COMMENTS1')];
  id.addName(joinDefined(['FIRST_NAME', 'SECOND_NAME', 'THIRD_NAME', 'FOURTH_NAME'].map((n) => node.value(n)), ' '), 'primary');
  id.addName(node.value('NAME_ORIGINAL_SCRIPT'), 'original-script');
  for (const alias of [...node.all('INDIVIDUAL_ALIAS'), ...node.all('ENTITY_ALIAS')]) {
    const quality = ALIAS_QUALITY[(alias.value('QUALITY') ?? '').toLowerCase()] ?? 'alias';
    id.addName(alias.value('ALIAS_NAME'), quality);
    // Some aliases carry their own birth data (the identity used under that alias).
    const aliasDob = alias.value('DATE_OF_BIRTH');
    if (aliasDob !== undefined && aliasDob.toLowerCase() !== 'null') {
      const d = parseIsoDate(aliasDob) ?? parseLooseDate(aliasDob);
      const dates = d !== undefined ? [d] : parseLooseRange(aliasDob);
      if (dates !== undefined) dates.forEach((x) => id.addBirthDate(x));
      else remarks.push(`Date of birth (alias, not a usable date): ${aliasDob}`);
    }
    id.addBirthPlace(joinDefined([alias.value('CITY_OF_BIRTH'), alias.value('COUNTRY_OF_BIRTH')], ', '));
  }
  if (!id.hasPrimary) fail(node.line, `${what} has no name`);

  for (const v of node.path('TITLE', 'VALUE')) id.addTitle(v.own());
  for (const v of node.path('DESIGNATION', 'VALUE')) id.addPosition(v.own());
  for (const v of node.path('NATIONALITY', 'VALUE')) id.addNationality(v.own());
  id.setGender(node.value('GENDER'));

  for (const a of [...node.all('INDIVIDUAL_ADDRESS'), ...node.all('ENTITY_ADDRESS')]) {
    id.addAddress({
      street: a.value('STREET'),
      city: a.value('CITY'),
      region: a.value('STATE_PROVINCE'),
      postalCode: a.value('ZIP_CODE'),
      country: a.value('COUNTRY'),
      full: a.value('NOTE'),
    });
  }
  for (const dob of node.all('INDIVIDUAL_DATE_OF_BIRTH')) {
    const dates = birthDates(dob);
    if (dates === undefined) remarks.push(`Date of birth (not a usable date): ${describeDob(dob)}`);
    else dates.forEach((d) => id.addBirthDate(d));
  }
  for (const pob of node.all('INDIVIDUAL_PLACE_OF_BIRTH')) {
    const place = joinDefined([pob.value('STREET'), pob.value('CITY'), pob.value('STATE_PROVINCE'), pob.value('COUNTRY')], ', ');
    const note = pob.value('NOTE');
    id.addBirthPlace(place === undefined ? note : note === undefined ? place : `${place} (${note})`);
  }
  for (const doc of node.all('INDIVIDUAL_DOCUMENT')) addDocument(id, doc);

  const { regime, legalBasis, measures } = unRegime(listType, kind);
  return makeListing(
    {
      list: 'UN',
      authority: 'UN',
      authorityReference: ref,
      kind,
      identity: id.build()!,
      regimes: [regime],
      measures,
      legalBasis: [legalBasis],
      listedOn,
      lastUpdated,
      remarks,
    },
    { file, line: node.line },
  );
}

/** Birth dates of one INDIVIDUAL_DATE_OF_BIRTH; [] if it holds nothing, undefined if it holds something unusable. */
function birthDates(dob: XmlNode): string[] | undefined {
  const date = dob.value('DATE');
  const year = dob.value('YEAR');
  const from = dob.value('FROM_YEAR');
  const to = dob.value('TO_YEAR');
  const note = dob.value('NOTE');
  if (date !== undefined) return oneOrNone(parseIsoDate(date));
  if (year !== undefined) return oneOrNone(/^\d{4}$/.test(year) ? partialDate(Number(year)) : undefined);
  if (from !== undefined || to !== undefined) {
    return /^\d{4}$/.test(from ?? '') && /^\d{4}$/.test(to ?? '') ? yearRange(Number(from), Number(to)) : undefined;
  }
  // Only a note ('Nov. 1973', 'Between Aug. and Sep. 1977', a Hijri date...): use it if it reads as a date.
  if (note !== undefined) {
    if (/^approximately$/i.test(note)) return [];
    const loose = parseLooseDate(note);
    return loose !== undefined ? [loose] : parseLooseRange(note);
  }
  return [];
}

function oneOrNone(d: string | undefined): string[] | undefined {
  return d === undefined ? undefined : [d];
}

function describeDob(dob: XmlNode): string {
  return dob.children
    .map((c) => (c.own() === undefined ? undefined : `${c.name} ${c.own()}`))
    .filter((x) => x !== undefined)
    .join(', ');
}

/**
 * A UN document: TYPE_OF_DOCUMENT (or TYPE_OF_DOCUMENT2) + NUMBER + issuing country; when NUMBER is missing the
 * UN puts the whole description in NOTE or TYPE_OF_DOCUMENT2, which then becomes the value (kept, not lost).
 */
function addDocument(id: IdentityBuilder, doc: XmlNode): void {
  const type1 = doc.value('TYPE_OF_DOCUMENT');
  const type2 = doc.value('TYPE_OF_DOCUMENT2');
  const number = doc.value('NUMBER');
  const note = doc.value('NOTE');
  const type = type1 ?? type2 ?? 'Document';
  const value = number ?? note ?? (type1 !== undefined ? type2 : undefined);
  if (value === undefined) return;
  const details = joinDefined(
    [
      type1 !== undefined && type2 !== undefined && value !== type2 ? type2 : undefined,
      doc.value('DATE_OF_ISSUE') && `issued ${doc.value('DATE_OF_ISSUE')}`,
      doc.value('CITY_OF_ISSUE') && `in ${doc.value('CITY_OF_ISSUE')}`,
      number !== undefined ? note : undefined,
    ],
    '; ',
  );
  id.addIdentifier(type, value, doc.value('ISSUING_COUNTRY') ?? doc.value('COUNTRY_OF_ISSUE'), details);
}
