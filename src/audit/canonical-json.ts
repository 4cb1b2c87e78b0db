/**
 * Canonical JSON (RFC 8785, JCS): object keys sorted by UTF-16 code units, no insignificant whitespace,
 * strings and numbers serialised exactly as ECMAScript's JSON.stringify does (which is what JCS specifies).
 *
 * Written here rather than taken from the `canonicalize` package because hashing sits on the append hot
 * path and this is several times faster; test/audit/canonical-json.test.ts checks it against that package
 * on generated values, including arbitrary UTF-16 text.
 */
export function canonicalJson(value: unknown): string {
  const text = serialise(value);
  if (text === undefined) throw new TypeError('value has no JSON form');
  return text;
}

/** Characters JSON.stringify would escape (and surrogates, which it escapes when unpaired): the rest is quoted as is. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
/** Quoted member names ("name":), which repeat across every event. */
const quotedKeys = new Map<string, string>();

function quote(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = `${quote(key)}:`;
    if (quotedKeys.size < 10_000) quotedKeys.set(key, quoted);
  }
  return quoted;
}

function serialise(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${value} has no canonical JSON form`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      const withToJson = value as { toJSON?: () => unknown };
      if (typeof withToJson.toJSON === 'function') return serialise(withToJson.toJSON());
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          out += serialise(value[i]) ?? 'null';
        }
        return `${out}]`;
      }
      const record = value as Record<string, unknown>;
      // Array.prototype.sort with no comparator orders by UTF-16 code units, as RFC 8785 requires.
      const keys = Object.keys(record);
      if (keys.length > 1) keys.sort();
      let out = '{';
      let first = true;
      for (const key of keys) {
        const member = serialise(record[key]);
        if (member === undefined) continue;
        out += (first ? '' : ',') + quotedKey(key) + member;
        first = false;
      }
      return `${out}}`;
    }
    case 'bigint':
      throw new TypeError('bigint has no JSON form: serialise positions and revisions explicitly');
    default:
      return undefined;
  }
}
