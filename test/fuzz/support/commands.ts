/**
 * Generated command input for the HTTP and CLI fuzz suites: a VALID body for every command type, and mutations
 * of it that each say whether they make the input invalid for sure ('invalid': dropped a required field, a wrong
 * JSON type, an impossible date, a prototype-pollution key...) or might leave it valid ('any': an extra nested
 * field, a huge array, unicode text). An 'invalid' case must be refused with a 4xx / exit 2 and append nothing.
 *
 * The verdicts come from the codecs' documented rules (events/primitives.ts, events/identity.ts...), written out
 * here by hand, so the suites do not trust the code under test to say what is valid.
 */
import fc from 'fast-check';
import type { CommandType } from '../../../src/commands/command-catalogue';
import { BAD_ENUMS, BAD_IDENTIFIERS, BAD_INSTANTS, BAD_PARTIAL_DATES, BAD_REGIMES, BLANKS, IMPOSSIBLE_DATES, unicodeText } from './hostile';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Verdict = 'invalid' | 'any';
export type Path = (string | number)[];

export const COMMAND_TYPES: readonly CommandType[] = [
  'AdoptResolution',
  'AmendResolution',
  'RepealResolution',
  'DesignateSubject',
  'AmendDesignation',
  'CorrectDesignation',
  'DelistSubject',
];

/** The resource-style aliases of the HTTP API: the path names the target, the body may omit it. */
export const ALIASES: Partial<Record<CommandType, { url: (id: string) => string; idField: 'subjectId' | 'resolutionId' }>> = {
  AmendResolution: { url: (id) => `/resolutions/${encodeURIComponent(id)}/amendments`, idField: 'resolutionId' },
  RepealResolution: { url: (id) => `/resolutions/${encodeURIComponent(id)}/repeal`, idField: 'resolutionId' },
  DesignateSubject: { url: (id) => `/subjects/${encodeURIComponent(id)}/designations`, idField: 'subjectId' },
  AmendDesignation: { url: (id) => `/subjects/${encodeURIComponent(id)}/amendments`, idField: 'subjectId' },
  CorrectDesignation: { url: (id) => `/subjects/${encodeURIComponent(id)}/corrections`, idField: 'subjectId' },
  DelistSubject: { url: (id) => `/subjects/${encodeURIComponent(id)}/delistings`, idField: 'subjectId' },
};

/**
 * A valid command's data. `unique` makes new subjects and resolutions, so a designation or adoption is accepted
 * the first time; the amendments, corrections and delistings target the seeded worked example (accepted or
 * refused by a rule depending on what earlier cases recorded: both are fine).
 */
export function validData(type: CommandType, unique: string, fresh = false): { [key: string]: Json } {
  const data = template(type, unique);
  if (!fresh) return data;
  // Its own subject or resolution (see prerequisite): streams stay short, and the command is accepted unless mutated.
  if ('subjectId' in data && type !== 'DesignateSubject') return { ...data, subjectId: `fz-${unique}`, regime: 'EU:RUS' };
  if ('resolutionId' in data && type !== 'AdoptResolution') return { ...data, resolutionId: `FZ-RES-${unique}` };
  return data;
}

/** What must be recorded first for the `fresh` form of a command to be accepted: its designation or resolution. */
export function prerequisite(type: CommandType, unique: string): { type: CommandType; data: { [key: string]: Json } } | undefined {
  if (type === 'AmendDesignation' || type === 'CorrectDesignation' || type === 'DelistSubject') {
    const designate = template('DesignateSubject', unique);
    delete designate.designationId;
    return { type: 'DesignateSubject', data: { ...designate, effectiveFrom: '2024-12-16' } };
  }
  if (type === 'AmendResolution' || type === 'RepealResolution') return { type: 'AdoptResolution', data: template('AdoptResolution', unique) };
  return undefined;
}

function template(type: CommandType, unique: string): { [key: string]: Json } {
  switch (type) {
    case 'AdoptResolution':
      return {
        resolutionId: `FZ-RES-${unique}`,
        authority: 'UN',
        regimes: ['UN:DPRK', 'UN:DPRK-2'],
        kind: 'security-council-resolution',
        reference: 'S/RES/9999 (2030)',
        title: 'Fuzzing resolution',
        adoptedOn: '2020-01-01',
        inForceFrom: '2020-01-02',
        measures: ['asset-freeze', 'arms-embargo'],
        sourceUrl: 'https://example.org/res',
      };
    case 'AmendResolution':
      return {
        resolutionId: 'UNSC-1718',
        effectiveFrom: '2021-01-01',
        changes: { title: 'Amended title', measures: ['arms-embargo'], regimes: ['UN:DPRK'], sourceUrl: 'https://example.org/a' },
        amendedBy: 'UNSC-2397',
        reason: 'fuzz amendment',
      };
    case 'RepealResolution':
      return { resolutionId: 'UNSC-2375', effectiveFrom: '2030-01-01', reason: 'lapsed', repealedBy: 'UNSC-9999' };
    case 'DesignateSubject':
      return {
        subjectId: `fz-${unique}`,
        kind: 'person',
        regime: 'EU:RUS',
        identity: {
          names: [
            { name: 'FUZZ Person', quality: 'primary', script: 'Latn' },
            { name: '퍼즈', quality: 'original-script', script: 'Hang', language: 'ko' },
          ],
          birthDates: ['1964-07', '1965-01-31'],
          birthPlaces: ['Pyongyang'],
          nationalities: ['KP'],
          identifiers: [{ type: 'passport', value: '381310014', country: 'KP', note: 'n' }],
          addresses: [{ street: '1 Street', city: 'Pyongyang', country: 'KP', full: '1 Street, Pyongyang' }],
          gender: 'male',
          titles: ['General'],
          positions: ['Minister'],
        },
        measures: ['asset-freeze', 'travel-ban'],
        legalBasis: ['EU-RUS-PACKAGE-15'],
        effectiveFrom: '2024-12-16',
        authority: 'EU',
        designationId: `EU:RUS@fz-${unique}`,
        authorityReference: 'EU.1.2',
        publishedOn: '2024-12-17',
        reasons: 'fuzzing',
      };
    case 'AmendDesignation':
      return {
        subjectId: 'ro-kwang-chol',
        regime: 'EU:RUS',
        effectiveFrom: '2025-01-01',
        changes: {
          measures: ['asset-freeze', 'travel-ban'],
          reasons: 'amended reasons',
          authorityReference: 'EU.9',
          legalBasis: ['EU-RUS-PACKAGE-16'],
          identity: { names: [{ name: 'RO Kwang Chol', quality: 'primary' }] },
        },
        legalBasis: ['EU-RUS-PACKAGE-16'],
        reason: 'amended',
        publishedOn: '2025-01-02',
      };
    case 'CorrectDesignation':
      return { subjectId: 'kim-yong-bok', regime: 'US:RUSSIA-EO14024', corrections: { effectiveFrom: '2024-12-16', reasons: 'fixed' }, reason: 'typo' };
    case 'DelistSubject':
      return { subjectId: 'kim-yong-bok', regime: 'EU:RUS', effectiveFrom: '2026-06-01', legalBasis: ['EU-2026-1'], reason: 'annulled', publishedOn: '2026-06-01' };
    case 'RecordListFileImport':
      return {
        list: 'UN',
        authority: 'UN',
        publishedOn: '2024-09-26',
        sha256: 'b'.repeat(64),
        files: [{ name: 'consolidated.xml', sha256: 'b'.repeat(64), bytes: 10 }],
        entryCount: 1,
        changes: { designated: 0, amended: 0, delisted: 0 },
      };
  }
}

export const VALID_SOURCE: { [key: string]: Json } = {
  publisher: 'Fuzz Journal',
  documentRef: 'FZ 1/2024',
  url: 'https://example.org/doc',
  retrievedAt: '2024-12-17T00:00:00Z',
  sha256: 'a'.repeat(64),
};

/** Paths (in the HTTP body: data..., source..., commandId...) whose removal makes a command invalid; * = any index. */
const REQUIRED: Record<CommandType, string[]> = {
  AdoptResolution: ['resolutionId', 'authority', 'regimes', 'kind', 'reference', 'title', 'adoptedOn', 'inForceFrom', 'measures'],
  AmendResolution: ['resolutionId', 'effectiveFrom', 'changes'],
  RepealResolution: ['resolutionId', 'effectiveFrom', 'reason'],
  DesignateSubject: ['subjectId', 'kind', 'regime', 'identity', 'identity.names', 'measures', 'legalBasis', 'effectiveFrom'],
  AmendDesignation: ['subjectId', 'regime', 'effectiveFrom', 'changes'],
  CorrectDesignation: ['subjectId', 'regime', 'corrections', 'reason'],
  DelistSubject: ['subjectId', 'regime', 'effectiveFrom', 'legalBasis', 'reason'],
  RecordListFileImport: ['list', 'authority', 'publishedOn', 'sha256', 'files', 'entryCount', 'changes', 'changes.designated', 'changes.amended', 'changes.delisted'],
};
/** Required wherever they appear (names, identity documents). */
const REQUIRED_ANYWHERE = ['identity.names.*.name', 'identity.names.*.quality', 'identity.identifiers.*.type', 'identity.identifiers.*.value'];

/** Arrays (paths relative to data) that must hold at least one element. */
function mustBeNonEmpty(type: CommandType, rel: Path): boolean {
  const always = ['files', 'regimes', 'legalBasis', 'identity.names', 'changes.regimes', 'changes.legalBasis', 'changes.identity.names'];
  const designation = ['corrections.legalBasis', 'corrections.identity.names', 'corrections.measures', 'changes.measures'];
  if (always.some((p) => matches(p, rel))) return true;
  if (type.endsWith('Designation') && designation.some((p) => matches(p, rel))) return true;
  // A resolution's measures may be empty; a designation's may not.
  return type === 'DesignateSubject' && matches('measures', rel);
}

/** Semantic kinds of leaf values, by path pattern (relative to data unless it starts with source./commandId). */
const SEMANTICS: Array<[pattern: string, bad: readonly string[]]> = [
  ['effectiveFrom', IMPOSSIBLE_DATES],
  ['adoptedOn', IMPOSSIBLE_DATES],
  ['inForceFrom', IMPOSSIBLE_DATES],
  ['publishedOn', IMPOSSIBLE_DATES],
  ['corrections.effectiveFrom', IMPOSSIBLE_DATES],
  ['corrections.effectiveTo', IMPOSSIBLE_DATES],
  ['identity.birthDates.*', BAD_PARTIAL_DATES],
  ['changes.identity.birthDates.*', BAD_PARTIAL_DATES],
  ['subjectId', BAD_IDENTIFIERS],
  ['resolutionId', BAD_IDENTIFIERS],
  ['designationId', BAD_IDENTIFIERS],
  ['regime', BAD_REGIMES],
  ['regimes.*', BAD_REGIMES],
  ['changes.regimes.*', BAD_REGIMES],
  ['kind', BAD_ENUMS],
  ['authority', BAD_ENUMS],
  ['measures.*', BAD_ENUMS],
  ['changes.measures.*', BAD_ENUMS],
  ['identity.names.*.quality', BAD_ENUMS],
  ['identity.names.*.name', BLANKS],
  ['changes.identity.names.*.name', BLANKS],
  ['identity.identifiers.*.type', BLANKS],
  ['identity.identifiers.*.value', BLANKS],
  ['reference', BLANKS],
  ['title', BLANKS],
  ['changes.title', BLANKS],
  ['authorityReference', BLANKS],
  ['changes.authorityReference', BLANKS],
  ['legalBasis.*', BLANKS],
  ['changes.legalBasis.*', BLANKS],
];
/** `reason` is a NonEmptyString only on these commands (a free string elsewhere). */
const REASON_REQUIRED: readonly CommandType[] = ['RepealResolution', 'CorrectDesignation', 'DelistSubject'];
const BODY_SEMANTICS: Array<[pattern: string, bad: readonly string[]]> = [
  ['source.publisher', BLANKS],
  ['source.retrievedAt', BAD_INSTANTS],
  ['source.sha256', ['', 'abc', 'A'.repeat(64), 'g'.repeat(64)]],
  ['commandId', BLANKS],
  ['correlationId', BLANKS],
  ['causationId', BLANKS],
];

const matches = (pattern: string, path: Path) => {
  const parts = pattern.split('.');
  return parts.length === path.length && parts.every((p, i) => p === '*' ? typeof path[i] === 'number' : p === String(path[i]));
};

/** Every path in a JSON tree, root excluded, parents before children; only the first 20 items of an array. */
function allPaths(value: Json, prefix: Path = [], out: Path[] = []): Path[] {
  if (Array.isArray(value)) {
    value.slice(0, 20).forEach((child, i) => {
      out.push([...prefix, i]);
      allPaths(child, [...prefix, i], out);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      out.push([...prefix, key]);
      allPaths(child, [...prefix, key], out);
    }
  }
  return out;
}

function getAt(root: Json, path: Path): Json | undefined {
  let node: Json | undefined = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, Json>)[key as string];
  }
  return node;
}

function setAt(root: Json, path: Path, value: Json): void {
  const parent = getAt(root, path.slice(0, -1)) as Record<string, Json>;
  Object.defineProperty(parent, path[path.length - 1]!, { value, enumerable: true, writable: true, configurable: true });
}

function deleteAt(root: Json, path: Path): void {
  const parent = getAt(root, path.slice(0, -1));
  const key = path[path.length - 1]!;
  if (Array.isArray(parent)) parent.splice(key as number, 1);
  else delete (parent as Record<string, Json>)[key as string];
}

const jsonType = (v: Json | undefined) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const OTHER_TYPES: Json[] = [42, -1.5, 0, true, false, null, 'text', [], ['a', 1], {}, { a: 1 }];

export type MutationKind =
  | 'drop'
  | 'wrong-type'
  | 'bad-value'
  | 'empty-array'
  | 'huge-array'
  | 'huge-string'
  | 'unicode'
  | 'proto-key'
  | 'object-key'
  | 'extra-top'
  | 'extra-nested'
  | 'non-finite'
  | 'deep'
  | 'path-mismatch';

export interface Mutation {
  readonly kind: MutationKind;
  /** Chooses the target among the candidates (modulo their number). */
  readonly pick: number;
  /** Chooses a value among the candidates for the kind. */
  readonly choice: number;
  readonly text: string;
  readonly size: number;
}

export const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom<MutationKind>(
    'drop',
    'drop',
    'wrong-type',
    'wrong-type',
    'bad-value',
    'bad-value',
    'bad-value',
    'empty-array',
    'huge-array',
    'huge-string',
    'unicode',
    'unicode',
    'proto-key',
    'object-key',
    'extra-top',
    'extra-nested',
    'non-finite',
    'deep',
    'path-mismatch',
  ),
  pick: fc.nat(),
  choice: fc.nat(),
  text: unicodeText,
  size: fc.oneof(fc.constantFrom(10, 100, 1000), fc.integer({ min: 1, max: 20_000 }), fc.constantFrom(70_000, 300_000, 1_100_000)),
});

/** A sentinel replaced in the serialised text (JSON.stringify cannot write Infinity or nest 100k arrays). */
export const SENTINEL = '\u0000__FUZZ_RAW__';

export interface MutatedBody {
  /** The object to serialise; `raw` lists the texts that replace each `"<SENTINEL>n"` string. */
  readonly body: Json;
  readonly raw: string[];
  /**
   * 'invalid' when the LAST applied mutation makes the input invalid whatever came before (each invalidating
   * mutation targets a field of the original valid body, or is refused wherever it lands). An earlier one could
   * have been undone by a later one (a wrong type, then the field dropped), so only the last one counts.
   */
  readonly verdict: Verdict;
  readonly applied: string[];
  /** Where the last applied mutation landed ([] = the body itself). */
  readonly lastTarget: Path | undefined;
}

/**
 * Applies the mutations to a valid HTTP body `{data, source, ...}` of the given type. `idField` is set for an
 * alias route (its id comes from the path; a different one in the body is refused).
 */
export function mutateBody(
  type: CommandType,
  body: { [key: string]: Json },
  mutations: readonly Mutation[],
  idField?: string,
): MutatedBody {
  const root = structuredClone(body) as Json;
  const known = new Set(allPaths(root).map((p) => p.join('\u0001')));
  const isKnown = (p: Path) => known.has(p.join('\u0001'));
  const raw: string[] = [];
  const applied: string[] = [];
  let verdict: Verdict = 'any';
  let last: Verdict = 'any';
  let target: Path = [];
  let lastTarget: Path | undefined;
  const invalid = () => {
    last = 'invalid';
  };
  const rawValue = (text: string): Json => {
    raw.push(text);
    return `${SENTINEL}${raw.length - 1}`;
  };
  const dataPath = (p: Path) => (p[0] === 'data' ? p.slice(1) : undefined);

  for (const m of mutations) {
    last = 'any';
    const before = applied.length;
    const all = allPaths(root);
    // Invalidating mutations only target fields of the original body (not extra keys added on the way).
    const paths = all.filter(isKnown);
    const pickFrom = <T>(xs: readonly T[]): T | undefined => (xs.length === 0 ? undefined : xs[m.pick % xs.length]);
    const objects = [[] as Path, ...all.filter((p) => jsonType(getAt(root, p)) === 'object')];
    switch (m.kind) {
      case 'drop': {
        const path = pickFrom(paths);
        if (path === undefined) break;
        const rel = dataPath(path);
        const required =
          (path.length === 1 && ['data', 'source'].includes(String(path[0]))) ||
          (path.length === 2 && path[0] === 'source' && path[1] === 'publisher') ||
          (rel !== undefined &&
            ((REQUIRED[type].some((p) => matches(p, rel)) && !(rel.length === 1 && rel[0] === idField)) ||
              REQUIRED_ANYWHERE.some((p) => matches(p, rel) || matches(`changes.${p}`, rel) || matches(`corrections.${p}`, rel))));
        // Removing an element can empty a non-empty array.
        const parent = getAt(root, path.slice(0, -1));
        const emptiesRequired = Array.isArray(parent) && parent.length === 1 && rel !== undefined && mustBeNonEmpty(type, rel.slice(0, -1));
        deleteAt(root, path);
        if (required || emptiesRequired) invalid();
        target = path;
        applied.push(`drop ${path.join('.')}${required || emptiesRequired ? ' (required)' : ''}`);
        break;
      }
      case 'wrong-type': {
        const path = pickFrom(paths);
        if (path === undefined) break;
        const current = getAt(root, path);
        const others = OTHER_TYPES.filter((v) => jsonType(v) !== jsonType(current));
        setAt(root, path, structuredClone(others[m.choice % others.length]!));
        invalid();
        target = path;
        applied.push(`wrong-type ${path.join('.')}`);
        break;
      }
      case 'bad-value': {
        const candidates: Array<[Path, readonly string[]]> = [];
        for (const path of paths) {
          const rel = dataPath(path);
          if (typeof getAt(root, path) !== 'string') continue;
          if (rel !== undefined) {
            const rule = SEMANTICS.find(([p]) => matches(p, rel));
            if (rule !== undefined) candidates.push([path, rule[1]]);
            else if (rel.length === 1 && rel[0] === 'reason' && REASON_REQUIRED.includes(type)) candidates.push([path, BLANKS]);
          } else {
            const rule = BODY_SEMANTICS.find(([p]) => matches(p, path));
            if (rule !== undefined) candidates.push([path, rule[1]]);
          }
        }
        const chosen = pickFrom(candidates);
        if (chosen === undefined) break;
        const [path, bad] = chosen;
        // An alias route takes its id from the path: a different (bad) one in the body is refused too.
        setAt(root, path, bad[m.choice % bad.length]!);
        invalid();
        target = path;
        applied.push(`bad-value ${path.join('.')}=${JSON.stringify(bad[m.choice % bad.length])}`);
        break;
      }
      case 'empty-array': {
        const arrays = paths.filter((p) => Array.isArray(getAt(root, p)));
        const path = pickFrom(arrays);
        if (path === undefined) break;
        const rel = dataPath(path);
        setAt(root, path, []);
        const nonEmpty = rel !== undefined && mustBeNonEmpty(type, rel);
        if (nonEmpty) invalid();
        target = path;
        applied.push(`empty-array ${path.join('.')}${nonEmpty ? ' (non-empty required)' : ''}`);
        break;
      }
      case 'huge-array': {
        const arrays = all.filter((p) => Array.isArray(getAt(root, p)));
        const path = pickFrom(arrays);
        if (path === undefined) break;
        const current = getAt(root, path) as Json[];
        const item = current.length > 0 ? current[m.choice % current.length]! : 'x';
        // At most a few MB of text: enough to cross every limit, small enough to build quickly.
        const shared = item !== null && typeof item === 'object';
        const n = Math.max(1, Math.min(m.size, shared ? 3_000 : 200_000, Math.floor(3_000_000 / JSON.stringify(item).length)));
        // Objects are copied: a later mutation of one element must not change them all.
        setAt(root, path, Array.from({ length: n }, () => (shared ? structuredClone(item) : item)));
        target = path;
        applied.push(`huge-array ${path.join('.')}×${n}`);
        break;
      }
      case 'huge-string': {
        const strings = all.filter((p) => typeof getAt(root, p) === 'string');
        const path = pickFrom(strings);
        if (path === undefined) break;
        const unit = m.text === '' ? 'A' : m.text;
        setAt(root, path, unit.repeat(Math.max(1, Math.floor(m.size / unit.length))));
        target = path;
        applied.push(`huge-string ${path.join('.')}~${m.size}`);
        break;
      }
      case 'unicode': {
        const strings = all.filter((p) => typeof getAt(root, p) === 'string');
        const path = pickFrom(strings);
        if (path === undefined) break;
        setAt(root, path, m.text);
        target = path;
        applied.push(`unicode ${path.join('.')}=${JSON.stringify(m.text)}`);
        break;
      }
      case 'proto-key': {
        const path = pickFrom(objects)!;
        const container = getAt(root, path) as Record<string, Json>;
        const [key, value]: [string, Json] = m.choice % 2 === 0 ? ['__proto__', { polluted: 'yes', isAdmin: true }] : ['constructor', { prototype: { polluted: 'yes' } }];
        Object.defineProperty(container, key, { value, enumerable: true, writable: true, configurable: true });
        // Both edges refuse them: the HTTP body parser (secure-json-parse) and the CLI's parseJson.
        invalid();
        target = path;
        applied.push(`proto-key ${[...path, key].join('.')}`);
        break;
      }
      case 'object-key': {
        // Names that shadow Object.prototype members: code that calls obj.hasOwnProperty() would break.
        const keys = ['constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf', 'toJSON', 'isPrototypeOf', '__defineGetter__', 'then'];
        const path = pickFrom(objects)!;
        const key = keys[m.choice % keys.length]!;
        setAt(root, [...path, key], m.choice % 3 === 0 ? m.text : m.choice % 3 === 1 ? 1 : { a: m.text });
        if (path.length === 0) invalid();
        target = path;
        applied.push(`object-key ${[...path, key].join('.')}`);
        break;
      }
      case 'extra-top': {
        const key = ['actor', 'type', 'metadata', 'recordedAt', 'envelope', m.text || 'x'][m.choice % 6]!;
        if (['data', 'source', 'commandId', 'correlationId', 'causationId'].includes(key)) break;
        setAt(root, [key], key === 'actor' ? { id: 'mallory', kind: 'person' } : m.text);
        invalid();
        target = [key];
        applied.push(`extra-top ${JSON.stringify(key)}`);
        break;
      }
      case 'extra-nested': {
        const path = pickFrom(objects.filter((p) => p.length > 0));
        if (path === undefined) break;
        setAt(root, [...path, `x-${m.text}`], m.text);
        target = path;
        applied.push(`extra-nested ${path.join('.')}`);
        break;
      }
      case 'non-finite': {
        const path = pickFrom(objects)!;
        setAt(root, [...path, `n${m.choice % 5}`], rawValue(['1e999', '-1e999', '2e308', '-2E+308', '123e4567'][m.choice % 5]!));
        invalid();
        target = path;
        applied.push(`non-finite ${path.join('.')}`);
        break;
      }
      case 'deep': {
        const path = pickFrom([...objects, ...paths.filter((p) => jsonType(getAt(root, p)) !== 'object')])!;
        const depth = [65, 200, 5_000, 100_000, 2, 10, 30][m.choice % 7]!;
        const open = m.pick % 2 === 0 ? '[' : '{"a":';
        const close = m.pick % 2 === 0 ? ']' : '}';
        const value = rawValue(`${open.repeat(depth)}${m.pick % 2 === 0 ? '' : '1'}${close.repeat(depth)}`);
        if (path.length === 0 || jsonType(getAt(root, path)) === 'object') setAt(root, [...path, 'deep'], value);
        else setAt(root, path, value);
        // Past 64 levels (counting the body's own) the edge refuses; shallower junk in a known field is wrong-typed.
        if (depth + path.length >= 64 || path.length > 0 && jsonType(getAt(root, path)) !== 'object') invalid();
        target = path;
        applied.push(`deep ${path.join('.')}×${depth}`);
        break;
      }
      case 'path-mismatch': {
        if (idField === undefined || jsonType(getAt(root, ['data'])) !== 'object') break;
        setAt(root, ['data', idField], `other-${m.choice}`);
        invalid();
        target = ['data'];
        applied.push(`path-mismatch data.${idField}`);
        break;
      }
    }
    if (applied.length > before) {
      verdict = last;
      lastTarget = target;
    }
  }
  return { body: root, raw, verdict, applied, lastTarget };
}

/** Serialises a mutated body, splicing in the raw texts JSON.stringify cannot produce. */
export function serialise(mutated: Pick<MutatedBody, 'body' | 'raw'>): string {
  let text = JSON.stringify(mutated.body);
  mutated.raw.forEach((raw, i) => {
    text = text.replace(JSON.stringify(`${SENTINEL}${i}`), () => raw);
  });
  return text;
}

/** Damage to the serialised text itself. Truncation always breaks a JSON object; the rest may not. */
export type TextDamage = { kind: 'none' } | { kind: 'truncate' | 'insert' | 'delete' | 'replace'; at: number; text: string };

export const textDamageArb: fc.Arbitrary<TextDamage> = fc.oneof(
  { weight: 8, arbitrary: fc.constant<TextDamage>({ kind: 'none' }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constantFrom('truncate' as const, 'insert' as const, 'delete' as const, 'replace' as const),
      at: fc.nat(),
      text: fc.oneof(fc.constantFrom('"', ',', '}', ']', '{', '[', ':', '\\', '\\u', '\u0000', '\ud800', 'NaN', 'Infinity', '//', '/*', "'", '\u00a0', '\ufeff'), fc.string({ unit: 'binary', maxLength: 4 })),
    }),
  },
);

export function damage(text: string, d: TextDamage): { text: string; verdict: Verdict } {
  if (d.kind === 'none' || text.length === 0) return { text, verdict: 'any' };
  const at = d.at % text.length;
  switch (d.kind) {
    case 'truncate':
      return { text: text.slice(0, at), verdict: text.startsWith('{') || text.startsWith('[') ? 'invalid' : 'any' };
    case 'insert':
      return { text: text.slice(0, at) + d.text + text.slice(at), verdict: 'any' };
    case 'delete':
      return { text: text.slice(0, at) + text.slice(at + 1 + (d.at % 7)), verdict: 'any' };
    case 'replace':
      return { text: text.slice(0, at) + d.text + text.slice(at + d.text.length), verdict: 'any' };
  }
}

/** Field names the codecs know, to build structurally random objects that look almost right. */
export const FIELD_NAMES = [
  'data', 'source', 'commandId', 'subjectId', 'resolutionId', 'designationId', 'kind', 'regime', 'regimes', 'identity', 'names', 'name',
  'quality', 'measures', 'legalBasis', 'effectiveFrom', 'effectiveTo', 'publishedOn', 'authority', 'changes', 'corrections', 'reason',
  'publisher', 'title', 'reference', 'adoptedOn', 'inForceFrom', '__proto__', 'constructor', 'prototype', 'toString',
];

/** Structurally random JSON, with real field names often enough to get past the first checks. */
export const randomJsonArb: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
    fc.oneof(unicodeText, fc.constantFrom(...IMPOSSIBLE_DATES, '2024-12-16', 'EU:RUS', 'person', 'asset-freeze', 'primary')),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...FIELD_NAMES), fc.string({ maxLength: 8 })), tie('value'), { maxKeys: 5 }),
  ),
})).value;
