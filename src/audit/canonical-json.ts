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

function quote(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/**
 * How to write an object with a given list of own keys: the keys in canonical order, each with its quoted name
 * and separator ready. Events of one type have the same few shapes over and over, so a plan is made once per
 * shape, and sorting keys and looking up quoted names (about a third of the serialising time) leave the per-event cost.
 */
interface MemberPlan {
  /** The keys as Object.keys lists them: what a later object is matched against. */
  readonly keys: readonly string[];
  /** The same keys in UTF-16 code-unit order (Array.prototype.sort with no comparator), as RFC 8785 requires. */
  readonly sorted: readonly string[];
  /** `{"key":` for the first member written, `,"key":` for the others, by sorted index. */
  readonly opening: readonly string[];
  readonly following: readonly string[];
}

/** Plans by first key. Bounded, so that data with ever-new keys (a map keyed by ids) cannot grow it without end. */
const plans = new Map<string, MemberPlan[]>();
const MAX_PLANS = 10_000;
const MAX_PLANS_PER_FIRST_KEY = 16;
const MAX_KEYS_PER_PLAN = 64;
let planCount = 0;

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function makePlan(keys: readonly string[]): MemberPlan {
  const sorted = keys.slice().sort();
  return {
    keys,
    sorted,
    opening: sorted.map((key) => `{${quote(key)}:`),
    following: sorted.map((key) => `,${quote(key)}:`),
  };
}

/** `keys` is non-empty. The plan only depends on the list of keys, so matching the whole list makes it right. */
function planFor(keys: readonly string[]): MemberPlan {
  const first = keys[0]!;
  const candidates = plans.get(first);
  if (candidates !== undefined) {
    for (const plan of candidates) if (sameKeys(plan.keys, keys)) return plan;
  }
  const plan = makePlan(keys);
  if (planCount < MAX_PLANS && keys.length <= MAX_KEYS_PER_PLAN && (candidates?.length ?? 0) < MAX_PLANS_PER_FIRST_KEY) {
    if (candidates === undefined) plans.set(first, [plan]);
    else candidates.push(plan);
    planCount += 1;
  }
  return plan;
}

function serialiseObject(record: Record<string, unknown>): string {
  const keys = Object.keys(record);
  if (keys.length === 0) return '{}';
  const plan = planFor(keys);
  let out = '';
  for (let i = 0; i < plan.sorted.length; i++) {
    const member = serialise(record[plan.sorted[i]!]);
    if (member === undefined) continue; // undefined, functions and symbols have no JSON form: the member is left out
    out += (out === '' ? plan.opening[i]! : plan.following[i]!) + member;
  }
  return out === '' ? '{}' : `${out}}`;
}

function serialiseArray(array: readonly unknown[]): string {
  let out = '[';
  for (let i = 0; i < array.length; i++) {
    if (i > 0) out += ',';
    out += serialise(array[i]) ?? 'null';
  }
  return `${out}]`;
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
      if (Array.isArray(value)) return serialiseArray(value);
      return serialiseObject(value as Record<string, unknown>);
    }
    case 'bigint':
      throw new TypeError('bigint has no JSON form: serialise positions and revisions explicitly');
    default:
      return undefined;
  }
}
