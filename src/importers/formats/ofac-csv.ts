/**
 * OFAC legacy CSV set: sdn.csv (or cons_prim.csv) plus optional add/alt/comments files, joined by ent_num.
 *
 * File quirks handled: no header row; `-0- ` is the null marker (the 2019 copy's last field was cut to `-0` /
 * `-0-`, also null); latin-1/cp1252 bytes; CRLF or LF; a final line holding only Ctrl-Z (0x1A), an MS-DOS
 * end-of-file marker, which is skipped. sdn_comments.csv continues a Remarks field cut at the CSV field limit:
 * it is appended with NO separator (the cut falls mid-word: "...PROMO RAI" + "Z S.A.S.; ...").
 *
 * Dates: the files carry none. publishedOn comes from options.publishedOn (required); listedOn stays absent.
 * Birth dates are read from Remarks ("DOB 12 Mar 1964"); unreadable ones are only in the remark text (kept
 * verbatim), never a failure.
 *
 * add/alt/comments rows whose ent_num is not in the primary file are ignored: OFAC's own excerpts (and the
 * watchman test excerpt here) contain such rows, and they name no listing of this snapshot.
 */
import { basename } from 'node:path';
import type { NameQuality } from '../../../events/identity';
import type { SubjectKind } from '../../../events/primitives';
import { ListParseError, quote } from '../errors';
import type { CsvRow } from '../io/csv-stream';
import { streamCsv } from '../io/csv-stream';
import type { Progress } from '../io/source';
import { SourceFile } from '../io/source';
import type { ListId, ListSnapshot, Listing } from '../listing';
import { parseIsoDate } from '../normalize/dates';
import { IdentityBuilder } from '../normalize/identity-builder';
import { ListingCollector, makeListing } from '../normalize/listing-builder';
import { clean, joinDefined } from '../normalize/text';
import { runInSlices, type Steps } from '../../scheduling/steps';
import { applyRemarks } from './ofac-remarks';
import { ofacLegalBasis, ofacMeasures, ofacRegime, splitPrograms } from './ofac-programs';

type OfacList = Extract<ListId, 'OFAC-SDN' | 'OFAC-CONS'>;
type Role = 'primary' | 'address' | 'alias' | 'comments';

const ROLE_ORDER: Role[] = ['primary', 'address', 'alias', 'comments'];
/** The files of the set by name (lower case), as OFAC publishes them: what each one is and of which list. */
export const OFAC_CSV_FILES: Readonly<Record<string, { list: OfacList; role: Role }>> = {
  'sdn.csv': { list: 'OFAC-SDN', role: 'primary' },
  'add.csv': { list: 'OFAC-SDN', role: 'address' },
  'alt.csv': { list: 'OFAC-SDN', role: 'alias' },
  'sdn_comments.csv': { list: 'OFAC-SDN', role: 'comments' },
  'cons_prim.csv': { list: 'OFAC-CONS', role: 'primary' },
  'cons_add.csv': { list: 'OFAC-CONS', role: 'address' },
  'cons_alt.csv': { list: 'OFAC-CONS', role: 'alias' },
  'cons_comments.csv': { list: 'OFAC-CONS', role: 'comments' },
};
const COLUMNS: Record<Role, number> = { primary: 12, address: 6, alias: 5, comments: 2 };

const KINDS: Record<string, SubjectKind> = { individual: 'person', vessel: 'vessel', aircraft: 'aircraft' };
const ALIAS_QUALITY: Record<string, NameQuality> = { aka: 'strong-alias', nka: 'strong-alias', fka: 'former-name' };

interface Draft {
  line: number;
  fields: (string | undefined)[];
  addresses: (string | undefined)[][];
  aliases: (string | undefined)[][];
  /** Remarks exactly as in the file (untrimmed), so a continuation from sdn_comments joins at the right spot. */
  rawRemarks: string;
}

/** `-0- ` (and the clipped `-0`/`-0-`) is OFAC's null. */
function field(raw: string): string | undefined {
  const t = raw.trim();
  return t === '-0-' || t === '-0' ? undefined : clean(raw);
}

export async function parseOfacCsv(paths: readonly string[], progress: Progress, publishedOnOption: string | undefined): Promise<ListSnapshot> {
  const byRole = assignRoles(paths);
  const primary = byRole.get('primary')!;
  const list = OFAC_CSV_FILES[basename(primary).toLowerCase()]!.list;
  if (publishedOnOption === undefined) {
    throw new ListParseError({ file: primary, line: 0, problem: 'OFAC CSV files carry no publication date: give it as publishedOn (CLI --published-on), YYYY-MM-DD' });
  }
  const publishedOn = /^\d{4}-\d{2}-\d{2}$/.test(publishedOnOption) ? parseIsoDate(publishedOnOption) : undefined;
  if (publishedOn === undefined) {
    throw new ListParseError({ file: primary, line: 0, problem: `publishedOn ${quote(publishedOnOption)} is not a real YYYY-MM-DD date` });
  }

  const drafts = new Map<string, Draft>();
  const digests = [];
  for (const role of ROLE_ORDER) {
    const path = byRole.get(role);
    if (path === undefined) continue;
    const source = new SourceFile(path, progress);
    await streamCsv(source, {
      encoding: 'windows-1252',
      onRow: (row) => {
        const fields = checkedRow(source.name, row, role);
        if (fields === undefined) return;
        const ent = fields[0]!;
        if (role === 'primary') {
          const seen = drafts.get(ent);
          if (seen) throw new ListParseError({ file: source.name, line: row.line, record: ent, problem: `duplicate ent_num ${ent} (first at line ${seen.line})` });
          const remarks = fields[11]!;
          drafts.set(ent, { line: row.line, fields: fields.map(field), addresses: [], aliases: [], rawRemarks: field(remarks) === undefined ? '' : remarks });
          return;
        }
        const draft = drafts.get(ent);
        if (draft === undefined) return; // orphan row (see module comment)
        if (role === 'address') draft.addresses.push(fields.map(field));
        else if (role === 'alias') draft.aliases.push(fields.map(field));
        else if (field(fields[1]!) !== undefined) draft.rawRemarks += fields[1];
      },
    });
    digests.push(source.digest());
  }

  const primaryName = basename(primary);
  const collector = new ListingCollector(primaryName);
  // In time slices: the files join only once all are read, and building the 7,000-odd listings of the SDN set at
  // once held the event loop for 300-400 ms (an import inside the service must leave it answering).
  await runInSlices(buildListings(list, drafts, primaryName, collector));
  return { list, authority: 'US', publishedOn, files: digests, entries: collector.entries };
}

function* buildListings(list: OfacList, drafts: ReadonlyMap<string, Draft>, primaryName: string, collector: ListingCollector): Steps<void> {
  for (const [ent, draft] of drafts) {
    collector.add(toListing(list, ent, draft, primaryName), draft.line);
    yield;
  }
}

function assignRoles(paths: readonly string[]): Map<Role, string> {
  const byRole = new Map<Role, string>();
  let list: OfacList | undefined;
  for (const p of paths) {
    const spec = OFAC_CSV_FILES[basename(p).toLowerCase()];
    if (spec === undefined) {
      throw new ListParseError({ file: p, line: 0, problem: `not a file of the OFAC legacy CSV set (expected one of ${Object.keys(OFAC_CSV_FILES).join(', ')})` });
    }
    if (list !== undefined && spec.list !== list) throw new ListParseError({ file: p, line: 0, problem: 'mixes SDN and consolidated (cons_*) files in one set' });
    if (byRole.has(spec.role)) throw new ListParseError({ file: p, line: 0, problem: `a second ${spec.role} file in the set` });
    list = spec.list;
    byRole.set(spec.role, p);
  }
  if (!byRole.has('primary')) {
    throw new ListParseError({ file: paths[0] ?? 'sdn.csv', line: 0, problem: 'the set has no primary file (sdn.csv or cons_prim.csv)' });
  }
  return byRole;
}

/** Validates a row's shape; undefined for the Ctrl-Z end-of-file line. */
function checkedRow(file: string, row: CsvRow, role: Role): string[] | undefined {
  const f = row.fields;
  if (f.length === 1 && f[0]!.trim() === '\x1a') return undefined;
  if (f.length !== COLUMNS[role]) {
    throw new ListParseError({ file, line: row.line, problem: `expected ${COLUMNS[role]} fields, found ${f.length}: not an OFAC ${role} CSV row` });
  }
  if (!/^\d+$/.test(f[0]!.trim())) {
    throw new ListParseError({ file, line: row.line, problem: `ent_num ${quote(f[0]!)} is not a number: not an OFAC CSV row` });
  }
  f[0] = f[0]!.trim();
  return f;
}

function toListing(list: OfacList, ent: string, draft: Draft, file: string): Listing {
  const [, name, type, programs, title, callSign, vessType, tonnage, grt, vessFlag, vessOwner] = draft.fields;
  const fail = (problem: string): never => {
    throw new ListParseError({ file, line: draft.line, record: ent, problem: `ent_num ${ent} ${problem}` });
  };
  const kind = type === undefined ? 'entity' : (KINDS[type.toLowerCase()] ?? fail(`SDN_Type ${quote(type)} is unknown`));

  const id = new IdentityBuilder();
  id.addName(name, 'primary');
  if (!id.hasPrimary) fail('has no SDN_Name');
  const notes: (string | undefined)[] = [];
  for (const [, , altType, altName, altRemarks] of draft.aliases) {
    id.addName(altName, ALIAS_QUALITY[(altType ?? '').toLowerCase()] ?? 'alias');
    if (altRemarks) notes.push(`Alias ${altName}: ${altRemarks}`);
  }
  for (const [, , street, cityEtc, country, addRemarks] of draft.addresses) {
    // The legacy CSV has one column for "City/State/Province/Postal Code"; it is kept whole as the city.
    id.addAddress({ street, city: cityEtc, country });
    if (addRemarks) notes.push(`Address ${joinDefined([street, cityEtc, country], ', ') ?? ''}: ${addRemarks}`);
  }
  id.addPosition(title);
  id.addIdentifier('Call Sign', callSign);
  id.addIdentifier('Vessel Type', vessType);
  id.addIdentifier('Vessel Tonnage', tonnage);
  id.addIdentifier('Vessel GRT', grt);
  id.addIdentifier('Vessel Flag', vessFlag);
  id.addIdentifier('Vessel Owner', vessOwner);
  const fullRemarks = clean(draft.rawRemarks);
  applyRemarks(fullRemarks, id);

  const programList = splitPrograms(programs);
  return makeListing(
    {
      list,
      authority: 'US',
      authorityReference: ent,
      kind,
      identity: id.build()!,
      regimes: programList.map(ofacRegime),
      measures: ofacMeasures(list, programList),
      legalBasis: programList.map(ofacLegalBasis),
      remarks: [fullRemarks, ...notes],
    },
    { file, line: draft.line },
  );
}
