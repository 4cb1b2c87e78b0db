/** A bulk load's lines -> rows: CSV through csv-parse (as screening batches), NDJSON line by line; each bad line named. */
import { describe, expect, it } from 'vitest';
import { csvRows, ndjsonRows, type BulkRow, type ReadCount } from '../../src/watchlists/bulk-parse';
import { utf8Lines } from '../../src/text/utf8';

async function rowsOf(read: typeof csvRows, lines: AsyncIterable<string> | string[]): Promise<{ rows: BulkRow[]; count: ReadCount }> {
  const count: ReadCount = { lines: 0, header: false };
  const source = Array.isArray(lines) ? (async function* () { yield* lines; })() : lines;
  const rows: BulkRow[] = [];
  for await (const row of read(source, count)) rows.push(row);
  return { rows, count };
}
const simple = (rows: BulkRow[]) => rows.map((r) => ('error' in r ? { line: r.line, error: r.error.message, fatal: r.fatal } : { line: r.line, object: r.object }));

describe('CSV rows of a bulk load', () => {
  it('given a quoted name holding a comma, a quote and a line break, when read, then it is one entry on the line it ends on', async () => {
    const { rows, count } = await rowsOf(csvRows, ['id,name,identifiers', 'a,"Schmidt, ""Mia""', 'Maria",passport:C01;imo:9', 'b,Olga Ivanova,']);
    expect(simple(rows)).toEqual([
      { line: 3, object: { id: 'a', name: 'Schmidt, "Mia"\nMaria', identifiers: [{ type: 'passport', value: 'C01' }, { type: 'imo', value: '9' }] } },
      { line: 4, object: { id: 'b', name: 'Olga Ivanova' } },
    ]);
    expect(count).toEqual({ lines: 4, header: true });
  });

  it('given a row with too many fields and a line of spaces, when read, then the row is named and the blank line skipped', async () => {
    const { rows } = await rowsOf(csvRows, ['id,name', 'a,A B,extra', '   ', 'b,B C']);
    expect(simple(rows)).toEqual([
      { line: 2, error: 'line 2: 3 field(s), the header has 2', fatal: false },
      { line: 4, object: { id: 'b', name: 'B C' } },
    ]);
  });

  it('given a quote never closed, when read, then the rows before it are given and the last row names the failure', async () => {
    const { rows } = await rowsOf(csvRows, ['id,name', 'a,A B', 'b,"B C', 'c,C D']);
    expect(simple(rows).slice(0, 1)).toEqual([{ line: 2, object: { id: 'a', name: 'A B' } }]);
    const last = rows.at(-1)!;
    expect(last).toMatchObject({ fatal: true });
    expect('error' in last && last.error.message).toMatch(/^line \d+: .*quote/i);
  });

  it('given a header with an unknown column, when read, then that is the one (fatal) row', async () => {
    const { rows } = await rowsOf(csvRows, ['id,name,nickname', 'a,A B,x']);
    expect(simple(rows)).toEqual([{ line: 1, error: 'line 1: unknown column(s) nickname (known: id, name, kind, birthDate, country, identifiers)', fatal: true }]);
  });

  it('given bytes that are not UTF-8 on line 3, when read, then the rows before are given and line 3 is named', async () => {
    const bytes = Buffer.concat([Buffer.from('id,name\na,Anna K\nb,Jos'), Buffer.from([0xe9]), Buffer.from(' Roe\n')]);
    const { rows } = await rowsOf(csvRows, utf8Lines([bytes]));
    expect(simple(rows)).toEqual([
      { line: 2, object: { id: 'a', name: 'Anna K' } },
      { line: 3, error: expect.stringMatching(/^line 3: column 6 is not UTF-8 \(byte 0xe9\)/), fatal: true },
    ]);
  });
});

describe('NDJSON rows of a bulk load', () => {
  it('given JSON, a blank line, a CRLF line and a broken line, when read, then each object on its line and the broken one named', async () => {
    const { rows, count } = await rowsOf(ndjsonRows, ['{"id":"a","name":"A B"}', '', '{"id":"b","name":"B C"}\r', '{"id":']);
    expect(simple(rows)).toEqual([
      { line: 1, object: { id: 'a', name: 'A B' } },
      { line: 3, object: { id: 'b', name: 'B C' } },
      { line: 4, error: expect.stringMatching(/^line 4: not valid JSON/), fatal: false },
    ]);
    expect(count.lines).toBe(4);
  });
});
