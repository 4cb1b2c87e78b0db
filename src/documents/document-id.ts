/**
 * A document's id is the sha256 of its bytes, 64 lowercase hex digits. It is checked before any path is built
 * from it, so a caller's `../../etc/passwd` or `AB…` never reaches the file system.
 */
import { Sha256 } from '../../events/primitives';

export class InvalidDocumentIdError extends Error {
  constructor(readonly value: string) {
    super(`document id must be a sha256: 64 lowercase hex digits, got ${JSON.stringify(value.slice(0, 80))}`);
    this.name = 'InvalidDocumentIdError';
  }
}

export function assertDocumentId(value: string): Sha256 {
  if (!Sha256.is(value)) throw new InvalidDocumentIdError(value);
  return value;
}
