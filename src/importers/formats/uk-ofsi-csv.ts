/**
 * OFSI Consolidated List CSV ("ConList", 2020 layout): line 1 `Last Updated,dd/mm/yyyy`, line 2 the header,
 * then ONE ROW PER NAME (and per DOB/address combination) with `Group ID` as the listing key. Rows of a group
 * are merged into one listing: the 'Prime Alias' row's name is primary, AKA rows aliases, FKA rows former names.
 * Columns are found by header name, so later layouts that add columns still parse. Encoding cp1252, CRLF.
 *
 * Dates:
 * - publishedOn = the date on line 1; missing or impossible fails the file.
 * - listedOn = the EARLIEST "Listed On" among the group's rows (a group listed under two regimes carries both
 *   dates; the earliest is when it was first listed). lastUpdated = the distinct "Last Updated" values.
 *   Either being impossible FAILS the file.
 * - DOB: `dd/mm/yyyy` with 00 for unknown parts (`00/00/1980` -> '1980'); an impossible DOB goes to remarks.
 */
import type { NameQuality } from '../../../events/identity';
import type { Regime, SubjectKind } from '../../../events/primitives';
import { ListParseError, quote } from '../errors';
import { streamCsv, type CsvRow } from '../io/csv-stream';
import type { SourceFile } from '../io/source';
import type { ListSnapshot } from '../listing';
import { parseDmy, parseDmyPartial } from '../normalize/dates';
import { IdentityBuilder, compareText } from '../normalize/identity-builder';
import { ListingCollector, makeListing } from '../normalize/listing-builder';
import { clean, joinDefined, splitEnumerated } from '../normalize/text';
import { ukRegime, ukTravelBanApplies } from './uk-regimes';

const REQUIRED = [
  'Name 6', 'Name 1', 'Name 2', 'Name 3', 'Name 4', 'Name 5', 'Title', 'DOB', 'Town of Birth', 'Country of Birth',
  'Nationality', 'Passport Details', 'NI Number', 'Position', 'Address 1', 'Address 2', 'Address 3', 'Address 4',
  'Address 5', 'Address 6', 'Post/Zip Code', 'Country', 'Other Information', 'Group Type', 'Alias Type', 'Regime',
  'Listed On', 'Last Updated', 'Group ID',
] as const;
type Column = (typeof REQUIRED)[number] | 'Alias Quality' | 'Name Non-Latin Script';

const KINDS: Record<string, SubjectKind> = { individual: 'person', entity: 'entity', ship: 'vessel' };
const ALIAS_TYPES: Record<string, NameQuality> = { 'prime alias': 'primary', aka: 'alias', fka: 'former-name' };

interface Group {
  line: number;
  kind: SubjectKind;
  id: IdentityBuilder;
  regimeNames: Set<string>;
  listedOn: string[];
  lastUpdated: Set<string>;
  remarks: string[];
}

export async function parseUkOfsiCsv(source: SourceFile): Promise<ListSnapshot> {
  const file = source.name;
  let publishedOn: string | undefined;
  let columns: Map<Column, number> | undefined;
  let width = 0;
  const groups = new Map<string, Group>();

  const onRow = (row: CsvRow): void => {
    const fail = (problem: string, record?: string): never => {
      throw new ListParseError({ file, line: row.line, record, problem });
    };
    if (publishedOn === undefined) {
      const [label, date] = row.fields;
      if (row.line !== 1 || clean(label) !== 'Last Updated') fail('line 1 is not "Last Updated,<dd/mm/yyyy>": not an OFSI ConList CSV');
      publishedOn = parseDmy(date) ?? fail(`Last Updated ${quote(date ?? '')} is not a real dd/mm/yyyy date`);
      return;
    }
    if (columns === undefined) {
      columns = new Map(row.fields.map((h, i) => [clean(h) as Column, i]));
      const missing = REQUIRED.filter((c) => !columns!.has(c));
      if (missing.length > 0) fail(`header lacks column(s) ${missing.join(', ')}: not an OFSI ConList CSV layout`);
      width = row.fields.length;
      return;
    }
    if (row.fields.length !== width) fail(`expected ${width} fields, found ${row.fields.length}`);
    const get = (c: Column): string | undefined => {
      const i = columns!.get(c);
      return i === undefined ? undefined : clean(row.fields[i]);
    };
    const groupId = get('Group ID') ?? fail('row has no Group ID');
    const typeRaw = get('Group Type') ?? '';
    const kind = KINDS[typeRaw.toLowerCase()] ?? fail(`Group ID ${groupId} Group Type ${quote(typeRaw)} is unknown`, groupId);
    let g = groups.get(groupId);
    if (g === undefined) {
      g = { line: row.line, kind, id: new IdentityBuilder(), regimeNames: new Set(), listedOn: [], lastUpdated: new Set(), remarks: [] };
      groups.set(groupId, g);
    } else if (g.kind !== kind) {
      fail(`Group ID ${groupId} is both ${g.kind} and ${kind}`, groupId);
    }

    const listedRaw = get('Listed On');
    if (listedRaw !== undefined) g.listedOn.push(parseDmy(listedRaw) ?? fail(`Group ID ${groupId} Listed On ${quote(listedRaw)} is not a real date`, groupId));
    const updatedRaw = get('Last Updated');
    if (updatedRaw !== undefined) g.lastUpdated.add(parseDmy(updatedRaw) ?? fail(`Group ID ${groupId} Last Updated ${quote(updatedRaw)} is not a real date`, groupId));
    const regime = get('Regime');
    if (regime !== undefined) g.regimeNames.add(regime);

    const aliasType = (get('Alias Type') ?? '').toLowerCase();
    let quality = ALIAS_TYPES[aliasType] ?? 'alias';
    const aliasQuality = (get('Alias Quality') ?? '').toLowerCase();
    if (quality === 'alias' && aliasQuality.startsWith('good')) quality = 'strong-alias';
    if (quality === 'alias' && aliasQuality.startsWith('low')) quality = 'weak-alias';
    const name = joinDefined((['Name 1', 'Name 2', 'Name 3', 'Name 4', 'Name 5', 'Name 6'] as const).map(get), ' ');
    g.id.addName(name, quality);
    g.id.addName(get('Name Non-Latin Script'), 'original-script');
    g.id.addTitle(get('Title'));

    const dob = get('DOB');
    if (dob !== undefined) {
      const d = parseDmyPartial(dob);
      if (d !== undefined) g.id.addBirthDate(d);
      else g.remarks.push(`Date of birth (not a usable date): ${dob}`);
    }
    g.id.addBirthPlace(joinDefined([get('Town of Birth'), get('Country of Birth')], ', '));
    splitEnumerated(get('Nationality')).forEach((n) => g.id.addNationality(n));
    g.id.addIdentifier('Passport', get('Passport Details'));
    g.id.addIdentifier('National Identification Number', get('NI Number'));
    g.id.addPosition(get('Position'));
    g.id.addAddress({
      full: joinDefined((['Address 1', 'Address 2', 'Address 3', 'Address 4', 'Address 5', 'Address 6'] as const).map(get), ', '),
      postalCode: get('Post/Zip Code'),
      country: get('Country'),
    });
    const other = get('Other Information');
    if (other !== undefined) g.remarks.push(other);
  };

  await streamCsv(source, { encoding: 'windows-1252', onRow });
  if (publishedOn === undefined || columns === undefined) {
    throw new ListParseError({ file, line: 1, problem: 'file ends before the header: not an OFSI ConList CSV' });
  }

  const collector = new ListingCollector(file);
  for (const [groupId, g] of groups) {
    const identity = g.id.build();
    if (identity === undefined) throw new ListParseError({ file, line: g.line, record: groupId, problem: `Group ID ${groupId} has no "Prime Alias" name row` });
    const names = [...g.regimeNames];
    const regimes: Regime[] = names.map(ukRegime);
    const travelBan = g.kind === 'person' && regimes.some(ukTravelBanApplies);
    collector.add(
      makeListing(
        {
          list: 'UK-OFSI',
          authority: 'UK',
          authorityReference: groupId,
          kind: g.kind,
          identity,
          regimes,
          measures: travelBan ? ['asset-freeze', 'travel-ban'] : ['asset-freeze'],
          legalBasis: names,
          listedOn: g.listedOn.sort(compareText)[0],
          lastUpdated: g.lastUpdated,
          remarks: [...new Set(g.remarks)].sort(compareText),
        },
        { file, line: g.line },
      ),
      g.line,
    );
  }
  return { list: 'UK-OFSI', authority: 'UK', publishedOn, files: [source.digest()], entries: collector.entries };
}
