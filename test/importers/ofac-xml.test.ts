import { describe, expect, it } from 'vitest';
import { parseSnapshot } from '../../src/importers/parse';
import { OFAC_CONS, byRef, cleanupTmp, data, parsed, tmpFile } from './fixtures';
import { afterAll } from 'vitest';

afterAll(cleanupTmp);

const cons = (date: string) => parsed('ofac-xml', [data('ofac-consolidated', `consolidated_nonsdn_${date}.xml`)]);

/** A minimal sdnList document in a given namespace (the real files use the old one). */
function sdnList(ns: string, entries = 1, recordCount = entries): string {
  const entry = (uid: number) => `
  <sdnEntry><uid>${uid}</uid><firstName>Ivan</firstName><lastName>PETROV</lastName><sdnType>Individual</sdnType>
    <programList><program>RUSSIA-EO14024</program></programList>
    <akaList><aka><uid>1</uid><type>a.k.a.</type><category>weak</category><lastName>VANYA</lastName></aka></akaList>
    <dateOfBirthList><dateOfBirthItem><uid>2</uid><dateOfBirth>12 Mar 1964</dateOfBirth><mainEntry>true</mainEntry></dateOfBirthItem>
      <dateOfBirthItem><uid>3</uid><dateOfBirth>sometime in the sixties</dateOfBirth><mainEntry>false</mainEntry></dateOfBirthItem></dateOfBirthList>
    <nationalityList><nationality><uid>4</uid><country>Russia</country><mainEntry>true</mainEntry></nationality></nationalityList>
  </sdnEntry>`;
  return `<?xml version="1.0" standalone="yes"?>
<sdnList xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="${ns}">
  <publshInformation><Publish_Date>05/16/2025</Publish_Date><Record_Count>${recordCount}</Record_Count></publshInformation>${Array.from({ length: entries }, (_, i) => entry(100 + i)).join('')}
</sdnList>`;
}

describe('OFAC sdnList XML', () => {
  it.each([
    ['2018-04-06', 639],
    ['2020-03-17', 375],
  ])('consolidated %s: %i entries, Publish_Date, OFAC-CONS by file name', async (date, count) => {
    const s = await cons(date);
    expect(s).toMatchObject({ list: 'OFAC-CONS', authority: 'US', publishedOn: date });
    expect(s.entries).toHaveLength(count);
  });

  it('maps an entry with strong aliases and addresses (uid 4632), moving sanction notes from idList to remarks', async () => {
    const e = byRef(await cons('2018-04-06'), '4632');
    expect(e).toMatchObject({ kind: 'entity', regimes: ['US:IRAN'], measures: ['asset-freeze'], legalBasis: ['OFAC-IRAN'] });
    expect(e.identity.names.map((n) => [n.name, n.quality])).toEqual([
      ['BANK MARKAZI JOMHOURI ISLAMI IRAN', 'primary'],
      ['BANK MARKAZI IRAN', 'strong-alias'],
      ['CENTRAL BANK OF IRAN', 'strong-alias'],
      ['CENTRAL BANK OF THE ISLAMIC REPUBLIC OF IRAN', 'strong-alias'],
    ]);
    expect(e.identity.addresses).toContainEqual({ street: '213 Ferdowsi Avenue', city: 'Tehran', postalCode: '11365', country: 'Iran' });
    expect(e.identity.identifiers).toBeUndefined();
    expect(e.remarks).toMatch(/^Additional Sanctions Information - Not on the SDN List/);
  });

  it('gives the same listings as the legacy CSV of the same date (names, programs)', async () => {
    const [xml, csv] = [await cons('2018-04-06'), await parsed('ofac-csv', OFAC_CONS, { publishedOn: '2018-04-06' })];
    expect(xml.entries.map((e) => e.authorityReference).sort()).toEqual(csv.entries.map((e) => e.authorityReference).sort());
    const csvByRef = new Map(csv.entries.map((e) => [e.authorityReference, e]));
    for (const e of xml.entries) {
      const c = csvByRef.get(e.authorityReference)!;
      expect(c.identity.names[0]).toEqual(e.identity.names[0]);
      expect(c.regimes).toEqual(e.regimes);
      expect(c.kind).toEqual(e.kind);
    }
  });

  it.each([
    'https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML',
    'http://tempuri.org/sdnList.xsd',
    'urn:any-other',
  ])('accepts namespace %s (elements are matched by local name)', async (ns) => {
    const s = await parseSnapshot('ofac-xml', [tmpFile('sdn.xml', sdnList(ns))]);
    expect(s).toMatchObject({ list: 'OFAC-SDN', publishedOn: '2025-05-16' });
    const e = s.entries[0]!;
    expect(e).toMatchObject({ authorityReference: '100', kind: 'person', regimes: ['US:RUSSIA-EO14024'], measures: ['asset-freeze'] });
    expect(e.identity).toMatchObject({
      names: [{ name: 'PETROV, Ivan', quality: 'primary' }, { name: 'VANYA', quality: 'weak-alias' }],
      birthDates: ['1964-03-12'],
      nationalities: ['Russia'],
    });
    expect(e.remarks).toBe('Date of birth (not a usable date): sometime in the sixties');
  });

  it('lets the caller say which OFAC list a file is', async () => {
    const s = await parseSnapshot('ofac-xml', [tmpFile('sdn.xml', sdnList('urn:x'))], { list: 'OFAC-CONS' });
    expect(s.list).toBe('OFAC-CONS');
    expect(s.entries[0]?.measures).toEqual(['sectoral-restriction']);
  });

  it('refuses a file whose Record_Count disagrees with its entries', async () => {
    await expect(parseSnapshot('ofac-xml', [tmpFile('sdn.xml', sdnList('urn:x', 2, 3))])).rejects.toThrow(
      /sdn\.xml line 3: Record_Count says 3 entries but the file holds 2/,
    );
  });
});
