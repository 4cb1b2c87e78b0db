import { describe, expect, it } from 'vitest';
import { parseDmyPartial, parseIsoDate, parseLooseDate, parseLooseRange, parseMdy, partialDate } from '../../src/importers/normalize/dates';
import { IdentityBuilder } from '../../src/importers/normalize/identity-builder';
import { regimeCode } from '../../src/importers/normalize/listing-builder';
import { detectScript } from '../../src/importers/normalize/script';
import { clean, splitEnumerated } from '../../src/importers/normalize/text';
import { ListParseError } from '../../src/importers/errors';

describe('dates', () => {
  it('accepts only real calendar dates', () => {
    expect(parseIsoDate('2001-02-28')).toBe('2001-02-28');
    expect(parseIsoDate('2001-02-30')).toBeUndefined();
    expect(parseIsoDate('2000-02-29')).toBe('2000-02-29');
    expect(parseIsoDate('1900-02-29')).toBeUndefined();
    expect(parseIsoDate('2015-03-27-04:00')).toBe('2015-03-27'); // UN date with a zone
    expect(parseIsoDate('2020-04-15T15:29:22.497+02:00')).toBe('2020-04-15');
    expect(parseIsoDate('2020-4-15')).toBeUndefined();
    expect(parseMdy('04/06/2018')).toBe('2018-04-06');
    expect(parseMdy('13/06/2018')).toBeUndefined();
  });

  it('reads partial and loose dates', () => {
    expect(partialDate(1980)).toBe('1980');
    expect(partialDate(1980, 2)).toBe('1980-02');
    expect(partialDate(1980, 0, 5)).toBeUndefined();
    expect(parseDmyPartial('00/00/1980')).toBe('1980');
    expect(parseDmyPartial('00/08/1975')).toBe('1975-08');
    expect(parseDmyPartial('dd/09/1958')).toBe('1958-09');
    expect(parseDmyPartial('31/11/1970')).toBeUndefined();
    expect(parseLooseDate('12 Mar 1964')).toBe('1964-03-12');
    expect(parseLooseDate('circa 1957.')).toBe('1957');
    expect(parseLooseDate('Nov. 1973')).toBe('1973-11');
    expect(parseLooseDate('31 Feb 1965')).toBeUndefined();
    expect(parseLooseRange('1960 to 1962')).toEqual(['1960', '1961', '1962']);
    expect(parseLooseRange('01 Jan 1960 to 31 Dec 1962')).toEqual(['1960', '1961', '1962']);
    expect(parseLooseRange('01 Feb 1970 to 28 Feb 1970')).toEqual(['1970-02']);
    expect(parseLooseRange('1900 to 1990')).toBeUndefined(); // too wide to screen on
  });
});

describe('text and names', () => {
  it('cleans padding and splits enumerations', () => {
    expect(clean('  RI \n ')).toBe('RI');
    expect(clean(' \t ')).toBeUndefined();
    expect(splitEnumerated('1) Saudi Arabia 2) Qatar')).toEqual(['Saudi Arabia', 'Qatar']);
    expect(splitEnumerated('(1) German (2) Moroccan')).toEqual(['German', 'Moroccan']);
    expect(splitEnumerated('Afghan')).toEqual(['Afghan']);
  });

  it('detects scripts', () => {
    expect(detectScript('محمد طاهر أنوري')).toBe('Arab');
    expect(detectScript('Катиба ат-Таухид')).toBe('Cyrl');
    expect(detectScript('김정식')).toBe('Hang');
    expect(detectScript('Kim Cho’ng-sik')).toBe('Latn');
  });

  it('keeps one primary, the strongest quality of a repeated name, and a canonical alias order', () => {
    const id = new IdentityBuilder();
    id.addName('Zed', 'weak-alias');
    id.addName('Abe', 'alias');
    id.addName('Zed', 'strong-alias');
    id.addName('Main', 'primary');
    id.addName('Other', 'primary');
    id.addName('Main', 'alias');
    expect(id.build()?.names).toEqual([
      { name: 'Main', quality: 'primary' },
      { name: 'Zed', quality: 'strong-alias' },
      { name: 'Abe', quality: 'alias' },
      { name: 'Other', quality: 'alias' },
    ]);
  });

  it('makes regime codes in the codec alphabet', () => {
    expect(regimeCode('US', 'CAATSA - RUSSIA')).toBe('US:CAATSA-RUSSIA');
    expect(regimeCode('US', '561List')).toBe('US:561LIST');
    expect(regimeCode('UK', "Côte d'Ivoire")).toBe('UK:COTE-D-IVOIRE');
  });
});

describe('ListParseError', () => {
  it('keeps only the base name and one line', () => {
    const e = new ListParseError({ file: '/some/where/list.xml', line: 7, record: 'QDi.1', problem: 'bad\nvalue' });
    expect(e).toMatchObject({ file: 'list.xml', line: 7, record: 'QDi.1', message: 'list.xml line 7: bad value', name: 'ListParseError' });
  });
});
