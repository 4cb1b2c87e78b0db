/** Strict UTF-8: text that is not UTF-8 is refused naming its line and column, never decoded to U+FFFD. */
import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { decodeUtf8, InvalidUtf8Error, utf8Lines } from '../../src/text/utf8';

const latin1 = (text: string) => Buffer.from(text, 'latin1');
const collect = async (chunks: Uint8Array[]) => {
  const out: string[] = [];
  for await (const line of utf8Lines(chunks)) out.push(line);
  return out;
};
const failure = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error as InvalidUtf8Error;
  }
  throw new Error('expected InvalidUtf8Error');
};

describe('strict UTF-8', () => {
  it('given UTF-8 with a byte-order mark, when decoded, then the text is exact and the mark dropped', async () => {
    expect(await collect([Buffer.from('\uFEFF{"name":"José"}\r\n{"name":"로광철"}\n')])).toEqual(['{"name":"José"}', '{"name":"로광철"}']);
  });

  it('given a character cut between two chunks, when read as lines, then it is whole', async () => {
    const bytes = Buffer.from('a\nRo Kwang-chol 로광철\nb');
    const lines = await collect(Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1)));
    expect(lines).toEqual(['a', 'Ro Kwang-chol 로광철', 'b']);
  });

  it('given Windows-1252 "José" on line 2, when decoded, then the error names line 2 and the column of é', () => {
    const error = failure(() => decodeUtf8(latin1('id,name\nc1,José Roe\n')));
    expect(error).toBeInstanceOf(InvalidUtf8Error);
    expect([error.line, error.column, error.byte]).toEqual([2, 7, 0xe9]);
    expect(error.message).toContain('line 2, column 7 is not UTF-8 (byte 0xe9)');
  });

  it.each([
    ['a stray continuation byte', Buffer.from([0x61, 0x80, 0x62]), 2],
    ['an overlong encoding', Buffer.from([0x61, 0xc0, 0xaf]), 2],
    ['a surrogate encoded', Buffer.from([0x61, 0xed, 0xa0, 0x80]), 2],
    ['a sequence cut at the end', Buffer.from([0x61, 0x62, 0xe2, 0x82]), 3],
  ])('given %s, when decoded, then it is refused at that column', (_, bytes, column) => {
    expect(failure(() => decodeUtf8(bytes)).column).toBe(column);
  });

  it('given a bad byte in a later chunk, when streamed, then its line counts every earlier line', async () => {
    const chunks = [Buffer.from('1\n2\n3'), Buffer.from('\n4\n'), latin1('5 Zoë\n')];
    await expect(collect(chunks)).rejects.toMatchObject({ line: 5, column: 5 });
  });
});
