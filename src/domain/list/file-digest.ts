/**
 * The digest of an imported file set: the file's own sha256 when there is one file (so it equals the archive's
 * and sync's sha256), else the sha256 of the files' digests, sorted (OFAC CSV: the set, whatever the order).
 */
import { createHash } from 'node:crypto';

export function fileSetDigest(files: readonly { readonly sha256: string }[]): string {
  if (files.length === 1) return files[0]!.sha256;
  return createHash('sha256').update(files.map((f) => f.sha256).sort().join('\n')).digest('hex');
}
