/**
 * OFAC sdnList XML (sdn.xml / consolidated.xml). Elements are matched by LOCAL name, so both the old
 * `http://tempuri.org/sdnList.xsd` namespace and the Sanctions List Service one
 * (`https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML`), or any other, parse alike.
 *
 * Dates: publishedOn = publshInformation/Publish_Date (MM/DD/YYYY; OFAC's spelling "publsh"); missing or
 * impossible fails the file. Record_Count, when present, must equal the entries read (a cheap integrity check).
 * No listing date exists in this format. Birth dates ("12 Mar 1964", "1964", "Jan 1960 to Dec 1962") that cannot
 * be read are recorded in remarks, never a failure.
 *
 * Names follow the CSV's "LAST, First" form so the XML and CSV of one list produce the same names.
 */
import type { NameQuality } from '../../../events/identity';
import type { SubjectKind } from '../../../events/primitives';
import { ListParseError, quote } from '../errors';
import type { SourceFile } from '../io/source';
import type { XmlNode } from '../io/xml-node';
import { streamXml } from '../io/xml-stream';
import type { ListId, ListSnapshot, Listing } from '../listing';
import { parseIsoDate, parseLooseDate, parseLooseRange, parseMdy } from '../normalize/dates';
import { IdentityBuilder } from '../normalize/identity-builder';
import { ListingCollector, makeListing } from '../normalize/listing-builder';
import { joinDefined } from '../normalize/text';
import { ofacLegalBasis, ofacMeasures, ofacRegime } from './ofac-programs';

type OfacList = Extract<ListId, 'OFAC-SDN' | 'OFAC-CONS'>;

const KINDS: Record<string, SubjectKind> = { individual: 'person', entity: 'entity', vessel: 'vessel', aircraft: 'aircraft' };

export async function parseOfacXml(source: SourceFile, listOption: OfacList | undefined): Promise<ListSnapshot> {
  const list: OfacList = listOption ?? (/cons/i.test(source.name) ? 'OFAC-CONS' : 'OFAC-SDN');
  const collector = new ListingCollector(source.name);
  const root = await streamXml(source, {
    root: 'sdnList',
    formatLabel: 'OFAC sdnList XML',
    records: new Set(['sdnEntry']),
    onRecord: (node) => collector.add(mapEntry(list, node, source.name), node.line),
  });
  const info = root.child('publshInformation');
  const raw = info?.value('Publish_Date');
  const publishedOn = parseMdy(raw) ?? parseIsoDate(raw); // ISO accepted in case a newer export switches
  if (publishedOn === undefined) {
    throw new ListParseError({
      file: source.name,
      line: info?.lineOf('Publish_Date') ?? root.line,
      problem: `publshInformation/Publish_Date ${quote(raw ?? '(missing)')} is not a real MM/DD/YYYY date`,
    });
  }
  const count = info?.value('Record_Count');
  if (count !== undefined && Number(count) !== collector.entries.length) {
    throw new ListParseError({
      file: source.name,
      line: info!.lineOf('Record_Count'),
      problem: `Record_Count says ${count} entries but the file holds ${collector.entries.length} (truncated or edited file?)`,
    });
  }
  return { list, authority: 'US', publishedOn, files: [source.digest()], entries: collector.entries };
}

/** "LAST, First" as the CSV writes it; entities have only lastName. */
function fullName(node: XmlNode): string | undefined {
  const last = node.value('lastName');
  const first = node.value('firstName');
  return last !== undefined && first !== undefined ? `${last}, ${first}` : (last ?? first);
}

function akaQuality(aka: XmlNode): NameQuality {
  const type = (aka.value('type') ?? '').toLowerCase();
  if (type === 'f.k.a.') return 'former-name';
  return (aka.value('category') ?? '').toLowerCase() === 'weak' ? 'weak-alias' : 'strong-alias';
}

function mapEntry(list: OfacList, node: XmlNode, file: string): Listing {
  const uid = node.value('uid');
  const fail = (line: number, problem: string): never => {
    throw new ListParseError({ file, line, record: uid, problem });
  };
  if (uid === undefined || !/^\d+$/.test(uid)) return fail(node.line, `sdnEntry uid ${quote(uid ?? '(missing)')} is not a number`);
  const what = `sdnEntry ${uid}`;
  const type = node.value('sdnType') ?? '';
  const kind = KINDS[type.toLowerCase()] ?? fail(node.lineOf('sdnType'), `${what} sdnType ${quote(type)} is unknown`);

  const id = new IdentityBuilder();
  const remarks: (string | undefined)[] = [node.value('remarks')];
  id.addName(fullName(node), 'primary');
  if (!id.hasPrimary) fail(node.line, `${what} has no name`);
  for (const aka of node.path('akaList', 'aka')) id.addName(fullName(aka), akaQuality(aka));
  id.addPosition(node.value('title'));

  for (const doc of node.path('idList', 'id')) {
    const idType = doc.value('idType');
    const idNumber = doc.value('idNumber');
    if (idType === undefined) continue;
    if (/^gender$/i.test(idType)) id.setGender(idNumber);
    // Sanction notes travel in idList too ("Additional Sanctions Information -", "... Determination -",
    // "For more information, please see:"); they are remarks, not identifiers.
    else if (/(?:\s-|:)$/.test(idType)) remarks.push(`${idType} ${idNumber ?? ''}`);
    else {
      const note = joinDefined([doc.value('issueDate') && `issued ${doc.value('issueDate')}`, doc.value('expirationDate') && `expires ${doc.value('expirationDate')}`], '; ');
      id.addIdentifier(idType, idNumber, doc.value('idCountry'), note);
    }
  }
  for (const a of node.path('addressList', 'address')) {
    id.addAddress({
      street: joinDefined([a.value('address1'), a.value('address2'), a.value('address3')], ', '),
      city: a.value('city'),
      region: a.value('stateOrProvince'),
      postalCode: a.value('postalCode'),
      country: a.value('country'),
    });
  }
  for (const n of node.path('nationalityList', 'nationality')) id.addNationality(n.value('country'));
  for (const n of node.path('citizenshipList', 'citizenship')) id.addNationality(n.value('country'));
  for (const d of node.path('dateOfBirthList', 'dateOfBirthItem')) {
    const raw = d.value('dateOfBirth');
    if (raw === undefined) continue;
    const one = parseLooseDate(raw);
    const dates = one !== undefined ? [one] : parseLooseRange(raw);
    if (dates === undefined) remarks.push(`Date of birth (not a usable date): ${raw}`);
    else dates.forEach((x) => id.addBirthDate(x));
  }
  for (const p of node.path('placeOfBirthList', 'placeOfBirthItem')) id.addBirthPlace(p.value('placeOfBirth'));
  const vessel = node.child('vesselInfo');
  if (vessel !== undefined) {
    id.addIdentifier('Call Sign', vessel.value('callSign'));
    id.addIdentifier('Vessel Type', vessel.value('vesselType'));
    id.addIdentifier('Vessel Tonnage', vessel.value('tonnage'));
    id.addIdentifier('Vessel GRT', vessel.value('grossRegisteredTonnage'));
    id.addIdentifier('Vessel Flag', vessel.value('vesselFlag'));
    id.addIdentifier('Vessel Owner', vessel.value('vesselOwner'));
  }

  const programs = node.path('programList', 'program').map((p) => p.own()).filter((p): p is string => p !== undefined);
  return makeListing(
    {
      list,
      authority: 'US',
      authorityReference: uid,
      kind,
      identity: id.build()!,
      regimes: programs.map(ofacRegime),
      measures: ofacMeasures(list, programs),
      legalBasis: programs.map(ofacLegalBasis),
      remarks,
    },
    { file, line: node.line },
  );
}
