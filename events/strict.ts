/**
 * What a COMMAND may carry beyond what its codec decodes: nothing. io-ts `t.exact` strips fields it does not name,
 * so `effectiveTo` or `reason` (for `reasons`) would vanish and the caller would believe it was recorded. This
 * walks a codec's structure next to the input and reports every field the codec does not name, with its path, plus
 * the command-only text rules (visible characters, length limits).
 *
 * Only commands are checked this way: event codecs keep reading whatever was stored before these rules existed.
 */
import type * as t from 'io-ts';
import type { FieldError } from './decode-errors';
import { DATE_CEILING, isBeforeDateCeiling } from './primitives';

/** Limits on what one command may carry (README, "Rules"): far above real list data, far below the body limit. */
export const TEXT_LIMITS = {
  /** A name or alias; the longest names in the published lists are a few hundred characters. */
  name: 1_000,
  /** Any other string field (reasons, remarks, references, addresses, source fields). */
  text: 20_000,
} as const;

/**
 * Only invisible characters: controls (C0, C1), format characters (zero-width, BOM, word joiner, bidi controls),
 * separators and blanks, and combining marks with nothing to combine with (they draw on no letter).
 */
const NO_VISIBLE_CHARACTER = /^[\p{C}\p{Z}\p{M}\s]*$/u;

/** True when a name has at least one character a reader can see (the rule of names in commands and queries). */
export const hasVisibleCharacter = (text: string): boolean => !NO_VISIBLE_CHARACTER.test(text);

interface AnyCodec {
  readonly _tag?: string;
  readonly name: string;
  readonly [key: string]: unknown;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The property codecs an object codec names (through exact, refinement and intersection wrappers). */
function propsOf(codec: AnyCodec): Record<string, AnyCodec> | undefined {
  switch (codec._tag) {
    case 'InterfaceType':
    case 'PartialType':
    case 'StrictType':
      return codec.props as Record<string, AnyCodec>;
    case 'ExactType':
    case 'RefinementType':
    case 'ReadonlyType':
      return propsOf(codec.type as AnyCodec);
    case 'IntersectionType': {
      const parts = (codec.types as AnyCodec[]).map(propsOf);
      if (parts.some((p) => p === undefined)) return undefined;
      return Object.assign({}, ...parts) as Record<string, AnyCodec>;
    }
    default:
      return undefined;
  }
}

function elementOf(codec: AnyCodec): AnyCodec | undefined {
  switch (codec._tag) {
    case 'ArrayType':
    case 'ReadonlyArrayType':
      return codec.type as AnyCodec;
    case 'RefinementType':
    case 'ReadonlyType':
      return elementOf(codec.type as AnyCodec);
    default:
      return undefined;
  }
}

function isStringCodec(codec: AnyCodec): boolean {
  if (codec._tag === 'StringType') return true;
  if (codec._tag === 'RefinementType') return isStringCodec(codec.type as AnyCodec);
  return false;
}

const join = (path: string, key: string) => (path === '' ? key : `${path}.${key}`);

function segment(key: string): string {
  return /^[\w$-]+$/.test(key) ? key : JSON.stringify(key);
}

/**
 * Every field of `value` that `codec` does not name, and every string that breaks the text rules, by path. Values
 * of the wrong type are left to the codec itself, which reports them with its own message.
 */
export function strictFieldErrors(codec: t.Mixed, value: unknown, root = ''): FieldError[] {
  const errors: FieldError[] = [];
  const stack: Array<[AnyCodec, unknown, string, string]> = [[codec as unknown as AnyCodec, value, root, '']];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [node, input, path, key] = item;
    if (typeof input === 'string' && node.name === 'IsoDate' && !isBeforeDateCeiling(input)) {
      errors.push({ path, expected: `a date before ${DATE_CEILING} (that day marks an open end)`, actual: JSON.stringify(input) });
      continue;
    }
    if (typeof input === 'string' && isStringCodec(node)) {
      const limit = key === 'name' ? TEXT_LIMITS.name : TEXT_LIMITS.text;
      if (input.length > limit) {
        errors.push({ path, expected: `at most ${limit} characters`, actual: `${input.length} characters` });
      } else if (key === 'name' && !hasVisibleCharacter(input)) {
        errors.push({ path, expected: 'a name with at least one visible character', actual: JSON.stringify(input) });
      }
      continue;
    }
    const props = propsOf(node);
    if (props !== undefined && isPlainObject(input)) {
      for (const [field, child] of Object.entries(input)) {
        const childPath = join(path, segment(field));
        const childCodec = Object.prototype.hasOwnProperty.call(props, field) ? props[field] : undefined;
        if (childCodec === undefined) {
          errors.push({ path: childPath, expected: `no such field (${node.name} takes ${Object.keys(props).join(', ')})`, actual: 'a value' });
        } else {
          stack.push([childCodec, child, childPath, field]);
        }
      }
      continue;
    }
    const element = elementOf(node);
    if (element !== undefined && Array.isArray(input)) {
      input.forEach((child, index) => stack.push([element, child, join(path, String(index)), key]));
    }
  }
  return errors.reverse();
}
