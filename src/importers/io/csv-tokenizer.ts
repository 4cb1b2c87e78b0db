/**
 * An incremental RFC 4180 tokenizer: fields separated by ',', optionally double-quoted with "" as an escaped
 * quote, rows ended by LF or CRLF, quoted fields may span lines. Text arrives in chunks; a row cut by a chunk
 * boundary is carried over and re-read with the next chunk. Quotes inside an unquoted field are kept as text.
 *
 * Why not csv-parse: on these files it cost several times the rest of the import (it builds fields char by
 * char, and its per-record info objects dominate GC). This scanner slices fields straight out of the chunk
 * with indexOf and tracks the line numbers error messages need at no extra cost. The test suite checks it
 * against csv-parse on every real file.
 */
export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

export type RowHandler = (fields: string[], line: number) => void;

interface Row {
  fields: string[];
  /** Index just after the row's terminator. */
  next: number;
  /** Line feeds consumed, terminator included. */
  lines: number;
}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;
/** A row this long is not a list record; refusing it bounds the carry-over buffer (e.g. an unclosed quote). */
const MAX_ROW_CHARS = 8 * 1024 * 1024;

export class CsvTokenizer {
  private carry = '';
  /** Line on which the carried-over (or next) row starts. */
  private line = 1;

  constructor(private readonly onRow: RowHandler) {}

  write(chunk: string): void {
    this.scan(this.carry + chunk, false);
    if (this.carry.length > MAX_ROW_CHARS) throw new CsvSyntaxError('row longer than 8 MB (unclosed quote?)', this.line);
  }

  end(): void {
    this.scan(this.carry, true);
  }

  private scan(s: string, final: boolean): void {
    let i = 0;
    let line = this.line;
    while (i < s.length) {
      const row = readRow(s, i, line, final);
      if (row === undefined) break; // the row continues in the next chunk
      if (!(row.fields.length === 1 && row.fields[0] === '')) this.onRow(row.fields, line); // blank lines skipped
      line += row.lines;
      i = row.next;
    }
    this.carry = s.slice(i);
    this.line = line;
  }
}

/** Reads the row starting at `start`; undefined when it is incomplete and more text may follow. */
function readRow(s: string, start: number, line: number, final: boolean): Row | undefined {
  const n = s.length;
  const fields: string[] = [];
  let i = start;
  let lines = 0;
  let lf = -1;
  for (;;) {
    if (i < n && s.charCodeAt(i) === QUOTE) {
      let j = i + 1;
      let value = '';
      for (;;) {
        const q = s.indexOf('"', j);
        if (q === -1) {
          if (!final) return undefined;
          throw new CsvSyntaxError('quoted field is not closed before the end of the file', line);
        }
        if (q + 1 < n && s.charCodeAt(q + 1) === QUOTE) {
          value += s.slice(j, q + 1);
          j = q + 2;
          continue;
        }
        if (q + 1 === n && !final) return undefined; // cannot yet tell `"` from `""`
        value += s.slice(j, q);
        i = q + 1;
        break;
      }
      lines += countLf(value);
      fields.push(value);
      let c = i < n ? s.charCodeAt(i) : -1;
      if (c === CR) {
        if (i + 1 === n && !final) return undefined;
        if (i + 1 < n && s.charCodeAt(i + 1) === LF) c = s.charCodeAt(++i);
      }
      if (c === COMMA) {
        i++;
        continue;
      }
      if (c === LF) return { fields, next: i + 1, lines: lines + 1 };
      if (c === -1) return final ? { fields, next: n, lines } : undefined;
      throw new CsvSyntaxError(`unexpected ${JSON.stringify(s[i])} after a closing quote`, line + lines);
    }
    if (lf < i) lf = s.indexOf('\n', i);
    const comma = s.indexOf(',', i);
    if (comma !== -1 && (lf === -1 || comma < lf)) {
      fields.push(s.slice(i, comma));
      i = comma + 1;
      continue;
    }
    if (lf === -1) {
      if (!final) return undefined;
      fields.push(s.slice(i, n));
      return { fields, next: n, lines };
    }
    fields.push(s.slice(i, lf > i && s.charCodeAt(lf - 1) === CR ? lf - 1 : lf));
    return { fields, next: lf + 1, lines: lines + 1 };
  }
}

function countLf(s: string): number {
  let k = 0;
  for (let p = s.indexOf('\n'); p !== -1; p = s.indexOf('\n', p + 1)) k++;
  return k;
}
