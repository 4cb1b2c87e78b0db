/**
 * Every real list file in ../shared/data/lists imports without error into an empty ledger, and the ledger asOf
 * the file's publication date then says exactly what the file says: every (entry, regime) in force with the
 * entry's name, a legal basis and measures drawn from the entry's, and nothing else of that list.
 */
import { describe, expect, it } from 'vitest';
import { importFiles } from '../../src/importers/import';
import type { Format, ListSnapshot, ParseOptions } from '../../src/importers/listing';
import { Ledger } from '../../src/ledger';
import { Projector } from '../../src/projector/projector';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DATA, OFAC_2019, OFAC_2025, OFAC_CONS, data, parsed } from './fixtures';

interface Case {
  readonly name: string;
  readonly format: Format;
  readonly files: string[];
  readonly options?: Pick<ParseOptions, 'publishedOn'>;
}

const CASES: Case[] = [
  ...['2017-06-20', '2017-06-30', '2017-07-03', '2024-09-21', '2024-09-26'].map((d): Case => ({ name: `UN ${d}`, format: 'un-xml', files: [data(`un/un_consolidated_${d}.xml`)] })),
  { name: 'OFAC SDN CSV 2018-01 (sdn.csv alone)', format: 'ofac-csv', files: [data('ofac/2018-01_archerimpact/sdn.csv')], options: { publishedOn: '2018-01-26' } },
  { name: 'OFAC SDN CSV set 2019-01', format: 'ofac-csv', files: OFAC_2019, options: { publishedOn: '2019-01-04' } },
  { name: 'OFAC SDN CSV excerpt 2025-05', format: 'ofac-csv', files: OFAC_2025, options: { publishedOn: '2025-05-01' } },
  { name: 'OFAC consolidated CSV set 2018', format: 'ofac-csv', files: OFAC_CONS, options: { publishedOn: '2018-04-06' } },
  { name: 'OFAC consolidated XML 2018-04-06', format: 'ofac-xml', files: [data('ofac-consolidated/consolidated_nonsdn_2018-04-06.xml')] },
  { name: 'OFAC consolidated XML 2020-03-17', format: 'ofac-xml', files: [data('ofac-consolidated/consolidated_nonsdn_2020-03-17.xml')] },
  { name: 'EU FSF excerpt a', format: 'eu-xml', files: [data('eu/eu_fsf_excerpt_2020-04-15_a.xml')] },
  { name: 'EU FSF excerpt b', format: 'eu-xml', files: [data('eu/eu_fsf_excerpt_2020-04-15_b.xml')] },
  { name: 'UK OFSI ConList 2020-04-27', format: 'uk-ofsi-csv', files: [data('uk/ofsi_conlist_2020-04-27.csv')] },
  { name: 'UK Sanctions List XML excerpt', format: 'uk-xml', files: [data('uk/uk_sanctions_list_xml_excerpt_2026-08-14.xml')] },
];

const key = (subjectId: string, regime: string) => `${subjectId}|${regime}`;

async function expectLedgerMatches(projector: Projector, snapshot: ListSnapshot) {
  const prefix = `${snapshot.list}:`;
  const state = await projector.queries.state({ asOf: snapshot.publishedOn, authority: snapshot.authority });
  const inForce = new Map(state.designations.filter((d) => d.subjectId.startsWith(prefix)).map((d) => [key(d.subjectId, d.regime), d]));
  let expected = 0;
  for (const entry of snapshot.entries) {
    const subjectId = `${prefix}${entry.authorityReference}`;
    for (const regime of entry.regimes) {
      expected++;
      const d = inForce.get(key(subjectId, regime));
      expect(d, `${subjectId} under ${regime}`).toBeDefined();
      expect(d!.primaryName).toBe(entry.identity.names[0]!.name);
      expect(d!.authorityReference).toBe(entry.authorityReference);
      expect(d!.measures.length).toBeGreaterThan(0);
      expect(entry.measures).toEqual(expect.arrayContaining([...d!.measures]));
      expect(d!.legalBasis.length).toBeGreaterThan(0);
      expect(entry.legalBasis).toEqual(expect.arrayContaining([...d!.legalBasis]));
      expect(d!.effectiveFrom <= snapshot.publishedOn).toBe(true);
    }
  }
  expect(inForce.size).toBe(expected);
  // The subject query gives the file's identity and every regime of the entry (first entries, to stay quick).
  for (const entry of snapshot.entries.slice(0, 25)) {
    const subject = await projector.queries.subject(`${prefix}${entry.authorityReference}`, { asOf: snapshot.publishedOn });
    expect(subject!.kind).toBe(entry.kind);
    expect(subject!.designations.map((d) => d.regime).sort()).toEqual([...entry.regimes].sort());
    for (const d of subject!.designations) expect(d.identity).toEqual(entry.identity);
  }
}

describe('every file in the folder imports into an empty ledger', () => {
  it('the cases below cover every list file in the folder (a new file needs a case)', () => {
    const files = readdirSync(DATA, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name !== 'SOURCES.md')
      .map((entry) => relative(DATA, join(entry.parentPath, entry.name)))
      .sort();
    const covered = new Set(CASES.flatMap((c) => c.files.map((f) => relative(DATA, f))));
    expect(files.length).toBeGreaterThan(20);
    expect(files.filter((f) => !covered.has(f))).toEqual([]);
  });

  for (const c of CASES) {
    it(c.name, async () => {
      const store = SqliteEventStore.open(':memory:');
      const projector = Projector.open(store, ':memory:');
      try {
        const report = await importFiles({ ledger: Ledger.over(store), projector }, c.format, c.files, c.options);
        const snapshot = await parsed(c.format, c.files, c.options);
        const designations = snapshot.entries.reduce((n, e) => n + e.regimes.length, 0);
        expect(report).toMatchObject({ list: snapshot.list, entries: { added: snapshot.entries.length, amended: 0, delisted: 0, unchanged: 0 }, appendedEvents: designations + 1, refusals: [] }); // +1: the file's ListFileImported
        await expectLedgerMatches(projector, snapshot);
      } finally {
        await projector.close();
        await store.close();
      }
    }, 120_000);
  }
});
