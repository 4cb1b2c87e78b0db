/**
 * JSON.parse lets the last of two equal keys win, so `{"effectiveFrom": "2024-12-16", "effectiveFrom": "2025-06-01"}`
 * records a date the sender may not have meant. The HTTP API and the CLI refuse such input; jsonc-parser's
 * visitor sees every property (a reviver cannot). Call it on text that already parsed as JSON.
 */
import { visit } from 'jsonc-parser';

/** The path of the first key given twice in one object (e.g. `data.effectiveFrom`), or undefined. */
export function firstDuplicateKey(text: string): string | undefined {
  const objects: Array<Set<string>> = [];
  let found: string | undefined;
  visit(text, {
    onObjectBegin: () => {
      objects.push(new Set());
    },
    onObjectEnd: () => {
      objects.pop();
    },
    onObjectProperty: (property, _offset, _length, _line, _column, pathSupplier) => {
      const keys = objects[objects.length - 1];
      if (found !== undefined || keys === undefined) return;
      if (keys.has(property)) {
        found = [...pathSupplier(), property].map((segment) => (typeof segment === 'number' || /^[\w$-]+$/.test(segment) ? String(segment) : JSON.stringify(segment))).join('.');
      }
      keys.add(property);
    },
  });
  return found;
}
