import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ListParseError } from '../../src/importers/errors';
import { IdentityBuilder } from '../../src/importers/normalize/identity-builder';
import { applyRemarks } from '../../src/importers/formats/ofac-remarks';
import { parseSnapshot } from '../../src/importers/parse';
import { OFAC_2019, OFAC_2025, OFAC_CONS, byRef, data, parsed, sha256Of } from './fixtures';

const sdn2019 = () => parsed('ofac-csv', OFAC_2019, { publishedOn: '2019-01-04' });

describe('OFAC legacy CSV set', () => {
  it('parses the full 2019-01 SDN set: 7379 listings, dated by the caller', async () => {
    const s = await sdn2019();
    expect(s).toMatchObject({ list: 'OFAC-SDN', authority: 'US', publishedOn: '2019-01-04' });
    expect(s.entries).toHaveLength(7379);
    expect(s.entries.every((e) => e.listedOn === undefined)).toBe(true); // the CSV gives no listing dates
    expect(s.entries.every((e) => e.measures.join() === 'asset-freeze')).toBe(true);
  });

  it('fingerprints every file of the set, primary first', async () => {
    const s = await sdn2019();
    expect(s.files).toEqual(OFAC_2019.map((p) => ({ name: basename(p), sha256: sha256Of(p), bytes: statSync(p).size })));
  });

  it('joins aliases and addresses by ent_num; remark a.k.a.s are weak aliases (306 BANCO NACIONAL DE CUBA)', async () => {
    const e = byRef(await sdn2019(), '306');
    expect(e).toMatchObject({ kind: 'entity', regimes: ['US:CUBA'], legalBasis: ['OFAC-CUBA'], remarks: "a.k.a. 'BNC'." });
    expect(e.identity.names).toEqual([
      { name: 'BANCO NACIONAL DE CUBA', quality: 'primary' },
      { name: 'NATIONAL BANK OF CUBA', quality: 'strong-alias' },
      { name: 'BNC', quality: 'weak-alias' },
    ]);
    expect(e.identity.addresses).toHaveLength(4);
    expect(e.identity.addresses).toContainEqual({ street: 'Zweierstrasse 35', city: 'Zurich CH-8022', country: 'Switzerland' });
  });

  it('reads DOB, POB, nationality and documents out of Remarks', async () => {
    const kim = byRef(await sdn2019(), '11648');
    expect(kim.identity.birthDates).toEqual(['1962-08-28', '1964']);
    expect(kim.identity.nationalities).toEqual(['Korea, North']);
    expect(kim.identity.identifiers).toEqual([{ type: 'Passport', value: '290320764' }]);
    expect(kim.identity.names).toContainEqual({ name: 'KIM, JIN SOK', quality: 'weak-alias' });
    expect(kim.regimes).toEqual(['US:NPWMD']);

    const zawahiri = byRef(await sdn2019(), '2676');
    expect(zawahiri.regimes).toEqual(['US:SDGT', 'US:SDT']); // "SDGT] [SDT"
    expect(zawahiri.identity.birthDates).toEqual(['1951-06-19']);
    expect(zawahiri.identity.birthPlaces).toEqual(['Giza, Egypt']);
    expect(zawahiri.identity.identifiers).toEqual([
      { type: 'Passport', value: '1084010', country: 'Egypt' },
      { type: 'Passport', value: '19820215' },
    ]);
    expect(zawahiri.identity.positions).toEqual(['Operational and Military Leader of JIHAD GROUP']);
    expect(zawahiri.identity.names.map((n) => n.name)).toContain('SALIM, Ahmad Fuad');
  });

  it('continues Remarks with sdn_comments.csv without a separator (the cut falls mid-word)', async () => {
    const e = byRef(await sdn2019(), '12300');
    expect(e.remarks).toContain('Linked To: PROMO RAIZ S.A.S.; Linked To: RED MUNDIAL INMOBILIARIA');
    expect(e.remarks?.endsWith('Linked To: R D I S.A.')).toBe(true);
  });

  it('accepts sdn.csv alone (2018-01: CRLF and a final Ctrl-Z line)', async () => {
    const s = await parseSnapshot('ofac-csv', [data('ofac/2018-01_archerimpact/sdn.csv')], { publishedOn: '2018-01-26' });
    expect(s.entries).toHaveLength(6068);
    expect(s.files.map((f) => f.name)).toEqual(['sdn.csv']);
    expect(byRef(s, '306').identity.names).toEqual([
      { name: 'BANCO NACIONAL DE CUBA', quality: 'primary' },
      { name: 'BNC', quality: 'weak-alias' },
    ]);
  });

  it('parses the consolidated (non-SDN) set with sub-list measures; the empty cons_comments.csv is fine', async () => {
    const s = await parsed('ofac-csv', OFAC_CONS, { publishedOn: '2018-04-06' });
    expect(s.list).toBe('OFAC-CONS');
    expect(s.entries).toHaveLength(639);
    expect(s.files.find((f) => f.name === 'cons_comments.csv')?.bytes).toBe(0);
    const ssi = s.entries.find((e) => e.regimes.join() === 'US:UKRAINE-EO13662');
    expect(ssi?.measures).toEqual(['sectoral-restriction']);
    expect(byRef(s, '9639').measures).toEqual(['financial-restriction']); // NS-PLC
  });

  it('maps vessels and aircraft, with vessel columns and remark identifiers (2025 excerpt)', async () => {
    const s = await parsed('ofac-csv', OFAC_2025, { publishedOn: '2025-05-16' });
    expect(s.entries).toHaveLength(17);
    const ship = byRef(s, '47371');
    expect(ship.kind).toBe('vessel');
    expect(ship.identity.identifiers).toEqual(
      expect.arrayContaining([
        { type: 'Call Sign', value: 'A8LU7' },
        { type: 'Vessel Type', value: 'Crude Oil Tanker' },
        { type: 'Vessel Flag', value: 'Gabon' },
        { type: 'Identification Number', value: 'IMO 9339301' },
        { type: 'MMSI', value: '636013272' },
      ]),
    );
    expect(byRef(s, '20540').kind).toBe('aircraft');
    const hacker = byRef(s, '29702');
    expect(hacker.identity).toMatchObject({ birthDates: ['1992-12-26'], nationalities: ['Russia'], gender: 'male' });
    expect(hacker.regimes).toEqual(['US:CYBER2', 'US:ELECTION-EO13848']);
  });

  it('fails clearly without a publication date, or with an impossible one', async () => {
    await expect(parseSnapshot('ofac-csv', OFAC_2019)).rejects.toThrow(ListParseError);
    await expect(parseSnapshot('ofac-csv', OFAC_2019)).rejects.toThrow(/sdn\.csv: .*give it as publishedOn \(CLI --published-on\)/);
    await expect(parseSnapshot('ofac-csv', OFAC_2019, { publishedOn: '2019-02-30' })).rejects.toThrow(/publishedOn "2019-02-30" is not a real YYYY-MM-DD date/);
  });

  it('refuses a set without a primary file, or mixing SDN and consolidated files', async () => {
    await expect(parseSnapshot('ofac-csv', [OFAC_2019[1]!], { publishedOn: '2019-01-04' })).rejects.toThrow(/no primary file/);
    await expect(parseSnapshot('ofac-csv', [OFAC_2019[0]!, OFAC_CONS[1]!], { publishedOn: '2019-01-04' })).rejects.toThrow(/mixes SDN and consolidated/);
  });
});

describe('OFAC Remarks extraction', () => {
  it('lifts dates (incl. circa and ranges), places, nationalities, gender, weak aliases and documents', () => {
    const id = new IdentityBuilder();
    id.addName('DOE, John', 'primary');
    applyRemarks(
      "DOB 12 Mar 1964; alt. DOB circa 1960; alt. DOB 1970 to 1972; alt. DOB 31 Feb 1965; POB Baghdad, Iraq; nationality Iraq; " +
        "alt. citizen Jordan; Gender Male; Passport G737411 (Tunisia) issued 24 Oct 1990 expires 20 Sep 1997; " +
        "National ID No. 22095919778 (Norway); Digital Currency Address - XBT 1AbC; a.k.a. 'JD'; f.k.a. 'OLD NAME'; Linked To: X.",
      id,
    );
    const identity = id.build()!;
    // 31 Feb 1965 is not a real date: skipped (it stays in the remark text).
    expect(identity.birthDates).toEqual(['1960', '1964-03-12', '1970', '1971', '1972']);
    expect(identity.birthPlaces).toEqual(['Baghdad, Iraq']);
    expect(identity.nationalities).toEqual(['Iraq', 'Jordan']);
    expect(identity.gender).toBe('male');
    expect(identity.names).toEqual([
      { name: 'DOE, John', quality: 'primary' },
      { name: 'JD', quality: 'weak-alias' },
      { name: 'OLD NAME', quality: 'former-name' },
    ]);
    expect(identity.identifiers).toEqual([
      { type: 'Digital Currency Address - XBT', value: '1AbC' },
      { type: 'National ID No.', value: '22095919778', country: 'Norway' },
      { type: 'Passport', value: 'G737411', country: 'Tunisia', note: 'issued 24 Oct 1990; expires 20 Sep 1997' },
    ]);
  });
});
