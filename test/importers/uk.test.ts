import { describe, expect, it } from 'vitest';
import { ukRegime } from '../../src/importers/formats/uk-regimes';
import { byRef, data, parsed } from './fixtures';

const ofsi = () => parsed('uk-ofsi-csv', [data('uk/ofsi_conlist_2020-04-27.csv')]);
const ukXml = () => parsed('uk-xml', [data('uk/uk_sanctions_list_xml_excerpt_2026-08-14.xml')]);

describe('UK OFSI Consolidated List CSV', () => {
  it('merges 9492 name rows into 2114 Group IDs (1523 individuals, 591 entities), dated by line 1', async () => {
    const s = await ofsi();
    expect(s).toMatchObject({ list: 'UK-OFSI', authority: 'UK', publishedOn: '2020-04-27' });
    expect(s.entries).toHaveLength(2114);
    expect(s.entries.filter((e) => e.kind === 'person')).toHaveLength(1523);
    expect(s.entries.filter((e) => e.kind === 'entity')).toHaveLength(591);
    expect(s.entries.filter((e) => e.regimes.includes(ukRegime("North Korea (Democratic People's Republic of Korea)")))).toHaveLength(248);
  });

  it('merges a group: prime alias first, AKAs, partial DOBs, enumerated nationalities (13349)', async () => {
    const e = byRef(await ofsi(), '13349');
    expect(e.identity.names[0]).toEqual({ name: 'Nayef Salam Muhammad Ujaym AL-HABABI', quality: 'primary' });
    expect(e.identity.names).toHaveLength(8);
    expect(e.identity.names.slice(1).every((n) => n.quality === 'alias')).toBe(true);
    expect(e.identity.birthDates).toEqual(['1980', '1981']); // 00/00/1980, 00/00/1981
    expect(e.identity.nationalities).toEqual(['Qatar', 'Saudi Arabia']); // "1) Saudi Arabia 2) Qatar"
    expect(e).toMatchObject({
      kind: 'person',
      regimes: ['UK:ISIL-AL-QAIDA'],
      measures: ['asset-freeze', 'travel-ban'],
      legalBasis: ["The ISIL (Da'esh) and Al-Qaida organisations"],
      listedOn: '2016-04-01',
      lastUpdated: ['2016-04-01'],
    });
  });

  it('decodes cp1252 (curly quotes) and keeps both regimes of a doubly listed group, with the earliest date', async () => {
    const s = await ofsi();
    expect(s.entries.some((e) => e.remarks?.includes('’'))).toBe(true);
    const e = byRef(s, '6995');
    expect(e.regimes).toEqual(['UK:ISIL-AL-QAIDA', 'UK:SOMALIA']);
    expect(e.listedOn).toBe('2001-11-08');
  });
});

describe('UK Sanctions List XML', () => {
  it('parses 4 designations dated by DateGenerated', async () => {
    const s = await ukXml();
    expect(s).toMatchObject({ list: 'UK-SL', authority: 'UK', publishedOn: '2026-08-14' });
    expect(s.entries.map((e) => e.authorityReference)).toEqual(['AFG0011', 'AQD0128', 'AQD0377', 'DPR0075']);
  });

  it('maps the ship DPR0075 (Petrel 8) with its ship details and stated measure', async () => {
    const e = byRef(await ukXml(), 'DPR0075');
    expect(e).toMatchObject({
      kind: 'vessel',
      regimes: ['UK:DPRK'],
      measures: ['trade-restriction'], // "Prohibition of port entry" only
      legalBasis: ["The Democratic People's Republic of Korea (Sanctions) (EU Exit) Regulations 2019"],
      listedOn: '2017-10-03',
      lastUpdated: ['2021-12-18'],
    });
    expect(e.identity.names.map((n) => n.name)).toEqual(['Petrel 8', 'Jal Vahini', 'Jal_Vahini', 'Tian Tai 36']);
    expect(e.identity.identifiers).toContainEqual({ type: 'IMO', value: 'IMO9562233' });
    expect(e.identity.identifiers).toContainEqual({ type: 'Vessel Flag', value: 'Comoros' });
  });

  it('maps an individual: placeholder DOBs, alias strength, non-Latin name, passports (AFG0011, AQD0128)', async () => {
    const s = await ukXml();
    const afg = byRef(s, 'AFG0011');
    expect(afg.identity.birthDates).toEqual(['1967-11-12', '1968']); // dd/mm/1968, 12/11/1967 (twice)
    expect(afg.identity.names).toContainEqual({ name: 'عبد اللطيف منصور', quality: 'original-script', script: 'Arab' });
    expect(afg.identity.identifiers?.map((i) => i.value)).toEqual(['D0009720', 'D0010442']);
    expect(afg.measures).toEqual(['asset-freeze', 'travel-ban']);
    const aqd = byRef(s, 'AQD0128');
    expect(aqd.identity.birthDates).toEqual(['1958-09', '1974', '1975', '1979', '1985']);
    expect(aqd.identity.names).toContainEqual({ name: 'Abu Akram', quality: 'weak-alias' });
    expect(aqd.measures).toEqual(['asset-freeze', 'travel-ban', 'arms-embargo']);
  });

  it('gives the CSV and XML names of one regime the same code', () => {
    expect(ukRegime("Isil (Da'esh) and Al-Qaeda (United Nations Sanctions) (EU Exit) Regulations 2019")).toBe(
      ukRegime("The ISIL (Da'esh) and Al-Qaida organisations"),
    );
    expect(ukRegime('The Afghanistan (Sanctions) (EU Exit) Regulations 2020')).toBe('UK:AFGHANISTAN');
    expect(ukRegime('The Russia (Sanctions) (EU Exit) Regulations 2019')).toBe('UK:RUSSIA');
    expect(ukRegime('The Global Human Rights Sanctions Regulations 2020')).toBe('UK:GLOBAL-HUMAN-RIGHTS');
  });
});
