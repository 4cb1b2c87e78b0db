/**
 * Small, VALID list files carved out of the real publications in /work/shared/data/lists (read-only), to mutate:
 * the header of a real file with a few of its real records (a few KB), so most mutations land in real data.
 * And the mutations: byte damage, structure-aware value damage, DOCTYPEs with entities, encodings, BOMs, CSV
 * quote damage, huge fields, deep nesting.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { readFileSync } from 'node:fs';
import type { Format } from '../../../src/importers/listing';
import { billionLaughsDoctype, data } from '../../importers/fixtures';

export interface SeedFile {
  /** The base name the parser sees (the OFAC CSV set is keyed by it). */
  readonly name: string;
  readonly bytes: Buffer;
}

export interface Seed {
  readonly format: Format;
  readonly label: string;
  readonly files: readonly SeedFile[];
  readonly options?: { publishedOn?: string };
}

/** Keeps the records whose index `keep` accepts; records of one tag never nest, so a lazy match is exact. */
function keepRecords(text: string, tag: string, keep: (i: number) => boolean): { text: string; kept: number } {
  let i = 0;
  let kept = 0;
  const out = text.replace(new RegExp(`<${tag}[\\s>][\\s\\S]*?</${tag}>`, 'g'), (record) => {
    if (!keep(i++)) return '';
    kept++;
    return record;
  });
  return { text: out.replace(/\n(\s*\n)+/g, '\n'), kept };
}

const window = (from: number, count: number) => (i: number) => i >= from && i < from + count;

function xmlSeeds(): Seed[] {
  const seeds: Seed[] = [];
  const un = [
    ['un_consolidated_2017-06-20.xml', [0, 40, 300]],
    ['un_consolidated_2024-09-21.xml', [0, 120, 500]],
  ] as const;
  for (const [file, starts] of un) {
    const text = readFileSync(data('un', file), 'utf8');
    for (const start of starts) {
      const individuals = keepRecords(text, 'INDIVIDUAL', window(start, 2)).text;
      seeds.push({ format: 'un-xml', label: `${file}#${start}`, files: [{ name: file, bytes: Buffer.from(keepRecords(individuals, 'ENTITY', window(start % 150, 1)).text) }] });
    }
  }
  const ofac = [
    ['consolidated_nonsdn_2020-03-17.xml', [0, 100, 300]],
    ['consolidated_nonsdn_2018-04-06.xml', [0, 400]],
  ] as const;
  for (const [file, starts] of ofac) {
    const text = readFileSync(data('ofac-consolidated', file), 'utf8');
    for (const start of starts) {
      const { text: kept, kept: n } = keepRecords(text, 'sdnEntry', window(start, 2));
      const counted = kept.replace(/<Record_Count>\d+<\/Record_Count>/, `<Record_Count>${n}</Record_Count>`);
      seeds.push({ format: 'ofac-xml', label: `${file}#${start}`, files: [{ name: start === 0 ? 'sdn.xml' : 'consolidated.xml', bytes: Buffer.from(counted) }] });
    }
  }
  for (const [file, starts] of [['eu_fsf_excerpt_2020-04-15_a.xml', [0, 3, 5]], ['eu_fsf_excerpt_2020-04-15_b.xml', [0, 2]]] as const) {
    const text = readFileSync(data('eu', file), 'utf8');
    for (const start of starts) {
      seeds.push({ format: 'eu-xml', label: `${file}#${start}`, files: [{ name: file, bytes: Buffer.from(keepRecords(text, 'sanctionEntity', window(start, 2)).text) }] });
    }
  }
  // Its leading comment talks about "<Designation> records": drop it, or the record pattern would start there.
  const uk = readFileSync(data('uk', 'uk_sanctions_list_xml_excerpt_2026-08-14.xml'), 'utf8').replace(/<!--[\s\S]*?-->\s*/g, '');
  for (const start of [0, 1, 2, 3]) {
    seeds.push({ format: 'uk-xml', label: `uk-xml#${start}`, files: [{ name: 'UK_Sanctions_List.xml', bytes: Buffer.from(keepRecords(uk, 'Designation', window(start, start === 3 ? 1 : 2)).text) }] });
  }
  return seeds;
}

/** Raw CSV records (with their exact bytes, latin1) of a file, by csv-parse: quoted fields may hold line breaks. */
function csvRecords(file: string): Array<{ fields: string[]; raw: string }> {
  const text = readFileSync(file).toString('latin1');
  // csv-parse's raw text leaves out the line break: put back the file's own.
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return (parseCsv(text, { raw: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: false }) as unknown as Array<{ record: string[]; raw: string }>).map((r) => ({ fields: r.record, raw: `${r.raw.replace(/\r$/, '')}${eol}` }));
}

function csvSeeds(): Seed[] {
  const seeds: Seed[] = [];
  // OFSI: line 1 and the header, then every row of a few Group IDs.
  const ofsi = csvRecords(data('uk', 'ofsi_conlist_2020-04-27.csv'));
  const [first, header, ...rows] = ofsi;
  const byGroup = new Map<string, string[]>();
  for (const r of rows) {
    const id = r.fields[r.fields.length - 1]!;
    byGroup.set(id, [...(byGroup.get(id) ?? []), r.raw]);
  }
  // Groups of a few KB (some have dozens of alias rows).
  const groups = [...byGroup.keys()].filter((id) => byGroup.get(id)!.join('').length < 5_000);
  for (const start of [0, 200, 900, 1500, 1800]) {
    const body = groups.slice(start, start + 2).flatMap((id) => byGroup.get(id)!);
    seeds.push({ format: 'uk-ofsi-csv', label: `ofsi#${start}`, files: [{ name: 'ConList.csv', bytes: Buffer.from([first!.raw, header!.raw, ...body].join(''), 'latin1') }] });
  }

  // OFAC legacy CSV sets: the 2025 excerpt whole; the first rows of the 2019, 2018 and consolidated sets.
  const dir2025 = data('ofac', 'excerpt_2025-05_watchman-ofactest');
  seeds.push({
    format: 'ofac-csv',
    label: 'ofac-2025-excerpt',
    options: { publishedOn: '2025-05-16' },
    files: ['sdn.csv', 'add.csv', 'alt.csv', 'sdn_comments.csv'].map((name) => ({ name, bytes: readFileSync(`${dir2025}/${name}`) })),
  });
  const carve = (folder: string, names: [string, string, string, string], rowsFrom: number, count: number, publishedOn: string, label: string) => {
    const primary = csvRecords(data(folder, names[0])).slice(rowsFrom, rowsFrom + count);
    const ids = new Set(primary.map((r) => r.fields[0]!.trim()));
    const related = (name: string) => csvRecords(data(folder, name)).filter((r) => ids.has((r.fields[0] ?? '').trim())).map((r) => r.raw);
    seeds.push({
      format: 'ofac-csv',
      label,
      options: { publishedOn },
      files: [
        { name: names[0], bytes: Buffer.from(primary.map((r) => r.raw).join(''), 'latin1') },
        { name: names[1], bytes: Buffer.from(related(names[1]).join(''), 'latin1') },
        { name: names[2], bytes: Buffer.from(related(names[2]).join(''), 'latin1') },
        { name: names[3], bytes: Buffer.from(related(names[3]).join(''), 'latin1') },
      ],
    });
  };
  carve('ofac/2019-01_watchman', ['sdn.csv', 'add.csv', 'alt.csv', 'sdn_comments.csv'], 0, 6, '2019-01-04', 'ofac-2019#0');
  carve('ofac/2019-01_watchman', ['sdn.csv', 'add.csv', 'alt.csv', 'sdn_comments.csv'], 3000, 6, '2019-01-04', 'ofac-2019#3000');
  carve('ofac-consolidated/2018-05_perchrh', ['cons_prim.csv', 'cons_add.csv', 'cons_alt.csv', 'cons_comments.csv'], 10, 5, '2018-04-06', 'ofac-cons#10');
  // The 2018 file as published: CRLF and the final Ctrl-Z line.
  const archer = readFileSync(data('ofac', '2018-01_archerimpact', 'sdn.csv'));
  const cut = archer.indexOf('\r\n', archer.indexOf('\r\n', 0) + 2000);
  seeds.push({ format: 'ofac-csv', label: 'ofac-2018-head', options: { publishedOn: '2018-01-26' }, files: [{ name: 'sdn.csv', bytes: Buffer.concat([archer.subarray(0, cut + 2), Buffer.from([0x1a])]) }] });
  return seeds;
}

export const SEEDS: readonly Seed[] = [...xmlSeeds(), ...csvSeeds()];
export const FORMATS: readonly Format[] = ['un-xml', 'ofac-csv', 'ofac-xml', 'eu-xml', 'uk-ofsi-csv', 'uk-xml'];
export const isXml = (format: Format) => format.endsWith('-xml');

// ---------------------------------------------------------------------------------------------------------
// Mutations

export const ENTITY_DOCTYPES = (root: string, target: string) => [
  // billion laughs
  billionLaughsDoctype(root),
  // quadratic blowup: one big entity, referenced many times in the body
  `<!DOCTYPE ${root} [<!ENTITY a "${'a'.repeat(20_000)}">]>`,
  // XXE
  `<!DOCTYPE ${root} [<!ENTITY xxe SYSTEM "${target}">]>`,
  `<!DOCTYPE ${root} [<!ENTITY xxe PUBLIC "-//x//y" "${target}">]>`,
  // parameter entities
  `<!DOCTYPE ${root} [<!ENTITY % p SYSTEM "${target}"> %p;]>`,
  `<!DOCTYPE ${root} [<!ENTITY % q "<!ENTITY &#x25; r SYSTEM '${target}'>"> %q; %r;]>`,
  // external DTD
  `<!DOCTYPE ${root} SYSTEM "${target}">`,
  `<!DOCTYPE ${root} PUBLIC "-//x//DTD y//EN" "${target}">`,
  // a plain DOCTYPE, and one in lower case (not XML)
  `<!DOCTYPE ${root}>`,
  `<!doctype ${root}>`,
];

const XML_TOKENS = ['<', '>', '&', '&amp;', '&lt;', '&lol9;', '&xxe;', '&#0;', '&#x0;', '&#xD800;', '&#x110000;', '&#65;', ']]>', '<![CDATA[x]]>', '<!-- c -->', '<?pi x?>', '"', "'", '</', '/>', '<x>', '</INDIVIDUAL>', '<sdnEntry>', '\u0000', '\uFFFE', '\r', '\t', 'xmlns:a="b"', '<a:b xmlns:a="">'];
const CSV_TOKENS = ['"', '""', ',', ',,', '\r', '\n', '\r\n', '\u001a', '\u0000', '"a"b"', '-0- ', '-0-', '\\', ';', '\t', '00/00/0000', '30/02/2020', '2024-02-30'];
const HOSTILE_VALUES = [
  '', ' ', '2024-02-30', '2023-02-29', '30/02/2020', '31/04/2021', '00/00/0000', '00/13/1980', '1964-13-01', '9999-99-99', '0000-00-00', '29/02/1900',
  '-1', '1e999', 'NaN', '99999999999999999999', 'Individual', 'Entity', 'Ship', 'Vessel', 'null', 'undefined', '__proto__', 'constructor',
  'Prime Alias', 'AKA', 'a.k.a.', 'strong', 'weak', 'true', 'false', 'EXACT', 'BETWEEN', 'APPROXIMATELY', '\u202eRTL', '로광철', 'e\u0301', '\u001b[31mred',
  '&amp;&lt;&gt;', '&#x1F600;', 'x'.repeat(300),
];

export interface ListMutation {
  readonly kind:
    | 'bit-flip'
    | 'insert-bytes'
    | 'delete-range'
    | 'truncate'
    | 'duplicate-range'
    | 'insert-token'
    | 'replace-value'
    | 'invalid-utf8'
    | 'encoding-declaration'
    | 'bom'
    | 'transcode-utf16'
    | 'huge-field'
    | 'deep-nesting'
    | 'csv-quote'
    | 'line-endings';
  readonly at: number;
  readonly n: number;
  readonly choice: number;
  readonly bytes: Uint8Array;
}

export const listMutationArb: fc.Arbitrary<ListMutation> = fc.record({
  kind: fc.constantFrom<ListMutation['kind']>(
    'bit-flip',
    'bit-flip',
    'insert-bytes',
    'delete-range',
    'truncate',
    'duplicate-range',
    'insert-token',
    'insert-token',
    'replace-value',
    'replace-value',
    'replace-value',
    'invalid-utf8',
    'encoding-declaration',
    'bom',
    'transcode-utf16',
    'huge-field',
    'deep-nesting',
    'csv-quote',
    'line-endings',
  ),
  at: fc.nat(),
  n: fc.nat(),
  choice: fc.nat(),
  bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
});

const ENCODINGS = ['x-unknown', 'utf-16', 'UTF-16LE', 'utf-16be', 'latin1', 'ISO-8859-1', 'windows-1252', 'us-ascii', 'utf8', 'UTF-8 ', '', 'base64', 'hex', 'utf-7', 'ucs2', 'binary', 'utf-32', 'ebcdic-cp-us', 'cp037', 'shift_jis', 'koi8-r', '"', 'utf-8"?><x'];
const INVALID_UTF8 = [[0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xff], [0xfe], [0x80], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80], [0xc3]];

const splice = (b: Buffer, at: number, remove: number, insert: Buffer) => Buffer.concat([b.subarray(0, at), insert, b.subarray(at + remove)]);

/** Applies one mutation to one file's bytes. */
export function mutateList(format: Format, bytes: Buffer, m: ListMutation): { bytes: Buffer; note: string } {
  const len = bytes.length;
  const at = len === 0 ? 0 : m.at % (len + 1);
  const xml = isXml(format);
  switch (m.kind) {
    case 'bit-flip': {
      if (len === 0) return { bytes, note: 'bit-flip (empty)' };
      const copy = Buffer.from(bytes);
      const pos = m.at % len;
      copy[pos] = copy[pos]! ^ (1 << m.n % 8);
      return { bytes: copy, note: `bit-flip @${pos}` };
    }
    case 'insert-bytes':
      return { bytes: splice(bytes, at, 0, Buffer.from(m.bytes)), note: `insert ${Buffer.from(m.bytes).toString('hex')} @${at}` };
    case 'delete-range':
      return { bytes: splice(bytes, at, 1 + (m.n % 64), Buffer.alloc(0)), note: `delete ${1 + (m.n % 64)} @${at}` };
    case 'truncate':
      return { bytes: bytes.subarray(0, at), note: `truncate @${at}` };
    case 'duplicate-range': {
      const from = len === 0 ? 0 : m.n % len;
      const piece = bytes.subarray(from, from + 1 + (m.choice % 400));
      return { bytes: splice(bytes, at, 0, piece), note: `duplicate ${piece.length} from ${from} @${at}` };
    }
    case 'insert-token': {
      const tokens = xml ? XML_TOKENS : CSV_TOKENS;
      const token = tokens[m.choice % tokens.length]!;
      return { bytes: splice(bytes, at, 0, Buffer.from(token, xml ? 'utf8' : 'latin1')), note: `token ${JSON.stringify(token)} @${at}` };
    }
    case 'replace-value': {
      const text = bytes.toString('latin1');
      // XML: an element's text or an attribute's value; CSV: a field.
      const sites: Array<[number, number]> = [];
      const re = xml ? />([^<>]{0,200})<|="([^"]{0,200})"/g : /(?<=^|,)("(?:[^"]|"")*"|[^,\r\n]*)/gm;
      for (let match = re.exec(text); match !== null && sites.length < 4000; match = re.exec(text)) {
        if (match[0] === '' && re.lastIndex === match.index) re.lastIndex++;
        const value = xml ? (match[1] ?? match[2] ?? '') : match[0];
        const offset = xml ? match.index + (match[1] === undefined ? 2 : 1) : match.index;
        sites.push([offset, value.length]);
      }
      if (sites.length === 0) return { bytes, note: 'replace-value (no site)' };
      const [offset, length] = sites[m.at % sites.length]!;
      let value = HOSTILE_VALUES[m.choice % HOSTILE_VALUES.length]!;
      if (xml) value = value.replace(/[<&"]/g, (c) => (m.n % 3 === 0 ? c : c === '<' ? '&lt;' : c === '&' ? '&amp;' : '&quot;'));
      else if (m.n % 2 === 0) value = `"${value.replace(/"/g, '""')}"`;
      const encoded = xml ? Buffer.from(value, 'utf8') : iconv.encode(value, 'windows-1252');
      return { bytes: splice(bytes, offset, length, encoded), note: `value ${JSON.stringify(value.slice(0, 40))} @${offset}` };
    }
    case 'invalid-utf8': {
      const seq = Buffer.from(INVALID_UTF8[m.choice % INVALID_UTF8.length]!);
      return { bytes: splice(bytes, at, 0, seq), note: `invalid utf-8 ${seq.toString('hex')} @${at}` };
    }
    case 'encoding-declaration': {
      const label = ENCODINGS[m.choice % ENCODINGS.length]!;
      const text = bytes.toString('latin1');
      const declared = /^(\uFEFF|\u00EF\u00BB\u00BF)?<\?xml[^>]*?\?>/.exec(text);
      const decl = `<?xml version="1.0" encoding="${label}"?>`;
      const out = declared === null ? Buffer.concat([Buffer.from(decl, 'latin1'), bytes]) : splice(bytes, 0, declared[0].length, Buffer.from(decl, 'latin1'));
      return { bytes: out, note: `encoding="${label}"` };
    }
    case 'bom': {
      const boms = [[0xef, 0xbb, 0xbf], [0xff, 0xfe], [0xfe, 0xff], [0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf], [0x00, 0x00, 0xfe, 0xff]];
      const bom = Buffer.from(boms[m.choice % boms.length]!);
      return { bytes: Buffer.concat([bom, bytes]), note: `bom ${bom.toString('hex')}` };
    }
    case 'transcode-utf16': {
      // A faithful UTF-16 copy (BOM first), or one without a BOM, or big-endian.
      const text = xml ? bytes.toString('utf8') : iconv.decode(bytes, 'windows-1252');
      const variant = m.choice % 3;
      const body = variant === 2 ? iconv.encode(text, 'utf-16be') : iconv.encode(text, 'utf-16le');
      const bom = variant === 0 ? Buffer.from([0xff, 0xfe]) : variant === 2 ? Buffer.from([0xfe, 0xff]) : Buffer.alloc(0);
      return { bytes: Buffer.concat([bom, body]), note: `utf-16 ${['le+bom', 'le no bom', 'be+bom'][variant]}` };
    }
    case 'huge-field': {
      const size = [10_000, 100_000, 400_000][m.choice % 3]!;
      const filler = xml ? 'A'.repeat(size) : `"${'B'.repeat(size)}"`;
      // Into a value: after a '>' in XML, after a comma in CSV.
      const text = bytes.toString('latin1');
      const anchor = xml ? text.indexOf('>', at) : text.indexOf(',', at);
      const pos = anchor < 0 ? at : anchor + 1;
      return { bytes: splice(bytes, pos, 0, Buffer.from(filler)), note: `huge field ${size} @${pos}` };
    }
    case 'deep-nesting': {
      const depth = [100, 5_000, 50_000][m.choice % 3]!;
      const nest = xml ? `${'<a>'.repeat(depth)}x${'</a>'.repeat(depth)}` : '"'.repeat(depth);
      const text = bytes.toString('latin1');
      const anchor = xml ? text.indexOf('>', text.indexOf('>', at) + 1) : at; // inside a record, most of the time
      const pos = anchor < 0 ? at : anchor + 1;
      return { bytes: splice(bytes, pos, 0, Buffer.from(nest)), note: `deep nesting ${depth} @${pos}` };
    }
    case 'csv-quote': {
      const text = bytes.toString('latin1');
      const quotes: number[] = [];
      for (let i = text.indexOf('"'); i !== -1 && quotes.length < 2000; i = text.indexOf('"', i + 1)) quotes.push(i);
      if (quotes.length === 0 || m.n % 3 === 0) return { bytes: splice(bytes, at, 0, Buffer.from('"')), note: `lone quote @${at}` };
      const q = quotes[m.at % quotes.length]!;
      return m.n % 3 === 1 ? { bytes: splice(bytes, q, 1, Buffer.alloc(0)), note: `drop quote @${q}` } : { bytes: splice(bytes, q, 0, Buffer.from('"x')), note: `quote damage @${q}` };
    }
    case 'line-endings': {
      const text = bytes.toString('latin1');
      const variant = m.choice % 4;
      const out = variant === 0 ? text.replace(/\r\n/g, '\n') : variant === 1 ? text.replace(/\r?\n/g, '\r\n') : variant === 2 ? text.replace(/\r?\n/g, '\r') : `${text}\u001a\r\n\u001a`;
      return { bytes: Buffer.from(out, 'latin1'), note: `line endings ${['LF', 'CRLF', 'CR', 'ctrl-z'][variant]}` };
    }
  }
}

/** Puts a DOCTYPE right after the XML declaration (or first): must be refused, wherever the rest is. */
export function spliceDoctype(bytes: Buffer, doctype: string): Buffer {
  const text = bytes.toString('latin1');
  const declared = /^(\u00EF\u00BB\u00BF)?<\?xml[^>]*?\?>/.exec(text);
  const at = declared === null ? 0 : declared[0].length;
  return splice(bytes, at, 0, Buffer.from(`\n${doctype}\n`, 'utf8'));
}
