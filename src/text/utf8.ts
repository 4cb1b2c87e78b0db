/**
 * Strict UTF-8 for what callers send (JSON bodies, NDJSON and CSV uploads, CLI input files). Node decodes bytes
 * that are not UTF-8 to U+FFFD without a word, so a spreadsheet's Windows-1252 "José" was recorded in the event
 * log, screened and stored in a watchlist as "Jos\uFFFD". Such input is refused instead, naming the line and column
 * of the first byte that is not UTF-8. A leading byte-order mark is dropped: it is not part of the text.
 */
import { Buffer } from 'node:buffer';

const NEWLINE = 0x0a;
const BYTE_ORDER_MARK = '\uFEFF';

export class InvalidUtf8Error extends Error {
  override readonly name = 'InvalidUtf8Error';
  constructor(
    readonly line: number,
    readonly column: number,
    readonly byte: number,
  ) {
    super(`line ${line}, ${InvalidUtf8Error.detail(column, byte)}`);
  }

  /** The message without its line, for errors that name the line themselves. */
  get detail(): string {
    return InvalidUtf8Error.detail(this.column, this.byte);
  }

  private static detail(column: number, byte: number): string {
    return `column ${column} is not UTF-8 (byte 0x${byte.toString(16).padStart(2, '0')}); send the text as UTF-8 (a spreadsheet's "CSV UTF-8" export)`;
  }
}

const strict = () => new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const decodesAsPrefix = (bytes: Uint8Array, length: number) => {
  try {
    strict().decode(bytes.subarray(0, length), { stream: true }); // an incomplete last character is not an error yet
    return true;
  } catch {
    return false;
  }
};

/** Where the first invalid sequence starts, in bytes that do not decode. */
function firstInvalidByte(bytes: Uint8Array): number {
  // The shortest prefix that fails ends on the byte where the decoder gave up; the sequence it could not finish
  // started at the lead byte (0xC0 and up) just before it, if any.
  let good = 0;
  let bad = bytes.length;
  while (bad - good > 1) {
    const middle = (good + bad) >>> 1;
    if (decodesAsPrefix(bytes, middle)) good = middle;
    else bad = middle;
  }
  const detected = bad - 1;
  for (let k = detected; k >= Math.max(0, detected - 3); k -= 1) {
    if (bytes[k]! >= 0xc0) return k;
    if (k < detected && bytes[k]! < 0x80) break;
  }
  return detected;
}

/** The error for bytes that failed to decode, and where the line holding the bad byte starts. */
function located(bytes: Uint8Array, linesBefore: number): { error: InvalidUtf8Error; lineStart: number } {
  const at = firstInvalidByte(bytes);
  const lineStart = bytes.lastIndexOf(NEWLINE, at - 1) + 1;
  let lines = 0;
  for (let k = 0; k < lineStart; k += 1) if (bytes[k] === NEWLINE) lines += 1;
  const column = new TextDecoder('utf-8').decode(bytes.subarray(lineStart, at)).length + 1;
  return { error: new InvalidUtf8Error(linesBefore + lines + 1, column, bytes[at]!), lineStart };
}

/** The text of `bytes`, or InvalidUtf8Error naming the line (counted after `linesBefore` earlier lines). */
export function decodeUtf8(bytes: Uint8Array, linesBefore = 0): string {
  try {
    return strict().decode(bytes);
  } catch {
    throw located(bytes, linesBefore).error;
  }
}

const newlinesIn = (bytes: Uint8Array) => {
  let count = 0;
  for (let k = bytes.indexOf(NEWLINE); k !== -1; k = bytes.indexOf(NEWLINE, k + 1)) count += 1;
  return count;
};

/**
 * A byte stream as text, piece by piece, each piece whole lines (a newline byte is never inside a multi-byte
 * character, so cutting there never splits one). Throws InvalidUtf8Error at the first byte that is not UTF-8.
 */
export async function* utf8Text(source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>): AsyncGenerator<string> {
  let carry: Uint8Array = new Uint8Array(0);
  let linesBefore = 0;
  let first = true;
  const piece = (text: string) => {
    const out = first && text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text;
    first = false;
    return out;
  };
  for await (const chunk of source) {
    const next = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const bytes = carry.length === 0 ? next : Buffer.concat([carry, next]);
    const cut = bytes.lastIndexOf(NEWLINE) + 1;
    if (cut === 0) {
      carry = bytes;
      continue;
    }
    yield* wholeLines(bytes.subarray(0, cut));
    carry = bytes.subarray(cut);
  }
  if (carry.length > 0) yield* wholeLines(carry);

  /** The text of `bytes`; at a byte that is not UTF-8, the lines before it and then the error. */
  function* wholeLines(bytes: Uint8Array): Generator<string> {
    let text: string;
    try {
      text = strict().decode(bytes);
    } catch {
      const { error, lineStart } = located(bytes, linesBefore);
      if (lineStart > 0) yield piece(strict().decode(bytes.subarray(0, lineStart)));
      throw error;
    }
    yield piece(text);
    linesBefore += newlinesIn(bytes);
  }
}

/** A byte stream as lines (without their "\n" or "\r\n"), strictly UTF-8. */
export async function* utf8Lines(source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>): AsyncGenerator<string> {
  for await (const text of utf8Text(source)) {
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    for (const line of lines) yield line.endsWith('\r') ? line.slice(0, -1) : line;
  }
}
