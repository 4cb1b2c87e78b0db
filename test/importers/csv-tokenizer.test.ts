import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, CsvTokenizer } from '../../src/importers/io/csv-tokenizer';
import { data } from './fixtures';

/** Tokenizes text fed in chunks of the given size. */
function tokenize(text: string, chunk: number): { rows: string[][]; lines: number[] } {
  const rows: string[][] = [];
  const lines: number[] = [];
  const t = new CsvTokenizer((fields, line) => {
    rows.push(fields);
    lines.push(line);
  });
  for (let i = 0; i < text.length; i += chunk) t.write(text.slice(i, i + chunk));
  t.end();
  return { rows, lines };
}

describe('CsvTokenizer', () => {
  it.each([
    'ofac/2019-01_watchman/sdn.csv',
    'ofac/2019-01_watchman/add.csv',
    'ofac/2018-01_archerimpact/sdn.csv',
    'ofac-consolidated/2018-05_perchrh/cons_prim.csv',
    'ofac/excerpt_2025-05_watchman-ofactest/sdn_comments.csv',
    'uk/ofsi_conlist_2020-04-27.csv',
  ])('agrees with csv-parse on %s, whatever the chunking', (file) => {
    const text = iconv.decode(readFileSync(data(file)), 'windows-1252');
    const expected = parse(text, { relax_column_count: true, skip_empty_lines: true }) as string[][];
    for (const chunk of [text.length, 65536, 4093, 97]) expect(tokenize(text, chunk).rows).toEqual(expected);
  });

  it('handles quotes, escaped quotes, CRLF, embedded newlines and blank lines, tracking start lines', () => {
    const text = 'a,"b ""q"", c",d\r\n\r\n"multi\nline",x\n-0- ,"",\nlast,"x"';
    for (const chunk of [1, 2, 3, 100]) {
      expect(tokenize(text, chunk)).toEqual({
        rows: [['a', 'b "q", c', 'd'], ['multi\nline', 'x'], ['-0- ', '', ''], ['last', 'x']],
        lines: [1, 3, 5, 6],
      });
    }
  });

  it('reports an unclosed quote and junk after a closing quote with a line', () => {
    expect(() => tokenize('a,b\n"open,c\nd', 4)).toThrow(new CsvSyntaxError('quoted field is not closed before the end of the file', 2));
    try {
      tokenize('a\n"x"y,1', 100);
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ message: 'unexpected "y" after a closing quote', line: 2 });
    }
  });
});
