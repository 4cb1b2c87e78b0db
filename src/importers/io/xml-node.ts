/**
 * A small element tree for ONE record (an INDIVIDUAL, an sdnEntry...): the SAX stream is cut into records and
 * each is mapped while it is small, so memory stays bounded by the largest record, not the file.
 * Names are local names: namespaces differ between publications of the same list (OFAC) and carry no meaning here.
 */
import { clean } from '../normalize/text';

export class XmlNode {
  readonly children: XmlNode[] = [];
  text = '';

  constructor(
    readonly name: string,
    readonly attrs: Readonly<Record<string, string>>,
    /** Line of the start tag, for error messages. */
    readonly line: number,
  ) {}

  child(name: string): XmlNode | undefined {
    return this.children.find((c) => c.name === name);
  }

  all(name: string): XmlNode[] {
    return this.children.filter((c) => c.name === name);
  }

  /** Follows a path of child names, collecting every match at the last step (`path('NATIONALITY', 'VALUE')`). */
  path(...names: string[]): XmlNode[] {
    let level: XmlNode[] = [this];
    for (const n of names) level = level.flatMap((node) => node.all(n));
    return level;
  }

  /** Trimmed, whitespace-collapsed text of the first child of that name; undefined when absent or blank. */
  value(name: string): string | undefined {
    return this.child(name)?.own();
  }

  /** Trimmed, whitespace-collapsed text of this node; undefined when blank. */
  own(): string | undefined {
    return clean(this.text);
  }

  /** Trimmed, whitespace-collapsed attribute; undefined when absent or blank. */
  attr(name: string): string | undefined {
    return clean(this.attrs[name]);
  }

  /** Line of the named child if present (a field's own line), else of this node. */
  lineOf(name: string): number {
    return this.child(name)?.line ?? this.line;
  }
}
