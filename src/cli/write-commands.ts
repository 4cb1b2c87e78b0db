/**
 * The write commands of the CLI. Each takes JSON (a file, or `-` for stdin) and/or flags for the common
 * fields; flags win over the JSON. The table below maps every flag to the command field it sets.
 */
import type { CommandType } from '../commands/command-catalogue';

type Shape = 'one' | 'many';

export interface FlagSpec {
  /** commander flag, e.g. `--effective-from <date>`. */
  readonly flag: string;
  readonly description: string;
  /** Dotted path in the command data, e.g. `changes.measures`. */
  readonly path: string;
  readonly shape?: Shape;
}

export interface WriteCommandSpec {
  readonly name: string;
  readonly type: CommandType;
  readonly description: string;
  readonly flags: readonly FlagSpec[];
  readonly example: string;
}

const one = (flag: string, path: string, description: string): FlagSpec => ({ flag, path, description });
const many = (flag: string, path: string, description: string): FlagSpec => ({ flag, path, description, shape: 'many' });

const subject = one('--subject <id>', 'subjectId', 'ledger id of the subject, e.g. ro-kwang-chol');
const regime = one('--regime <regime>', 'regime', 'regime, AUTHORITY:PROGRAMME, e.g. EU:RUS');
const effectiveFrom = one('--effective-from <date>', 'effectiveFrom', 'date it takes effect in law (YYYY-MM-DD)');
const designationId = one('--designation <id>', 'designationId', 'the designation, when the regime and date do not single it out');
const resolutionId = one('--id <id>', 'resolutionId', 'ledger id of the resolution, e.g. UNSC-1718');

export const WRITE_COMMANDS: readonly WriteCommandSpec[] = [
  {
    name: 'adopt-resolution',
    type: 'AdoptResolution',
    description: 'record a legal act: a UN resolution, EU regulation or decision, US executive order or designation action, UK regulations',
    flags: [
      resolutionId,
      one('--authority <authority>', 'authority', 'UN, EU, US or UK'),
      many('--regime <regime>', 'regimes', 'regime(s) the act belongs to (repeatable)'),
      one('--kind <kind>', 'kind', 'security-council-resolution, regulation, decision, implementing-regulation, executive-order, designation-action, statutory-instrument, other'),
      one('--reference <ref>', 'reference', 'the official reference, e.g. "S/RES/1718 (2006)"'),
      one('--title <title>', 'title', 'the official title'),
      one('--adopted-on <date>', 'adoptedOn', 'adoption date (YYYY-MM-DD)'),
      one('--in-force-from <date>', 'inForceFrom', 'date it enters into force (YYYY-MM-DD)'),
      many('--measure <measure>', 'measures', 'measure it introduces (repeatable): asset-freeze, travel-ban, arms-embargo, ...'),
      one('--source-url <url>', 'sourceUrl', 'URL of the official text'),
    ],
    example: 'sanctions-ledger adopt-resolution --id UNSC-1718 --authority UN --regime UN:DPRK --kind security-council-resolution --reference "S/RES/1718 (2006)" --title "Non-proliferation/DPRK" --adopted-on 2006-10-14 --in-force-from 2006-10-14 --measure arms-embargo --measure asset-freeze --source "UN Security Council"',
  },
  {
    name: 'amend-resolution',
    type: 'AmendResolution',
    description: 'record a change to a legal act from an effective date',
    flags: [
      resolutionId,
      effectiveFrom,
      one('--title <title>', 'changes.title', 'new title'),
      many('--measure <measure>', 'changes.measures', 'the measures from that date (repeatable; replaces the list)'),
      one('--amended-by <id>', 'amendedBy', 'the act that amends it'),
      one('--reason <text>', 'reason', 'why'),
    ],
    example: 'sanctions-ledger amend-resolution --id UNSC-1718 --effective-from 2017-12-22 --measure arms-embargo --measure import-cap --amended-by UNSC-2397 --source "UN Security Council"',
  },
  {
    name: 'repeal-resolution',
    type: 'RepealResolution',
    description: 'record that a legal act lapsed or was repealed',
    flags: [resolutionId, effectiveFrom, one('--reason <text>', 'reason', 'why'), one('--repealed-by <id>', 'repealedBy', 'the repealing act')],
    example: 'sanctions-ledger repeal-resolution --id UNSC-2231 --effective-from 2025-10-18 --reason "termination day" --source "UN Security Council"',
  },
  {
    name: 'designate',
    type: 'DesignateSubject',
    description: 'list a subject under a regime (identity, measures, legal basis, effective date)',
    flags: [
      subject,
      one('--kind <kind>', 'kind', 'person, entity, vessel or aircraft'),
      regime,
      one('--name <name>', 'identity.names', 'primary name'),
      many('--alias <name>', 'identity.aliases', 'alias (repeatable)'),
      many('--nationality <code>', 'identity.nationalities', 'nationality, ISO 3166 alpha-2 (repeatable)'),
      many('--birth-date <date>', 'identity.birthDates', 'birth date: YYYY, YYYY-MM or YYYY-MM-DD (repeatable)'),
      many('--measure <measure>', 'measures', 'measure (repeatable): asset-freeze, travel-ban, ...'),
      many('--legal-basis <resolution>', 'legalBasis', 'resolution id the listing rests on (repeatable)'),
      effectiveFrom,
      one('--published-on <date>', 'publishedOn', 'publication date (YYYY-MM-DD)'),
      one('--authority-reference <ref>', 'authorityReference', "the publisher's own id, e.g. KPi.066"),
      one('--reasons <text>', 'reasons', 'statement of reasons'),
      designationId,
    ],
    example: 'sanctions-ledger designate --subject ro-kwang-chol --kind person --regime EU:RUS --name "RO Kwang Chol" --alias "NO Kwang-chol" --measure asset-freeze --measure travel-ban --legal-basis EU-RUS-PACKAGE-15 --effective-from 2024-12-16 --source "Official Journal of the EU"',
  },
  {
    name: 'amend',
    type: 'AmendDesignation',
    description: 'record a legal change to a listing from an effective date (JSON `changes` for identity changes)',
    flags: [
      subject,
      regime,
      effectiveFrom,
      many('--measure <measure>', 'changes.measures', 'the measures from that date (repeatable; replaces the list)'),
      many('--legal-basis <resolution>', 'legalBasis', 'the act that amends the listing (repeatable)'),
      one('--reasons <text>', 'changes.reasons', 'new statement of reasons'),
      one('--reason <text>', 'reason', 'why it was amended'),
      designationId,
    ],
    example: 'sanctions-ledger amend --subject ro-kwang-chol --regime EU:RUS --effective-from 2025-02-24 --measure asset-freeze --measure travel-ban --measure trade-restriction --source "Official Journal of the EU"',
  },
  {
    name: 'correct',
    type: 'CorrectDesignation',
    description: 'fix what the ledger recorded wrongly; applies from the original effective date',
    flags: [
      subject,
      regime,
      designationId,
      one('--effective-from <date>', 'corrections.effectiveFrom', 'the correct effective date'),
      one('--effective-to <date>', 'corrections.effectiveTo', 'the correct delisting date'),
      one('--reason <text>', 'reason', 'what was wrong'),
    ],
    example: 'sanctions-ledger correct --subject ro-kwang-chol --regime EU:RUS --effective-from 2024-12-16 --reason "recorded with the publication date" --source "ledger operations"',
  },
  {
    name: 'delist',
    type: 'DelistSubject',
    description: 'end a designation on an effective date',
    flags: [
      subject,
      regime,
      effectiveFrom,
      many('--legal-basis <resolution>', 'legalBasis', 'the act that delists (repeatable)'),
      one('--reason <text>', 'reason', 'why'),
      one('--published-on <date>', 'publishedOn', 'publication date (YYYY-MM-DD)'),
      designationId,
    ],
    example: 'sanctions-ledger delist --subject ro-kwang-chol --regime EU:RUS --effective-from 2025-06-01 --legal-basis EU-2025-1 --reason "annulled" --source "Official Journal of the EU"',
  },
];

/** commander's option name for a flag: `--effective-from <date>` -> `effectiveFrom`. */
export function optionKey(flag: string): string {
  const long = /--([a-z-]+)/.exec(flag)![1]!;
  return long.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

/** Builds the command data: the JSON input, then every flag given on top of it. */
export function commandData(spec: WriteCommandSpec, json: unknown, options: Record<string, unknown>): unknown {
  if (json !== undefined && (typeof json !== 'object' || json === null || Array.isArray(json))) return json;
  const data = structuredClone((json ?? {}) as Record<string, unknown>);
  for (const flag of spec.flags) {
    const value = options[optionKey(flag.flag)];
    if (value === undefined) continue;
    if (flag.path === 'identity.names' || flag.path === 'identity.aliases') continue;
    setPath(data, flag.path, value);
  }
  applyNames(data, options);
  return data;
}

/** `--name` and `--alias` build `identity.names`, keeping names from the JSON that the flags do not replace. */
function applyNames(data: Record<string, unknown>, options: Record<string, unknown>): void {
  const primary = options.name as string | undefined;
  const aliases = (options.alias as string[] | undefined) ?? [];
  if (primary === undefined && aliases.length === 0) return;
  const given = data.identity;
  const identity = (typeof given === 'object' && given !== null && !Array.isArray(given) ? given : {}) as { names?: unknown };
  // Names that are not a list cannot be merged: leave them for the codec to refuse with its message.
  if (identity.names !== undefined && !Array.isArray(identity.names)) return;
  const kept = ((identity.names ?? []) as unknown[]).filter((n) => primary === undefined || (n as { quality?: unknown } | null)?.quality !== 'primary');
  const names = [
    ...(primary === undefined ? [] : [{ name: primary, quality: 'primary' }]),
    ...kept,
    ...aliases.map((name) => ({ name, quality: 'alias' })),
  ];
  data.identity = { ...identity, names };
}
