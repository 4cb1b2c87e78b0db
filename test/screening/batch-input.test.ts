/** The batch screener on in-memory streams: how NDJSON and CSV input is read, line by line, and where it stops. */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/Either';
import { decodeBatchOptions, planBatch, readBatchInput, screenBatch, seal, type BatchAnswer, type BatchFormat, type ScreenAt } from '../../src/screening';
import { TimeSlice } from '../../src/scheduling/time-slice';

/** A screener that matches nothing and records what it was asked, so these tests are about the input only. */
function recording(): { screenAt: ScreenAt; asked: string[] } {
  const asked: string[] = [];
  const screenAt: ScreenAt = (query, basis) => {
    asked.push(`${query.name}@${basis.asOf}`);
    return seal({ basis: { ...basis, position: null }, query, algorithm: { name: 'test', version: '0' }, threshold: 0.85, limit: 10, matches: [] });
  };
  return { screenAt, asked };
}

async function answers(input: Readable, format: BatchFormat, screenAt: ScreenAt, since?: string): Promise<BatchAnswer[]> {
  const out: BatchAnswer[] = [];
  const plan = planBatch(decoded({ asOf: '2024-12-16', ...(since === undefined ? {} : { since }) }));
  for await (const answer of screenBatch(readBatchInput(input, format), plan, screenAt)) out.push(answer);
  return out;
}
const decoded = (raw: Record<string, unknown>) => {
  const options = decodeBatchOptions(raw);
  if (E.isLeft(options)) throw new Error(JSON.stringify(options.left));
  return options.right;
};
const keyOf = (a: BatchAnswer) => ('line' in a ? `line ${a.line}` : a.id);

describe('reading a batch', () => {
  it('given NDJSON split across chunks with blank and CRLF lines, when read, then each object is one line, numbered as in the file', async () => {
    const { screenAt, asked } = recording();
    const input = Readable.from(['{"id":"a","na', 'me":"Ro"}\r\n\r\n{"id":"b",', '"name":"Kim"}\n']);
    const out = await answers(input, 'ndjson', screenAt);
    expect(out.map(keyOf)).toEqual(['a', 'b']);
    expect(asked).toEqual(['Ro@2024-12-16', 'Kim@2024-12-16']);
  });

  it('given a CSV field with a quoted line break, when read, then it is one row and the next row keeps its own line number', async () => {
    const { screenAt } = recording();
    const input = Readable.from(['id,name\n', '"a","Ro\nKwang"\n', 'b,\n']);
    const out = await answers(input, 'csv', screenAt);
    expect(out.map(keyOf)).toEqual(['line 3', 'line 4']);
    expect(out[0]).toMatchObject({ id: 'a', error: { errors: [{ path: 'name' }] } }); // a control character in a name
    expect(out[1]).toMatchObject({ id: 'b', error: { errors: [{ path: 'name' }] } }); // an empty name
  });

  it('given a CSV quote that is never closed, when read, then the rows before it are answered and the last answer names the broken input', async () => {
    const { screenAt } = recording();
    const out = await answers(Readable.from(['id,name\na,Ro\nb,"Kim\n']), 'csv', screenAt);
    expect(out.map(keyOf)).toEqual(['a', 'line 3']);
    expect((out[1] as { error: { message: string } }).error.message).toMatch(/^line 3: .*readable input/);
  });

  it('given an input stream that fails part-way (a body over its limit), when read, then the lines before are answered and the failure is the last line', async () => {
    const { screenAt } = recording();
    const failing = new Readable({ read() {} });
    failing.push('{"id":"a","name":"Ro"}\n');
    setImmediate(() => failing.destroy(new Error('the body is larger than 10 bytes')));
    const out = await answers(failing, 'ndjson', screenAt);
    expect(out.map(keyOf)).toEqual(['a', 'line 2']);
    expect(JSON.stringify(out[1])).toContain('larger than 10 bytes');
  });

  it('given a lookback, when read, then each line is screened at both bases, the earlier first', async () => {
    const { screenAt, asked } = recording();
    const out = await answers(Readable.from(['{"id":"a","name":"Ro"}\n']), 'ndjson', screenAt, '2024-12-15');
    expect(asked).toEqual(['Ro@2024-12-16', 'Ro@2024-12-15']);
    expect(out[0]).toMatchObject({ id: 'a', gained: [], lost: [] });
  });

  it('given a JSON line that is not an object, when read, then it is an error line naming the line', async () => {
    const { screenAt } = recording();
    const out = await answers(Readable.from(['["a"]\n', 'null\n']), 'ndjson', screenAt);
    expect(out).toMatchObject([{ line: 1, error: { errors: [{ actual: 'an array' }] } }, { line: 2, error: { errors: [{ actual: 'null' }] } }]);
  });
});

describe('sharing the event loop', () => {
  it('given a batch that has already arrived, when screened with a spent slice, then the loop turns between lines', async () => {
    const { screenAt } = recording();
    const lines = Array.from({ length: 50 }, (_, i) => `{"id":"c${i}","name":"Name ${i}"}\n`).join('');
    const plan = planBatch(decoded({ asOf: '2024-12-16' }));
    let turned = false;
    setImmediate(() => (turned = true));
    const answeredBeforeTurn: string[] = [];
    for await (const answer of screenBatch(readBatchInput(Readable.from([lines]), 'ndjson'), plan, screenAt, new TimeSlice(0))) {
      if (!turned) answeredBeforeTurn.push(keyOf(answer));
    }
    expect(answeredBeforeTurn.length).toBeLessThanOrEqual(1);
  });
});
