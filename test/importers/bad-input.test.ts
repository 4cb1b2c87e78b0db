/**
 * Hostile and broken inputs: every one must end in a ListParseError naming file and line (never a hang, a
 * crash of another kind, or a silently wrong snapshot). Inputs are generated into a temp dir.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ListParseError } from '../../src/importers/errors';
import type { Format } from '../../src/importers/listing';
import { parseSnapshot } from '../../src/importers/parse';
import { BILLION_LAUGHS_UN, cleanupTmp, data, tmpFile } from './fixtures';

afterAll(cleanupTmp);

/** Runs the parse and returns the ListParseError it must throw. */
async function failure(format: Format, files: string[], options = {}): Promise<ListParseError> {
  try {
    await parseSnapshot(format, files, options);
  } catch (err) {
    expect(err).toBeInstanceOf(ListParseError);
    expect((err as Error).message).not.toContain('\n');
    return err as ListParseError;
  }
  throw new Error('expected a ListParseError, but the file parsed');
}

/** A one-record UN list; each line of the record is its own line so errors have distinct line numbers. */
function unDoc({ listedOn = '2004-05-03', dob = '<DATE>1963-07-15</DATE>', updated = '<VALUE>2011-12-13</VALUE>', decl = '<?xml version="1.0" encoding="UTF-8"?>', name = 'AHMAD' } = {}): string {
  return [
    decl,
    '<CONSOLIDATED_LIST dateGenerated="2017-06-30T19:12:08.528-04:00">',
    '<INDIVIDUALS>',
    '<INDIVIDUAL>',
    '<DATAID>113330</DATAID>',
    `<FIRST_NAME>${name}</FIRST_NAME>`,
    '<SECOND_NAME>ZERFAOUI</SECOND_NAME>',
    '<UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE>',
    '<REFERENCE_NUMBER>QDi.168</REFERENCE_NUMBER>',
    `<LISTED_ON>${listedOn}</LISTED_ON>`,
    `<LAST_DAY_UPDATED>${updated}</LAST_DAY_UPDATED>`,
    `<INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE>${dob}</INDIVIDUAL_DATE_OF_BIRTH>`,
    '</INDIVIDUAL>',
    '</INDIVIDUALS>',
    '<ENTITIES/>',
    '</CONSOLIDATED_LIST>',
    '',
  ].join('\n');
}

describe('bad input: XML', () => {
  it('the generated UN document itself parses (control)', async () => {
    const s = await parseSnapshot('un-xml', [tmpFile('un_ok.xml', unDoc())]);
    expect(s.entries.map((e) => [e.authorityReference, e.identity.birthDates, e.listedOn])).toEqual([['QDi.168', ['1963-07-15'], '2004-05-03']]);
  });

  it('an impossible LISTED_ON fails the file, naming file, line, record and field', async () => {
    const err = await failure('un-xml', [tmpFile('un_consolidated_2017-06-20.xml', unDoc({ listedOn: '2001-02-30' }))]);
    expect(err.message).toBe('un_consolidated_2017-06-20.xml line 10: INDIVIDUAL QDi.168 LISTED_ON "2001-02-30" is not a real date');
    expect(err).toMatchObject({ file: 'un_consolidated_2017-06-20.xml', line: 10, record: 'QDi.168' });
  });

  it('an impossible LAST_DAY_UPDATED fails the file too', async () => {
    const err = await failure('un-xml', [tmpFile('un_upd.xml', unDoc({ updated: '<VALUE>2011-13-01</VALUE>' }))]);
    expect(err.message).toBe('un_upd.xml line 11: INDIVIDUAL QDi.168 LAST_DAY_UPDATED "2011-13-01" is not a real date');
  });

  it('an impossible birth date does NOT fail the file: it is kept in remarks', async () => {
    const s = await parseSnapshot('un-xml', [tmpFile('un_dob.xml', unDoc({ dob: '<DATE>1963-02-29</DATE>' }))]);
    expect(s.entries[0]?.identity.birthDates).toBeUndefined();
    expect(s.entries[0]?.remarks).toBe('Date of birth (not a usable date): TYPE_OF_DATE EXACT, DATE 1963-02-29');
  });

  it('a truncated file', async () => {
    const cut = readFileSync(data('un/un_consolidated_2017-06-20.xml')).subarray(0, 200_000);
    const err = await failure('un-xml', [tmpFile('truncated.xml', cut)]);
    expect(err.message).toMatch(/^truncated\.xml line \d+: /);
    expect(err.line).toBeGreaterThan(1);
  });

  it('a CSV given as UN XML', async () => {
    const err = await failure('un-xml', [data('ofac/2019-01_watchman/sdn.csv')]);
    expect(err.message).toBe('sdn.csv line 1: not an XML document (starts with "36,\\"AEROCARIBBEAN AI")');
  });

  it('an EU file given as UN, and a UN file given as EU / OFAC / UK', async () => {
    expect((await failure('un-xml', [data('eu/eu_fsf_excerpt_2020-04-15_b.xml')])).message).toBe(
      'eu_fsf_excerpt_2020-04-15_b.xml line 2: root element is <export>, expected <CONSOLIDATED_LIST>: not a UN Security Council Consolidated List file',
    );
    const un = data('un/un_consolidated_2024-09-21.xml');
    expect((await failure('eu-xml', [un])).message).toMatch(/line 2: root element is <CONSOLIDATED_LIST>, expected <export>/);
    expect((await failure('ofac-xml', [un])).message).toMatch(/expected <sdnList>/);
    expect((await failure('uk-xml', [un])).message).toMatch(/expected <Designations>/);
  });

  it('invalid XML (mismatched tags)', async () => {
    const err = await failure('un-xml', [tmpFile('broken.xml', unDoc().replace('</SECOND_NAME>', '</SECOND>'))]);
    expect(err.message).toMatch(/^broken\.xml line 7: invalid XML: unexpected close tag/);
  });

  it('an empty file', async () => {
    expect((await failure('un-xml', [tmpFile('empty.xml', '')])).message).toBe('empty.xml: file is empty');
  });

  it('a "billion laughs" DOCTYPE is refused before any expansion', async () => {
    const err = await failure('un-xml', [tmpFile('lol.xml', BILLION_LAUGHS_UN)]);
    expect(err.message).toMatch(/^lol\.xml line 13: DOCTYPE declares entities; refused/);
  });

  it('external entities (XXE) and external DTDs are refused', async () => {
    const xxe = '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<export generationDate="2020-01-01">&xxe;</export>';
    expect((await failure('eu-xml', [tmpFile('xxe.xml', xxe)])).message).toMatch(/DOCTYPE declares entities; refused/);
    const dtd = '<?xml version="1.0"?>\n<!DOCTYPE export SYSTEM "http://example.invalid/evil.dtd">\n<export generationDate="2020-01-01"/>';
    expect((await failure('eu-xml', [tmpFile('dtd.xml', dtd)])).message).toMatch(/DOCTYPE references an external DTD; refused/);
  });

  it('an unknown encoding declaration', async () => {
    const err = await failure('un-xml', [tmpFile('enc.xml', unDoc({ decl: '<?xml version="1.0" encoding="x-klingon-8"?>' }))]);
    expect(err.message).toBe('enc.xml line 1: XML declaration names unknown encoding "x-klingon-8"');
  });

  it('bytes that are not valid in the declared encoding (UTF-8 declared, Latin-1 written)', async () => {
    const bytes = Buffer.from(unDoc({ name: 'AHM\u00c9D' }), 'latin1');
    const err = await failure('un-xml', [tmpFile('latin1-as-utf8.xml', bytes)]);
    expect(err.message).toMatch(/^latin1-as-utf8\.xml line 6: bytes are not valid in the declared encoding/);
  });

  it('a single-byte encoding that IS declared is decoded (control)', async () => {
    const bytes = Buffer.from(unDoc({ name: 'AHM\u00c9D', decl: "<?xml version='1.0' encoding='ISO-8859-1'?>" }), 'latin1');
    const s = await parseSnapshot('un-xml', [tmpFile('latin1.xml', bytes)]);
    expect(s.entries[0]?.identity.names[0]?.name).toBe('AHM\u00c9D ZERFAOUI');
  });

  it('impossible header dates: OFAC Publish_Date, EU generationDate, UK DateDesignated', async () => {
    const ofac = '<?xml version="1.0"?>\n<sdnList xmlns="urn:x">\n<publshInformation><Publish_Date>02/30/2020</Publish_Date></publshInformation>\n</sdnList>';
    expect((await failure('ofac-xml', [tmpFile('sdn.xml', ofac)])).message).toBe(
      'sdn.xml line 3: publshInformation/Publish_Date "02/30/2020" is not a real MM/DD/YYYY date',
    );
    const eu = readFileSync(data('eu/eu_fsf_excerpt_2020-04-15_b.xml'), 'utf8').replace('generationDate="2020-04-15', 'generationDate="2020-04-31');
    expect((await failure('eu-xml', [tmpFile('eu.xml', eu)])).message).toMatch(/^eu\.xml line 2: export generationDate "2020-04-31T.*" is not a real date$/);
    const uk = readFileSync(data('uk/uk_sanctions_list_xml_excerpt_2026-08-14.xml'), 'utf8').replace('<DateDesignated>03/10/2017', '<DateDesignated>31/09/2017');
    const err = await failure('uk-xml', [tmpFile('uk.xml', uk)]);
    expect(err.message).toMatch(/^uk\.xml line \d+: Designation DPR0075 DateDesignated "31\/09\/2017" is not a real date$/);
    expect(err.record).toBe('DPR0075');
  });

  it('an impossible EU birth date is kept in remarks, not fatal', async () => {
    const eu = readFileSync(data('eu/eu_fsf_excerpt_2020-04-15_a.xml'), 'utf8').replace('birthdate="1937-04-28"', 'birthdate="1937-02-30"');
    const s = await parseSnapshot('eu-xml', [tmpFile('eu-dob.xml', eu)]);
    const saddam = s.entries.find((e) => e.authorityReference === '13')!;
    expect(saddam.identity.birthDates).toBeUndefined();
    expect(saddam.remarks).toContain('Date of birth (not a usable date): birthdate=1937-02-30');
  });
});

describe('bad input: CSV', () => {
  const sdn = readFileSync(data('ofac/2019-01_watchman/sdn.csv'));

  it('an OFAC sdn.csv truncated inside a quoted field', async () => {
    const cut = sdn.subarray(0, sdn.indexOf('"a.k.a. \'BNC\'') + 5);
    const err = await failure('ofac-csv', [tmpFile('cut1/sdn.csv', cut)], { publishedOn: '2019-01-04' });
    expect(err.message).toBe('sdn.csv line 3: invalid CSV: quoted field is not closed before the end of the file');
  });

  it('an OFAC sdn.csv truncated between fields', async () => {
    const cut = sdn.subarray(0, sdn.indexOf('"CUBA"', 200));
    const err = await failure('ofac-csv', [tmpFile('cut2/sdn.csv', cut)], { publishedOn: '2019-01-04' });
    expect(err.message).toMatch(/^sdn\.csv line \d+: expected 12 fields, found \d+: not an OFAC primary CSV row$/);
  });

  it('a file of another format given as the OFAC set or as the OFSI list', async () => {
    const xml = readFileSync(data('un/un_consolidated_2017-06-20.xml'));
    expect((await failure('ofac-csv', [tmpFile('xml/sdn.csv', xml)], { publishedOn: '2019-01-04' })).message).toMatch(/^sdn\.csv line 1: expected 12 fields/);
    expect((await failure('ofac-csv', [tmpFile('alt/alt.csv', 'a,b,c')], { publishedOn: '2019-01-04' })).message).toMatch(/no primary file/);
    expect((await failure('ofac-csv', [tmpFile('x/list.csv', 'a')], { publishedOn: '2019-01-04' })).message).toMatch(/not a file of the OFAC legacy CSV set/);
    expect((await failure('uk-ofsi-csv', [data('ofac/2019-01_watchman/sdn.csv')])).message).toBe(
      'sdn.csv line 1: line 1 is not "Last Updated,<dd/mm/yyyy>": not an OFSI ConList CSV',
    );
  });

  it('an OFSI row with an impossible Listed On fails; an impossible DOB does not', async () => {
    const head = 'Last Updated,27/04/2020\r\nName 6,Name 1,Name 2,Name 3,Name 4,Name 5,Title,DOB,Town of Birth,Country of Birth,Nationality,Passport Details,NI Number,Position,Address 1,Address 2,Address 3,Address 4,Address 5,Address 6,Post/Zip Code,Country,Other Information,Group Type,Alias Type,Regime,Listed On,Last Updated,Group ID\r\n';
    const row = (listed: string, dob: string) => `SMITH,John,,,,,,${dob},,,,,,,,,,,,,,,,Individual,Prime Alias,Libya,${listed},01/01/2020,99\r\n`;
    const bad = await failure('uk-ofsi-csv', [tmpFile('conlist-bad.csv', head + row('31/04/2019', '01/01/1970'))]);
    expect(bad.message).toBe('conlist-bad.csv line 3: Group ID 99 Listed On "31/04/2019" is not a real date');
    const s = await parseSnapshot('uk-ofsi-csv', [tmpFile('conlist-dob.csv', head + row('30/04/2019', '30/02/1970'))]);
    expect(s.entries[0]).toMatchObject({ listedOn: '2019-04-30', remarks: 'Date of birth (not a usable date): 30/02/1970' });
    expect(s.entries[0]?.identity.birthDates).toBeUndefined();
  });

  it('a single-file format given two files', async () => {
    const f = data('un/un_consolidated_2017-06-20.xml');
    expect((await failure('un-xml', [f, f])).message).toMatch(/format un-xml takes exactly one file, got 2/);
  });
});
