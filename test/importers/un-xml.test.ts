import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSnapshot } from '../../src/importers/parse';
import { byRef, data, parsed, sha256Of } from './fixtures';

const un = (date: string) => parsed('un-xml', [data('un', `un_consolidated_${date}.xml`)]);

describe('UN Consolidated List XML', () => {
  it.each([
    ['2017-06-20', 1024, 653],
    ['2017-06-30', 1024, 653],
    ['2017-07-03', 1021, 650],
    ['2024-09-21', 875, 682],
    ['2024-09-26', 875, 682],
  ])('%s parses to %i listings (%i individuals), dated from dateGenerated', async (date, count, people) => {
    const s = await un(date);
    expect(s.list).toBe('UN');
    expect(s.authority).toBe('UN');
    expect(s.publishedOn).toBe(date);
    expect(s.entries).toHaveLength(count);
    expect(s.entries.filter((e) => e.kind === 'person')).toHaveLength(people);
    // References are trimmed (the file has 'KPi.034 ') and unique.
    for (const e of s.entries) expect(e.authorityReference).toMatch(/^[A-Z]{2}[ie]\.\d{3}$/);
    expect(new Set(s.entries.map((e) => e.authorityReference)).size).toBe(count);
  });

  it('records the file fingerprint', async () => {
    const path = data('un', 'un_consolidated_2017-06-20.xml');
    const s = await un('2017-06-20');
    expect(s.files).toEqual([{ name: 'un_consolidated_2017-06-20.xml', sha256: sha256Of(path), bytes: statSync(path).size }]);
  });

  it('maps a DPRK individual (KPi.066, 2024 layout): names, birth-year range, nationality, regime', async () => {
    const e = byRef(await un('2024-09-21'), 'KPi.066');
    expect(e).toMatchObject({
      list: 'UN',
      kind: 'person',
      regimes: ['UN:DPRK'],
      measures: ['asset-freeze', 'travel-ban', 'arms-embargo'],
      legalBasis: ['UNSC-1718'],
      listedOn: '2017-12-22',
      remarks: 'Gender: male',
    });
    expect(e.identity.names).toEqual([
      { name: 'KIM JONG SIK', quality: 'primary' },
      { name: 'Kim Cho’ng-sik', quality: 'strong-alias' },
    ]);
    expect(e.identity.birthDates).toEqual(['1967', '1968', '1969']); // BETWEEN 1967 and 1969
    expect(e.identity.nationalities).toEqual(["Democratic People's Republic of Korea"]);
    expect(e.lastUpdated).toBeUndefined(); // <VALUE/> only
  });

  it('maps a DPRK individual in the compact 2017 layout, trimming padded values (KPi.033 " RI ")', async () => {
    const e = byRef(await un('2017-06-20'), 'KPi.033');
    expect(e.identity.names[0]).toEqual({ name: 'RI WON HO', quality: 'primary' });
    expect(e.identity.birthDates).toEqual(['1964-07-17']);
    expect(e.identity.nationalities).toEqual(["Democratic People's Republic of Korea"]);
    expect(e.identity.identifiers).toEqual([{ type: 'Passport', value: '381310014' }]);
    expect(e.identity.positions).toEqual(['DPRK Ministry of State Security Official']);
    expect(e.remarks).toBe('Ri Won Ho is a DPRK Ministry of State Security Official stationed in Syria supporting KOMID.');
  });

  it('keeps original-script names with a script code, and alias qualities', async () => {
    const e = byRef(await un('2024-09-21'), 'TAi.005');
    expect(e.identity.names).toContainEqual({ name: 'محمد طاهر أنوري', quality: 'original-script', script: 'Arab' });
    expect(e.identity.names).toContainEqual({ name: 'Haji Mudir', quality: 'weak-alias' });
    expect(e.identity.titles).toEqual(['Mullah']);
    expect(e.lastUpdated).toEqual(['2003-09-03', '2007-07-09', '2007-09-21', '2011-11-29']);
  });

  it('QDi.168/169/170 are listed on 2017-06-30 and gone on 2017-07-03', async () => {
    const [before, after] = [await un('2017-06-30'), await un('2017-07-03')];
    const refs = (s: typeof before) => new Set(s.entries.map((e) => e.authorityReference));
    for (const ref of ['QDi.168', 'QDi.169', 'QDi.170']) {
      expect(refs(before).has(ref)).toBe(true);
      expect(refs(after).has(ref)).toBe(false);
    }
    expect(byRef(before, 'QDi.168')).toMatchObject({ listedOn: '2004-05-03', regimes: ['UN:AL-QAIDA'], legalBasis: ['UNSC-1267'] });
    expect(byRef(before, 'QDi.168').identity.names[0]?.name).toBe('AHMAD ZERFAOUI');
  });

  it('2017-06-20 -> 2017-06-30 differs in exactly one listing (QDi.058), as SOURCES.md says', async () => {
    const [a, b] = [await un('2017-06-20'), await un('2017-06-30')];
    const other = new Map(b.entries.map((e) => [e.authorityReference, e]));
    const changed = a.entries.filter((e) => JSON.stringify(e) !== JSON.stringify(other.get(e.authorityReference)));
    expect(changed.map((e) => e.authorityReference)).toEqual(['QDi.058']);
  });

  it('2024-09-21 and 2024-09-26 give deeply equal entries; only the publication differs', async () => {
    const [a, b] = [await un('2024-09-21'), await un('2024-09-26')];
    expect(b.entries).toStrictEqual(a.entries);
    expect([a.publishedOn, b.publishedOn]).toEqual(['2024-09-21', '2024-09-26']);
    expect(a.files[0]?.sha256).not.toBe(b.files[0]?.sha256);
  });

  it('keeps an unusable birth date in remarks instead of failing (QDi.291: Hijri date)', async () => {
    const e = byRef(await un('2017-06-20'), 'QDi.291');
    expect(e.remarks).toContain('Date of birth (not a usable date): TYPE_OF_DATE EXACT, NOTE 24/06/1402 (Hijri Calendar)');
  });

  it('maps Iraq listings to an asset freeze only and entities without a travel ban', async () => {
    const s = await un('2017-06-20');
    expect(s.entries.find((e) => e.regimes[0] === 'UN:IRAQ')?.measures).toEqual(['asset-freeze']);
    expect(byRef(s, 'KPe.001')).toMatchObject({ kind: 'entity', measures: ['asset-freeze', 'arms-embargo'] });
  });

  it('reports progress up to the file size', async () => {
    const path = data('un', 'un_consolidated_2024-09-21.xml');
    const calls: [number, number][] = [];
    await parseSnapshot('un-xml', [path], { onProgress: (read, total) => calls.push([read, total]) });
    expect(calls.length).toBeGreaterThan(1);
    expect(calls.at(-1)).toEqual([statSync(path).size, statSync(path).size]);
  });
});
