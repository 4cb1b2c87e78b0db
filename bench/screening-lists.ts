/** Every list file of ../shared/data/lists as screening entries (in force always): what the screening benchmarks screen against. */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OPEN_DATE, OPEN_INSTANT } from '../projections/schema';
import { parseSnapshot, type Format, type Listing } from '../src/importers/parse';
import type { ScreeningEntry } from '../src/screening';

const LISTS = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../shared/data/lists');
const SETS: ReadonlyArray<[Format, string[]]> = [
  ['un-xml', ['un/un_consolidated_2024-09-26.xml']],
  ['eu-xml', ['eu/eu_fsf_excerpt_2020-04-15_a.xml']],
  ['eu-xml', ['eu/eu_fsf_excerpt_2020-04-15_b.xml']],
  ['ofac-csv', ['ofac/2019-01_watchman/sdn.csv', 'ofac/2019-01_watchman/add.csv', 'ofac/2019-01_watchman/alt.csv', 'ofac/2019-01_watchman/sdn_comments.csv']],
  ['ofac-xml', ['ofac-consolidated/consolidated_nonsdn_2020-03-17.xml']],
  ['uk-ofsi-csv', ['uk/ofsi_conlist_2020-04-27.csv']],
  ['uk-xml', ['uk/uk_sanctions_list_xml_excerpt_2026-08-14.xml']],
];

export interface LoadedLists {
  readonly entries: ScreeningEntry[];
  readonly listings: Listing[];
  readonly notes: string[];
}

export async function loadAllLists(): Promise<LoadedLists> {
  const entries: ScreeningEntry[] = [];
  const listings: Listing[] = [];
  const notes: string[] = [];
  for (const [format, files] of SETS) {
    try {
      const snapshot = await parseSnapshot(format, files.map((f) => resolve(LISTS, f)), { publishedOn: '2019-01-01' });
      for (const l of snapshot.entries) {
        const id = `${l.list}:${l.authorityReference}`;
        listings.push(l);
        entries.push({
          subjectId: id, designationId: 'd', kind: l.kind, authority: l.authority, regime: l.regimes[0] ?? `${l.authority}:X`, primaryName: l.identity.names[0]!.name,
          names: l.identity.names.map((n) => ({ name: n.name, quality: n.quality })), identifiers: (l.identity.identifiers ?? []).map(({ type, value }) => ({ type, value })),
          birthDates: l.identity.birthDates ?? [], countries: l.identity.nationalities ?? [],
          effectiveFrom: '1900-01-01', effectiveTo: OPEN_DATE, recordedFrom: '1900-01-01T00:00:00.000Z', recordedTo: OPEN_INSTANT,
        });
      }
      notes.push(`${format} ${files[0]}: ${snapshot.entries.length} listings`);
    } catch (error) {
      notes.push(`${format} ${files[0]}: not loaded (${error instanceof Error ? error.message.slice(0, 120) : String(error)})`);
    }
  }
  return { entries, listings, notes };
}

export const idOf = (l: Listing) => `${l.list}:${l.authorityReference}`;

/**
 * The one-screening queries of the speed benchmarks (in process and over HTTP): every 7th listed primary name, words
 * reversed; another offset gives as many other names (a warm-up that screens none of the measured names).
 */
export const speedQueries = (listings: readonly Listing[], offset = 0) => listings.filter((_, i) => i % 7 === offset).map((l) => l.identity.names[0]!.name.split(/\s+/).reverse().join(' '));
