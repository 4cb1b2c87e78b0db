/**
 * A publisher's error page often comes with status 200 (a CDN, a login wall, a maintenance page). The first bytes
 * tell an HTML page from the XML or CSV the format expects, before a parser gives a confusing error about it.
 */
export type Expected = 'xml' | 'csv';

export function expectedKind(format: string): Expected {
  return format.endsWith('-csv') ? 'csv' : 'xml';
}

/** undefined when the start looks like the expected kind, else the reason it does not. */
export function sniffProblem(head: Buffer, expected: Expected): string | undefined {
  const text = head.toString('utf8').replace(/^\uFEFF/, '').trimStart().slice(0, 256).toLowerCase();
  if (text === '') return undefined; // an empty file is the parser's to refuse, with its own message
  if (text.startsWith('<!doctype html') || text.startsWith('<html') || /^<\?xml[^>]*>\s*<(!doctype\s+)?html/.test(text)) {
    return `an HTML page where ${expected.toUpperCase()} was expected`;
  }
  if (expected === 'xml' && !text.startsWith('<')) return 'not XML (the body does not start with "<")';
  if (expected === 'csv' && text.startsWith('<')) return 'markup where CSV was expected';
  return undefined;
}
