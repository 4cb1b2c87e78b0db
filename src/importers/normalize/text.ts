/** Text clean-up shared by all formats: lists pad values with stray spaces, line breaks and null markers. */

const NEEDS_CLEANING = /^\s|\s$|\s\s|[^\S ]/;

/** Trims and collapses inner whitespace (incl. line breaks from pretty-printing); blank becomes undefined. */
export function clean(raw: string | undefined | null): string | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  // Fast path (most values are already clean): testing allocates nothing, replacing always does.
  if (!NEEDS_CLEANING.test(raw)) return raw;
  const s = raw.replace(/\s+/g, ' ').trim();
  return s === '' ? undefined : s;
}

/**
 * Splits an enumerated free-text field ("1) Saudi Arabia 2) Qatar", "(1) German (2) Moroccan", "a) x b) y")
 * into its items; a field without enumeration is one item.
 */
export function splitEnumerated(raw: string | undefined): string[] {
  const s = clean(raw);
  if (s === undefined) return [];
  const marker = /(?:^|\s)\(?(?:\d{1,2}|[a-h])\)\s*/g;
  if (!/^\(?(?:1|a)\)/.test(s)) return [s];
  return s
    .split(marker)
    .map((x) => clean(x.replace(/[.,;]+$/, '')))
    .filter((x): x is string => x !== undefined);
}

/** Joins the defined parts with a separator; undefined when none. */
export function joinDefined(parts: readonly (string | undefined)[], sep: string): string | undefined {
  const kept = parts.filter((p): p is string => p !== undefined && p !== '');
  return kept.length === 0 ? undefined : kept.join(sep);
}
