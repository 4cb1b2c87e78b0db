/**
 * EU Financial Sanctions Files (FSF) XML v1.1: root `export` (generationDate), one `sanctionEntity` per listing.
 *
 * Key: logicalId (stable across files); euReferenceNumber and unitedNationId are kept in remarks.
 * Regime: 'EU:' + regulation/@programme (IRQ, TAQA, PRK, TERR, COD, RUS...). Legal basis: each regulation's
 * numberTitle as 'EU-<year>/<number>' ("1210/2003 (OJ L169)" -> 'EU-2003/1210', "2019/555" -> 'EU-2019/555':
 * EU acts were numbered number/year before 2015 and year/number since). Measure: asset-freeze (the FSF is the
 * EU's financial-sanctions file; travel bans are not part of it).
 *
 * Dates:
 * - publishedOn = calendar date of export/@generationDate; invalid fails the file.
 * - listedOn = sanctionEntity/@designationDate when given (newer files). Older files have none; then the
 *   earliest entryIntoForceDate (else publicationDate) of the entity's base acts (regulationType 'regulation')
 *   is used. Amending/repealing acts are NOT used (their dates are not the listing date); with none of
 *   those, listedOn stays absent. An impossible value in any of these dates FAILS the file.
 * - lastUpdated = publicationDate of the entity's 'amendment' regulations.
 * - birthdate: full `birthdate`, else year/monthOfYear/dayOfMonth, else yearRangeFrom..To; anything impossible
 *   or in a non-Gregorian calendar goes to remarks, never a failure.
 *
 * Primary name: the FSF flags none. Stand-in, in order: a nameAlias in the regulation's own language (no
 * nameLanguage), with a structured lastName (the EU structures the main name, rarely the a.k.a.s), with the
 * LOWEST logicalId (recorded first). logicalIds are stable, so the choice does not flip between files.
 */
import type { SubjectKind } from '../../../events/primitives';
import { ListParseError, quote } from '../errors';
import type { SourceFile } from '../io/source';
import type { XmlNode } from '../io/xml-node';
import { streamXml } from '../io/xml-stream';
import type { ListSnapshot, Listing } from '../listing';
import { parseIsoDate, partialDate, yearRange } from '../normalize/dates';
import { IdentityBuilder, compareText } from '../normalize/identity-builder';
import { ListingCollector, makeListing, regimeCode } from '../normalize/listing-builder';
import { joinDefined } from '../normalize/text';

const KINDS: Record<string, SubjectKind> = { person: 'person', enterprise: 'entity', p: 'person', e: 'entity' };

export async function parseEuXml(source: SourceFile): Promise<ListSnapshot> {
  const collector = new ListingCollector(source.name);
  const root = await streamXml(source, {
    root: 'export',
    formatLabel: 'EU Financial Sanctions Files XML',
    records: new Set(['sanctionEntity']),
    onRecord: (node) => collector.add(mapEntity(node, source.name), node.line),
  });
  const generated = root.attr('generationDate');
  const publishedOn = parseIsoDate(generated);
  if (publishedOn === undefined) {
    throw new ListParseError({ file: source.name, line: root.line, problem: `export generationDate ${quote(generated ?? '(missing)')} is not a real date` });
  }
  return { list: 'EU-FSF', authority: 'EU', publishedOn, files: [source.digest()], entries: collector.entries };
}

/** Blank, '-', and the FSF's "unknown country" placeholders count as absent. */
function known(v: string | undefined): string | undefined {
  return v === undefined || v === '-' || v === '00' || /^unknown$/i.test(v) ? undefined : v;
}

/** 'EU-<year>/<number>' from a numberTitle such as "1210/2003 (OJ L169)" or "2019/555 (OJ L97)". */
export function euActId(numberTitle: string): string {
  const m = /^(\d+)\/(\d+)/.exec(numberTitle.trim());
  if (m) {
    const [a, b] = [m[1]!, m[2]!];
    const isYear = (x: string): boolean => x.length === 4 && Number(x) >= 1950 && Number(x) <= 2100;
    if (isYear(a) && (!isYear(b) || Number(a) >= 2015)) return `EU-${a}/${b}`;
    if (isYear(b)) return `EU-${b}/${a}`;
  }
  return `EU-${numberTitle.trim()}`;
}

function mapEntity(node: XmlNode, file: string): Listing {
  const ref = node.attr('logicalId');
  const fail = (line: number, problem: string): never => {
    throw new ListParseError({ file, line, record: ref, problem });
  };
  if (ref === undefined) return fail(node.line, 'sanctionEntity has no logicalId');
  const what = `sanctionEntity ${ref}`;
  const date = (n: XmlNode, attr: string): string | undefined => {
    const raw = n.attr(attr);
    return raw === undefined ? undefined : (parseIsoDate(raw) ?? fail(n.line, `${what} ${n.name} ${attr} ${quote(raw)} is not a real date`));
  };

  const subject = node.child('subjectType');
  const code = (subject?.attr('code') ?? subject?.attr('classificationCode') ?? '').toLowerCase();
  const kind = KINDS[code] ?? fail(subject?.line ?? node.line, `${what} subjectType ${quote(code)} is unknown`);

  const id = new IdentityBuilder();
  const aliases = node.all('nameAlias').sort((a, b) => {
    const lang = Number(a.attr('nameLanguage') !== undefined) - Number(b.attr('nameLanguage') !== undefined);
    const structured = Number(b.attr('lastName') !== undefined) - Number(a.attr('lastName') !== undefined);
    return lang || structured || Number(a.attr('logicalId') ?? Infinity) - Number(b.attr('logicalId') ?? Infinity) || compareText(a.attr('wholeName') ?? '', b.attr('wholeName') ?? '');
  });
  aliases.forEach((alias, i) => {
    const whole = alias.attr('wholeName') ?? joinDefined([alias.attr('firstName'), alias.attr('middleName'), alias.attr('lastName')], ' ');
    const quality = i === 0 ? 'primary' : alias.attr('strong') === 'false' ? 'weak-alias' : 'strong-alias';
    id.addName(whole, quality, { language: alias.attr('nameLanguage') });
    id.addTitle(alias.attr('title'));
    id.addPosition(alias.attr('function'));
    id.setGender(alias.attr('gender'));
  });
  if (!id.hasPrimary) fail(node.line, `${what} has no nameAlias`);

  for (const c of node.all('citizenship')) id.addNationality(known(c.attr('countryDescription')));
  const remarks: (string | undefined)[] = node.all('remark').map((r) => r.own());
  remarks.push(node.attr('designationDetails'));
  const euRef = node.attr('euReferenceNumber');
  if (euRef) remarks.push(`EU reference number: ${euRef}`);
  const unRef = node.attr('unitedNationId');
  if (unRef) remarks.push(`UN reference: ${unRef}`);

  for (const b of node.all('birthdate')) {
    const dates = birthDates(b);
    if (dates === undefined) remarks.push(`Date of birth (not a usable date): ${describe(b)}`);
    else dates.forEach((d) => id.addBirthDate(d));
    id.addBirthPlace(joinDefined([known(b.attr('city')), known(b.attr('region')), known(b.attr('place')), known(b.attr('countryDescription'))], ', '));
  }
  for (const doc of node.all('identification')) {
    const flags = ['diplomatic', 'knownExpired', 'knownFalse', 'reportedLost', 'revokedByIssuer'].filter((f) => doc.attr(f) === 'true');
    const note = joinDefined(
      [
        flags.length ? flags.join(', ') : undefined,
        doc.attr('issuedBy') && `issued by ${doc.attr('issuedBy')}`,
        doc.attr('issueDate') && `issued ${doc.attr('issueDate')}`,
        doc.attr('nameOnDocument') && `name on document: ${doc.attr('nameOnDocument')}`,
        ...doc.all('remark').map((r) => r.own()),
      ],
      '; ',
    );
    id.addIdentifier(doc.attr('identificationTypeDescription') ?? doc.attr('identificationTypeCode'), doc.attr('number'), known(doc.attr('countryDescription')), note);
  }
  for (const a of node.all('address')) {
    id.addAddress({
      street: joinDefined([a.attr('street'), a.attr('poBox') && `PO Box ${a.attr('poBox')}`], ', '),
      city: known(a.attr('city')),
      region: known(a.attr('region')),
      postalCode: a.attr('zipCode'),
      country: known(a.attr('countryDescription')),
      full: known(a.attr('place')),
    });
  }

  const regulations = node.all('regulation');
  const regimes = regulations.map((r) => r.attr('programme')).filter((p): p is string => p !== undefined);
  if (regimes.length === 0) fail(node.line, `${what} has no regulation programme`);
  const legalBasis = regulations.map((r) => r.attr('numberTitle')).filter((t): t is string => t !== undefined).map(euActId);
  const inForce = regulations
    .filter((r) => r.attr('regulationType') === 'regulation')
    .map((r) => {
      const [entry, published] = [date(r, 'entryIntoForceDate'), date(r, 'publicationDate')]; // both validated
      return entry ?? published;
    })
    .filter((d): d is string => d !== undefined);
  const listedOn = date(node, 'designationDate') ?? inForce.sort(compareText)[0];
  const lastUpdated = regulations
    .filter((r) => r.attr('regulationType') === 'amendment')
    .map((r) => date(r, 'publicationDate'))
    .filter((d): d is string => d !== undefined);

  return makeListing(
    {
      list: 'EU-FSF',
      authority: 'EU',
      authorityReference: ref,
      kind,
      identity: id.build()!,
      regimes: regimes.map((p) => regimeCode('EU', p)),
      measures: ['asset-freeze'],
      legalBasis,
      listedOn,
      lastUpdated,
      remarks,
    },
    { file, line: node.line },
  );
}

function birthDates(b: XmlNode): string[] | undefined {
  const calendar = b.attr('calendarType');
  const full = b.attr('birthdate');
  const year = b.attr('year');
  const from = b.attr('yearRangeFrom');
  const to = b.attr('yearRangeTo');
  if (full === undefined && year === undefined && from === undefined && to === undefined) return [];
  if (calendar !== undefined && calendar.toUpperCase() !== 'GREGORIAN') return undefined;
  if (full !== undefined) {
    const d = parseIsoDate(full);
    return d === undefined ? undefined : [d];
  }
  if (year !== undefined) {
    const d = partialDate(Number(year), Number(b.attr('monthOfYear') ?? 0), Number(b.attr('dayOfMonth') ?? 0));
    return d === undefined ? undefined : [d];
  }
  return yearRange(Number(from), Number(to));
}

function describe(b: XmlNode): string {
  return ['birthdate', 'dayOfMonth', 'monthOfYear', 'year', 'yearRangeFrom', 'yearRangeTo', 'calendarType']
    .filter((a) => b.attr(a) !== undefined)
    .map((a) => `${a}=${b.attr(a)}`)
    .join(', ');
}
