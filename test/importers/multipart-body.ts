/**
 * multipart/form-data bodies for the import route's tests, built by hand (as curl -F sends them) so a test can
 * rename, repeat or add parts at will.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

export const BOUNDARY = '----sanctions-test-boundary';
export const MULTIPART_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;

/** One part: a file (with its file name) or, without one, a plain field. */
export interface Part {
  readonly name?: string;
  readonly filename?: string;
  readonly content: Buffer;
}

export function multipartBody(parts: readonly Part[]): Buffer {
  const encoded = parts.map((part) => {
    const file = part.filename === undefined ? '' : `; filename="${part.filename}"\r\nContent-Type: text/csv`;
    return Buffer.concat([Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${part.name ?? 'file'}"${file}\r\n\r\n`), part.content, Buffer.from('\r\n')]);
  });
  return Buffer.concat([...encoded, Buffer.from(`--${BOUNDARY}--\r\n`)]);
}

/** One file part per path, named by its base name. */
export const filesBody = (paths: readonly string[]): Buffer => multipartBody(paths.map((path) => ({ filename: basename(path), content: readFileSync(path) })));
