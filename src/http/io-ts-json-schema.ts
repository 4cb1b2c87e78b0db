/**
 * Describes an io-ts codec as JSON Schema, for the OpenAPI document only. The codecs stay the one validator
 * (the server never compiles these schemas), so the document cannot drift into a second, different rulebook:
 * it is generated from the very structures that decide what is accepted.
 */
import type * as t from 'io-ts';

export type JsonSchema = Record<string, unknown>;

/** Branded strings whose predicate JSON Schema cannot express directly: their documented shape. */
const KNOWN_STRINGS: Record<string, JsonSchema> = {
  IsoDate: { type: 'string', format: 'date', example: '2024-12-16', description: 'calendar date YYYY-MM-DD (a real date)' },
  PartialDate: { type: 'string', pattern: '^\\d{4}(-\\d{2}(-\\d{2})?)?$', example: '1964-03', description: 'YYYY, YYYY-MM or YYYY-MM-DD' },
  Instant: { type: 'string', format: 'date-time', example: '2024-12-17T09:30:00.000Z', description: 'UTC instant, at most millisecond precision, ending in Z' },
  NonEmptyString: { type: 'string', minLength: 1, pattern: '\\S' },
  Identifier: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:/@#-]{0,199}$', example: 'ro-kwang-chol' },
  Regime: { type: 'string', pattern: '^(UN|EU|US|UK):[A-Z0-9][A-Z0-9._-]{0,63}$', example: 'EU:RUS' },
  Sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
};

interface AnyCodec {
  readonly _tag?: string;
  readonly name: string;
  readonly [key: string]: unknown;
}

export function codecToJsonSchema(codec: t.Mixed): JsonSchema {
  return convert(codec as unknown as AnyCodec);
}

function convert(codec: AnyCodec): JsonSchema {
  const known = KNOWN_STRINGS[codec.name];
  if (known !== undefined) return { ...known };
  switch (codec._tag) {
    case 'StringType':
      return { type: 'string' };
    case 'NumberType':
      return { type: 'number' };
    case 'BooleanType':
      return { type: 'boolean' };
    case 'NullType':
      return { type: 'null' };
    case 'UnknownType':
    case 'AnyType':
      return {};
    case 'LiteralType':
      return { enum: [codec.value] };
    case 'KeyofType':
      return { type: 'string', enum: Object.keys(codec.keys as object) };
    case 'ArrayType':
    case 'ReadonlyArrayType':
      return { type: 'array', items: convert(codec.type as AnyCodec) };
    case 'ExactType':
      // Exact only drops unknown fields on decode; the shape is the wrapped codec's.
      return convert(codec.type as AnyCodec);
    case 'InterfaceType':
    case 'StrictType':
      return objectSchema(codec.props as Record<string, AnyCodec> | undefined ?? propsOf(codec.type as AnyCodec), true);
    case 'PartialType':
      return objectSchema(codec.props as Record<string, AnyCodec>, false);
    case 'ReadonlyType':
      return convert(codec.type as AnyCodec);
    case 'RefinementType':
      return refinement(codec);
    case 'IntersectionType':
      return intersection(codec.types as AnyCodec[]);
    case 'UnionType':
      return { anyOf: (codec.types as AnyCodec[]).map(convert) };
    case 'DictionaryType':
      return { type: 'object', additionalProperties: convert(codec.codomain as AnyCodec) };
    case 'TupleType':
      return { type: 'array', items: (codec.types as AnyCodec[]).map(convert) };
    default:
      return { description: codec.name };
  }
}

function propsOf(codec: AnyCodec | undefined): Record<string, AnyCodec> {
  return (codec?.props as Record<string, AnyCodec> | undefined) ?? {};
}

function objectSchema(props: Record<string, AnyCodec>, required: boolean): JsonSchema {
  const properties = Object.fromEntries(Object.entries(props).map(([key, value]) => [key, convert(value)]));
  return { type: 'object', properties, ...(required && Object.keys(props).length > 0 ? { required: Object.keys(props) } : {}) };
}

/** A refinement we do not know by name: describe the base type, plus "non-empty" when the predicate says so. */
function refinement(codec: AnyCodec): JsonSchema {
  const base = convert(codec.type as AnyCodec);
  const predicate = codec.predicate as (value: unknown) => boolean;
  if (base.type === 'array' && safely(() => !predicate([]))) return { ...base, minItems: 1, description: codec.name };
  if (base.type === 'string' && safely(() => !predicate(''))) return { ...base, minLength: 1 };
  return base;
}

function safely(test: () => boolean): boolean {
  try {
    return test();
  } catch {
    return false;
  }
}

/** Intersections of objects (the io-ts idiom for required + optional fields) read best merged into one object. */
function intersection(types: AnyCodec[]): JsonSchema {
  const parts = types.map(convert);
  if (!parts.every((p) => p.type === 'object' && p.properties !== undefined)) return { allOf: parts };
  const properties: Record<string, unknown> = {};
  const required = new Set<string>();
  for (const part of parts) {
    Object.assign(properties, part.properties);
    for (const name of (part.required as string[] | undefined) ?? []) required.add(name);
  }
  return { type: 'object', properties, ...(required.size > 0 ? { required: [...required] } : {}) };
}
