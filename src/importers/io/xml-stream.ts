/**
 * Streams an XML list file through saxes and hands each record element to a callback as a small tree.
 *
 * Security: no DOCTYPE is accepted. Sanctions lists never use one, and a DOCTYPE is how entity-expansion
 * ("billion laughs") and external-entity (XXE) attacks are carried; saxes reports the DOCTYPE as soon as it
 * is read, before any entity reference could be met, and we refuse the file there. (saxes itself never fetches
 * external DTDs and never expands entities beyond the five predefined ones, so this is belt and braces.)
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { ListParseError, quote } from '../errors';
import type { SourceFile } from './source';
import { XmlDecoder } from './xml-decode';
import { XmlNode } from './xml-node';

/**
 * Deepest element nesting accepted. The lists nest 4 to 7 levels; saxes resolves namespace prefixes by walking
 * up the open elements, so each level costs as much as its depth: 50,000 nested elements (a 350 KB file) would
 * take 20 seconds to parse, a few MB an hour.
 */
export const MAX_ELEMENT_DEPTH = 64;

export interface XmlStreamSpec {
  /** Local name the root element must have, else the file is of another format. */
  root: string;
  /** What the format is called, for the wrong-root message. */
  formatLabel: string;
  /** Local names of record elements; each is detached from the tree and passed to onRecord when it closes. */
  records: ReadonlySet<string>;
  onRecord(record: XmlNode): void;
}

/** Parses the whole file; returns the root with everything except the records (headers such as publshInformation). */
export async function streamXml(source: SourceFile, spec: XmlStreamSpec): Promise<XmlNode> {
  const file = source.name;
  const parser = new SaxesParser({ xmlns: true, position: true });
  const decoder = new XmlDecoder(file);
  const stack: XmlNode[] = [];
  let root: XmlNode | undefined;
  let recordDepth = -1; // stack depth at which the current record started; -1 outside records

  const fail = (problem: string, line = parser.line): never => {
    throw new ListParseError({ file, line, problem });
  };

  parser.on('error', (err) => fail(`invalid XML: ${err.message.replace(/^\d+:\d+: /, '')}`));
  parser.on('doctype', (doctype) => {
    if (/<!ENTITY/i.test(doctype)) fail('DOCTYPE declares entities; refused (entity expansion is never performed)');
    if (/\b(SYSTEM|PUBLIC)\b/.test(doctype)) fail('DOCTYPE references an external DTD; refused');
    fail('DOCTYPE is not allowed in a sanctions list file; refused');
  });
  parser.on('opentagstart', () => {
    if (stack.length >= MAX_ELEMENT_DEPTH) fail(`elements nested deeper than ${MAX_ELEMENT_DEPTH} levels: not a sanctions list file`);
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    const local = tag.local;
    if (root === undefined && local !== spec.root) {
      fail(`root element is <${tag.name}>, expected <${spec.root}>: not a ${spec.formatLabel} file`);
    }
    const attrs: Record<string, string> = {};
    for (const a of Object.values(tag.attributes)) {
      if (a.prefix !== 'xmlns' && a.name !== 'xmlns') attrs[a.local] = a.value;
    }
    const node = new XmlNode(local, attrs, parser.line);
    if (root === undefined) root = node;
    if (recordDepth < 0 && spec.records.has(local)) recordDepth = stack.length;
    // Outside records only headers are kept; containers (INDIVIDUALS...) keep no record children.
    stack.at(-1)?.children.push(node);
    stack.push(node);
  });
  parser.on('text', (text) => {
    const top = stack.at(-1);
    if (top === undefined) return; // saxes itself rejects non-blank text outside the root
    if (recordDepth >= 0 || text.trim() !== '') top.text += text;
  });
  parser.on('cdata', (text) => {
    const top = stack.at(-1);
    if (top !== undefined) top.text += text;
  });
  parser.on('closetag', () => {
    const node = stack.pop()!;
    if (stack.length === recordDepth) {
      recordDepth = -1;
      const parent = stack.at(-1);
      if (parent !== undefined) parent.children.pop(); // detach: the record is done with once mapped
      spec.onRecord(node);
    }
  });

  let first = true;
  const feed = (text: string): void => {
    if (text === '') return;
    if (first) {
      first = false;
      const start = text.replace(/^\uFEFF/, '').trimStart();
      if (start !== '' && !start.startsWith('<')) fail(`not an XML document (starts with ${quote(start.slice(0, 20))})`, 1);
    }
    parser.write(text);
  };
  for await (const chunk of source.chunks()) feed(decoder.write(chunk));
  feed(decoder.end());
  if (first) fail('file is empty', 0);
  parser.close();
  if (root === undefined) return fail('no document element');
  return root;
}
