/**
 * Sources (DESIGN.md section 11): one publisher's list at one address. A sources file (JSON or YAML) replaces
 * the defaults; it is decoded by a codec and every bad field is named by its path (`sources[2].interval: ...`).
 */
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { fieldErrors } from '../../events/decode-errors';
import { Duration } from './duration';

const FormatCodec = t.keyof({ 'un-xml': null, 'ofac-xml': null, 'ofac-csv': null, 'eu-xml': null, 'uk-xml': null, 'uk-ofsi-csv': null }, 'a format: un-xml, ofac-xml, ofac-csv, eu-xml, uk-xml or uk-ofsi-csv');
const ListCodec = t.keyof({ UN: null, 'OFAC-SDN': null, 'OFAC-CONS': null, 'EU-FSF': null, 'UK-OFSI': null, 'UK-SL': null }, 'a list: UN, OFAC-SDN, OFAC-CONS, EU-FSF, UK-OFSI or UK-SL');
const Name = t.refinement(t.string, (s) => /^[a-z0-9][a-z0-9-]{0,63}$/.test(s), 'a name of lower-case letters, digits and dashes');
const HttpUrl = t.refinement(t.string, (s) => {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}, 'an http(s) URL');
const Urls = t.refinement(t.array(HttpUrl), (a) => a.length > 0, 'at least one URL');

const SourceCodec = t.intersection([
  t.type({ name: Name, format: FormatCodec, list: ListCodec, urls: Urls, interval: Duration, staleAfter: Duration }),
  t.partial({ publisherPage: t.string, note: t.string }),
]);
export type Source = t.TypeOf<typeof SourceCodec>;

const SourcesFileCodec = t.type({ sources: t.array(SourceCodec) });

export class SourcesFileError extends Error {}

/** `sources.2.interval` as a person reads it: `sources[2].interval`. */
const bracketed = (path: string) => path.replace(/\.(\d+)(?=\.|$)/g, '[$1]');

export function decodeSources(value: unknown): Source[] {
  const decoded = SourcesFileCodec.decode(value);
  if (E.isLeft(decoded)) {
    throw new SourcesFileError(fieldErrors(decoded.left).map((e) => `${bracketed(e.path)}: expected ${e.expected}, got ${e.actual}`).join('; '));
  }
  const names = new Set<string>();
  decoded.right.sources.forEach((s, i) => {
    if (names.has(s.name)) throw new SourcesFileError(`sources[${i}].name: "${s.name}" is used by an earlier source`);
    names.add(s.name);
  });
  return decoded.right.sources;
}

/** Reads a sources file: YAML (a superset of JSON) unless it ends in .json. */
export function loadSourcesFile(path: string): Source[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    // The setting that named it, so an operator knows what to fix (the bare ENOENT said only "open '<path>'").
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new SourcesFileError(`cannot read the sources file ${path} (LEDGER_SOURCES_FILE): ${reason}`);
  }
  let value: unknown;
  try {
    value = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new SourcesFileError(`${path}: not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`);
  }
  try {
    return decodeSources(value);
  } catch (error) {
    throw new SourcesFileError(`${path}: ${(error as Error).message}`);
  }
}
