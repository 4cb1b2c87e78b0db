/**
 * Every real file, parsed: the ledger's event codecs accept each listing, the snapshot invariants hold, and
 * parsing is deterministic (same bytes -> deeply equal snapshot).
 */
import { describe, expect, it } from 'vitest';
import { Identity } from '../../events/identity';
import { IsoDate, Measure, Regime, authorityOfRegime } from '../../events/primitives';
import type { Format, ParseOptions } from '../../src/importers/listing';
import { parseSnapshot } from '../../src/importers/parse';
import { OFAC_2019, OFAC_2025, OFAC_CONS, data, parsed } from './fixtures';

const ALL: [string, Format, string[], number, ParseOptions?][] = [
  ['UN 2017-06-20', 'un-xml', [data('un/un_consolidated_2017-06-20.xml')], 1024],
  ['UN 2017-06-30', 'un-xml', [data('un/un_consolidated_2017-06-30.xml')], 1024],
  ['UN 2017-07-03', 'un-xml', [data('un/un_consolidated_2017-07-03.xml')], 1021],
  ['UN 2024-09-21', 'un-xml', [data('un/un_consolidated_2024-09-21.xml')], 875],
  ['UN 2024-09-26', 'un-xml', [data('un/un_consolidated_2024-09-26.xml')], 875],
  ['OFAC SDN CSV 2019-01', 'ofac-csv', OFAC_2019, 7379, { publishedOn: '2019-01-04' }],
  ['OFAC SDN CSV 2018-01', 'ofac-csv', [data('ofac/2018-01_archerimpact/sdn.csv')], 6068, { publishedOn: '2018-01-26' }],
  ['OFAC SDN CSV 2025 excerpt', 'ofac-csv', OFAC_2025, 17, { publishedOn: '2025-05-16' }],
  ['OFAC cons CSV 2018', 'ofac-csv', OFAC_CONS, 639, { publishedOn: '2018-04-06' }],
  ['OFAC cons XML 2018-04-06', 'ofac-xml', [data('ofac-consolidated/consolidated_nonsdn_2018-04-06.xml')], 639],
  ['OFAC cons XML 2020-03-17', 'ofac-xml', [data('ofac-consolidated/consolidated_nonsdn_2020-03-17.xml')], 375],
  ['EU excerpt a', 'eu-xml', [data('eu/eu_fsf_excerpt_2020-04-15_a.xml')], 7],
  ['EU excerpt b', 'eu-xml', [data('eu/eu_fsf_excerpt_2020-04-15_b.xml')], 5],
  ['UK OFSI CSV', 'uk-ofsi-csv', [data('uk/ofsi_conlist_2020-04-27.csv')], 2114],
  ['UK SL XML excerpt', 'uk-xml', [data('uk/uk_sanctions_list_xml_excerpt_2026-08-14.xml')], 4],
];

const sortedUnique = (xs: readonly string[]) => [...new Set(xs)].sort();

describe.each(ALL)('%s', (_label, format, files, count, options) => {
  it(`parses to ${count} listings the event codecs accept`, async () => {
    const s = await parsed(format, files, options);
    expect(s.entries).toHaveLength(count);
    expect(IsoDate.is(s.publishedOn)).toBe(true);
    expect(new Set(s.entries.map((e) => e.authorityReference)).size).toBe(count);
    for (const e of s.entries) {
      const where = `${s.list} ${e.authorityReference}`;
      expect(Identity.is(e.identity), where).toBe(true);
      expect(e.identity.names[0]?.quality, where).toBe('primary');
      expect(e.identity.names.filter((n) => n.quality === 'primary'), where).toHaveLength(1);
      expect(e.list, where).toBe(s.list);
      expect(e.authority, where).toBe(s.authority);
      expect(e.regimes.length, where).toBeGreaterThan(0);
      for (const r of e.regimes) {
        expect(Regime.is(r), `${where} ${r}`).toBe(true);
        expect(authorityOfRegime(r), where).toBe(s.authority);
      }
      expect(e.measures.length, where).toBeGreaterThan(0);
      expect(e.measures.every((m) => Measure.is(m)), where).toBe(true);
      expect(e.legalBasis.length, where).toBeGreaterThan(0);
      if (e.listedOn !== undefined) expect(IsoDate.is(e.listedOn), where).toBe(true);
      for (const d of e.lastUpdated ?? []) expect(IsoDate.is(d), where).toBe(true);
      // Set-like fields are canonical: sorted and de-duplicated.
      for (const xs of [e.regimes, e.legalBasis, e.lastUpdated ?? [], e.identity.birthDates ?? [], e.identity.nationalities ?? []]) {
        expect(xs, where).toEqual(sortedUnique(xs));
      }
    }
  });

  it('is deterministic: a second parse is deeply equal', async () => {
    const again = await parseSnapshot(format, files, options);
    expect(again).toStrictEqual(await parsed(format, files, options));
  });
});
