/** Turns io-ts validation errors into messages that name every bad field by its path. */
import type * as t from 'io-ts';

export interface FieldError {
  readonly path: string;
  readonly expected: string;
  readonly actual: string;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  if (json === undefined) return typeof value;
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

interface Tagged {
  readonly _tag?: string;
  /** The codec an ExactType wraps. */
  readonly type?: Tagged;
}

/**
 * Intersections and unions add their branch index to the context; it is not part of the field's path. An exact
 * intersection reports its branches under the ExactType entry, so look through it.
 */
function isBranchIndex(context: t.Context, index: number): boolean {
  const parent = context[index - 1]?.type as Tagged | undefined;
  const tag = parent?._tag === 'ExactType' ? parent.type?._tag : parent?._tag;
  return tag === 'IntersectionType' || tag === 'UnionType';
}

/** One entry per failing field path, in the order io-ts found them. */
export function fieldErrors(errors: t.Errors): FieldError[] {
  const byPath = new Map<string, FieldError>();
  for (const error of errors) {
    const path = error.context
      .filter((entry, i) => i > 0 && entry.key !== '' && !isBranchIndex(error.context, i))
      .map((entry) => entry.key)
      .join('.');
    const leaf = error.context[error.context.length - 1];
    const expected = error.message ?? leaf?.type.name ?? 'a valid value';
    const key = path === '' ? '(root)' : path;
    if (!byPath.has(key)) byPath.set(key, { path: key, expected, actual: describeValue(error.value) });
  }
  return [...byPath.values()];
}

export function formatFieldErrors(errors: readonly FieldError[]): string {
  return errors.map((e) => `${e.path}: expected ${e.expected}, got ${e.actual}`).join('; ');
}
