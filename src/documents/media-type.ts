/**
 * The Content-Type of an archived document. The archive keeps bytes only (a document's identity is its hash), so
 * the type comes from the bytes: the list formats are XML (UN, OFAC XML, EU, UK) and CSV (OFAC CSV set, OFSI).
 * Anything not recognisably one of those is served as application/octet-stream rather than guessed.
 */
const SNIFF_BYTES = 4096;

export function mediaTypeOf(head: Buffer): string {
  let text = head.subarray(0, SNIFF_BYTES).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.includes('\u0000')) return 'application/octet-stream';
  const start = text.trimStart();
  if (start.startsWith('<?xml') || /^<[A-Za-z_]/.test(start)) return 'application/xml';
  const firstLine = start.split(/\r?\n/, 1)[0] ?? '';
  // CSV: a first line of several comma-separated fields, with no markup and no replacement characters.
  if (firstLine.includes(',') && !firstLine.includes('<') && !text.includes('\ufffd')) return 'text/csv; charset=utf-8';
  return 'application/octet-stream';
}
