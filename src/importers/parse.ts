/**
 * Entry point: parses one publication (a file, or the OFAC CSV set) into a normalised ListSnapshot.
 * Each format lives in formats/<format>.ts; this module only checks the call and routes it.
 */
import { ListParseError } from './errors';
import { parseEuXml } from './formats/eu-xml';
import { parseOfacCsv } from './formats/ofac-csv';
import { parseOfacXml } from './formats/ofac-xml';
import { parseUkOfsiCsv } from './formats/uk-ofsi-csv';
import { parseUkXml } from './formats/uk-xml';
import { parseUnXml } from './formats/un-xml';
import { Progress, SourceFile } from './io/source';
import type { Format, ListSnapshot, ParseOptions } from './listing';

export type { Format, ListSnapshot, Listing, ListId, ParseOptions } from './listing';
export { ListParseError } from './errors';

export async function parseSnapshot(format: Format, files: string[], options: ParseOptions = {}): Promise<ListSnapshot> {
  if (files.length === 0) throw new TypeError('parseSnapshot: no file given');
  const progress = await Progress.forFiles(files, options.onProgress);
  if (format === 'ofac-csv') return parseOfacCsv(files, progress, options.publishedOn);

  if (files.length !== 1) {
    throw new ListParseError({ file: files[1]!, line: 0, problem: `format ${format} takes exactly one file, got ${files.length}` });
  }
  const source = new SourceFile(files[0]!, progress);
  switch (format) {
    case 'un-xml':
      return parseUnXml(source);
    case 'ofac-xml':
      return parseOfacXml(source, options.list);
    case 'eu-xml':
      return parseEuXml(source);
    case 'uk-ofsi-csv':
      return parseUkOfsiCsv(source);
    case 'uk-xml':
      return parseUkXml(source);
    default:
      throw new TypeError(`parseSnapshot: unknown format ${JSON.stringify(format satisfies never)}`);
  }
}
