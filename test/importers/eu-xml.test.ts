import { describe, expect, it } from 'vitest';
import { euActId } from '../../src/importers/formats/eu-xml';
import { byRef, data, parsed } from './fixtures';

const eu = (part: 'a' | 'b') => parsed('eu-xml', [data('eu', `eu_fsf_excerpt_2020-04-15_${part}.xml`)]);

describe('EU Financial Sanctions Files XML', () => {
  it.each([
    ['a', 7],
    ['b', 5],
  ] as const)('excerpt %s: %i entities, dated by generationDate', async (part, count) => {
    const s = await eu(part);
    expect(s).toMatchObject({ list: 'EU-FSF', authority: 'EU', publishedOn: '2020-04-15' });
    expect(s.entries).toHaveLength(count);
    expect(s.entries.every((e) => e.measures.join() === 'asset-freeze')).toBe(true);
  });

  it('maps an entity with many name aliases and a birth year (logicalId 33, Izzat Ibrahim al-Duri)', async () => {
    const e = byRef(await eu('a'), '33');
    expect(e).toMatchObject({ kind: 'person', regimes: ['EU:IRQ'], legalBasis: ['EU-2003/1210'], listedOn: '2003-07-07' });
    expect(e.identity.names).toEqual([
      { name: 'Izzat Ibrahim al-Duri', quality: 'primary' },
      { name: 'Abu Ahmad', quality: 'strong-alias' },
      { name: 'Abu Brays', quality: 'strong-alias' },
      { name: 'Izzat Ibrahim Al-Duri', quality: 'strong-alias', language: 'es' },
      { name: 'Izzat Ibrahim al-Douri', quality: 'strong-alias', language: 'fr' },
    ]);
    expect(e.identity).toMatchObject({ birthDates: ['1942'], nationalities: ['IRAQ'], gender: 'male' });
    expect(e.identity.positions).toContain("Deputy Secretary, Ba'th Party Regional Command");
    expect(e.remarks).toBe('UNSC RESOLUTION 1483 BASIS\nEU reference number: EU.42.11');
  });

  it('prefers the structured main name as primary and takes a full birth date (logicalId 13)', async () => {
    const e = byRef(await eu('a'), '13');
    expect(e.identity.names[0]).toEqual({ name: 'Saddam Hussein Al-Tikriti', quality: 'primary' });
    expect(e.identity.birthDates).toEqual(['1937-04-28']);
    expect(e.identity.birthPlaces).toEqual(['al-Awja, near Tikrit, IRAQ']);
  });

  it('uses designationDate when given; amendments are lastUpdated, never the listing date', async () => {
    const s = await eu('b');
    expect(byRef(s, '5295')).toMatchObject({ listedOn: '2008-07-03', lastUpdated: ['2019-04-08'], legalBasis: ['EU-2019/555'], regimes: ['EU:TAQA'] });
    expect(byRef(s, '5295').identity.names[0]?.name).toBe('Abid Hammadou');
    const noDate = byRef(s, '191'); // no designationDate, only an amending act
    expect(noDate.listedOn).toBeUndefined();
    expect(noDate.identity.identifiers).toEqual([{ type: 'National passport', value: '488555' }]);
    expect(s.entries.filter((e) => e.regimes.includes('EU:PRK' as never))).toHaveLength(2);
  });

  it('normalises act numbers to year/number', () => {
    expect(euActId('1210/2003 (OJ L169)')).toBe('EU-2003/1210');
    expect(euActId('2019/555 (OJ L97)')).toBe('EU-2019/555');
    expect(euActId('2014/269')).toBe('EU-2014/269');
    expect(euActId('269/2014')).toBe('EU-2014/269');
  });
});
