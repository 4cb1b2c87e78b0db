/** Reads a command's JSON input from a file or stdin, with a size limit and errors that say where. */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { parse as parseTolerant, printParseErrorCode, type ParseError } from 'jsonc-parser';
import secureJson from 'secure-json-parse';
import { firstDuplicateKey } from '../json/duplicate-keys';
import { MAX_JSON_DEPTH, nestedDeeperThan } from '../json/nesting';
import { decodeUtf8, InvalidUtf8Error } from '../text/utf8';

export const MAX_INPUT_BYTES = 1024 * 1024;

export class InputError extends Error {
  override readonly name = 'InputError';
}

async function readLimited(stream: Readable, label: string, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      size += (chunk as Buffer).length;
      if (size > limit) {
        stream.destroy();
        throw new InputError(`${label}: larger than the ${limit / 1024 / 1024} MiB limit`);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    // Opening can succeed and reading still fail (a directory: EISDIR): that is bad input too, not a crash.
    if (error instanceof InputError) throw error;
    throw new InputError(`${label}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  // Editors on Windows start UTF-8 files with a byte-order mark; it is not part of the JSON.
  try {
    return decodeUtf8(Buffer.concat(chunks)).replace(/^\uFEFF/, '');
  } catch (error) {
    if (error instanceof InvalidUtf8Error) throw new InputError(`${label}: ${error.message}`);
    throw error;
  }
}

/** Line and column of a character offset, 1-based, for JSON syntax errors. */
function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line} column ${column}`;
}

/**
 * JSON.parse does the parsing; only when it fails, jsonc-parser (strict settings) locates the first error,
 * because Node 20's messages often carry no position.
 */
export function parseJson(text: string, label: string): unknown {
  if (nestedDeeperThan(text, MAX_JSON_DEPTH)) throw new InputError(`${label}: JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    const errors: ParseError[] = [];
    parseTolerant(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    const where = first === undefined ? 'its end' : `${lineAndColumn(text, first.offset)} (${printParseErrorCode(first.error)})`;
    // V8 quotes the input in its message: control characters from it must not reach the terminal or forge lines.
    const reason = (error as Error).message.split('\n')[0]!.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    throw new InputError(`${label}: malformed JSON at ${where}: ${reason}`);
  }
  const duplicate = firstDuplicateKey(text);
  if (duplicate !== undefined) throw new InputError(`${label}: the key ${duplicate} is given twice; give each key once`);
  // The same rule and library as the HTTP body parser: such keys would otherwise reach the events.
  try {
    if (typeof value === 'object' && value !== null) secureJson.scan(value as Record<string, unknown>, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    throw new InputError(`${label}: sets "__proto__" or "constructor.prototype", which is refused`);
  }
  return value;
}

/** `-` reads stdin; anything else is a file path. */
export async function readJsonInput(source: string, limit = MAX_INPUT_BYTES): Promise<unknown> {
  const label = source === '-' ? 'stdin' : source;
  let stream: Readable;
  if (source === '-') {
    stream = process.stdin;
  } else {
    stream = createReadStream(source);
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', (e) => reject(new InputError(`${label}: cannot read (${(e as NodeJS.ErrnoException).code ?? e.message})`)));
    });
  }
  return parseJson(await readLimited(stream, label, limit), label);
}
