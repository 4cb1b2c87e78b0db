/**
 * What an import reports: counts at entry level (what a compliance officer thinks in) and at designation level
 * (what the ledger records), the per-entry diff, and where the time went. Plain data, so the CLI prints it
 * and the HTTP route returns it as JSON.
 */
import type { SourceFileDigest } from '../listing';
import type { Action } from './command-builders';
import type { Refusal } from './decider-check';
import type { EntryChange } from './plan';

export interface DesignationChangeView {
  readonly action: Action;
  readonly regime: string;
  readonly effectiveFrom: string;
  readonly fields?: readonly string[];
}

export interface EntryChangeView {
  readonly status: EntryChange['status'];
  readonly entry: string;
  readonly subjectId: string;
  readonly name: string;
  readonly designations: readonly DesignationChangeView[];
}

export interface ImportTimings {
  readonly parseMs: number;
  readonly planMs: number;
  readonly checkMs: number;
  readonly appendMs: number;
  /** Bringing the read models up to the appended events (the projector's work, done before answering). */
  readonly projectMs: number;
  readonly totalMs: number;
}

export interface ImportReport {
  readonly list: string;
  readonly authority: string;
  readonly publishedOn: string;
  readonly files: readonly SourceFileDigest[];
  readonly dryRun: boolean;
  readonly entries: { readonly added: number; readonly amended: number; readonly delisted: number; readonly unchanged: number };
  readonly designations: { readonly designated: number; readonly amended: number; readonly delisted: number };
  /** Events appended (0 in a dry run), and commands found already recorded (a re-run after a crash). */
  readonly appendedEvents: number;
  readonly duplicateCommands: number;
  readonly timings: ImportTimings;
  readonly changes: readonly EntryChangeView[];
  /** Dry run only: what the deciders would refuse (a real import throws ImportRefusedError instead). */
  readonly refusals: readonly Refusal[];
}

export function changeViews(changes: readonly EntryChange[]): EntryChangeView[] {
  return changes.map((c) => ({
    status: c.status,
    entry: c.entry,
    subjectId: c.subjectId,
    name: c.name,
    designations: c.commands.map((p) => ({ action: p.action, regime: p.regime, effectiveFrom: p.effectiveFrom, ...(p.fields ? { fields: p.fields } : {}) })),
  }));
}

export function countChanges(changes: readonly EntryChange[], unchanged: number) {
  const entries = { added: 0, amended: 0, delisted: 0, unchanged };
  const designations = { designated: 0, amended: 0, delisted: 0 };
  for (const change of changes) {
    entries[change.status]++;
    for (const p of change.commands) designations[p.action === 'designate' ? 'designated' : p.action === 'amend' ? 'amended' : 'delisted']++;
  }
  return { entries, designations };
}

const SYMBOL = { added: '+', delisted: '-', amended: '~' } as const;

function describeDesignation(d: DesignationChangeView): string {
  switch (d.action) {
    case 'designate':
      return `+${d.regime} from ${d.effectiveFrom}`;
    case 'delist':
      return `-${d.regime} on ${d.effectiveFrom}`;
    case 'amend':
      return `${d.regime} ${d.fields?.join(',')} from ${d.effectiveFrom}`;
  }
}

/** One line per changed entry: `+` added, `-` delisted, `~` amended with the changed fields per regime. */
export function formatChanges(report: Pick<ImportReport, 'changes'>): string {
  return report.changes.map((c) => `${SYMBOL[c.status]} ${c.subjectId}  ${c.name}  ${c.designations.map(describeDesignation).join('; ')}`).join('\n');
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export function formatSummary(report: ImportReport): string {
  const { entries: e, designations: d, timings: t } = report;
  const head = `${report.list} list published ${report.publishedOn} (${report.files.map((f) => f.name).join(' + ')}): ${
    report.dryRun ? 'dry run, nothing appended' : `${report.appendedEvents} events appended`
  }`;
  const rows: [string, string, string][] = [
    ['', 'entries', 'designations'],
    ['added', String(e.added), String(d.designated)],
    ['amended', String(e.amended), String(d.amended)],
    ['delisted', String(e.delisted), String(d.delisted)],
    ['unchanged', String(e.unchanged), ''],
  ];
  const width = [10, Math.max(...rows.map((r) => r[1].length)), Math.max(...rows.map((r) => r[2].length))];
  const table = rows.map((r) => `  ${r[0].padEnd(width[0]!)} ${r[1].padStart(width[1]!)}  ${r[2].padStart(width[2]!)}`.trimEnd());
  const time = `  ${'time'.padEnd(width[0]!)} ${seconds(t.totalMs)} (parse ${seconds(t.parseMs)}, plan ${seconds(t.planMs)}, check ${seconds(t.checkMs)}, append ${seconds(t.appendMs)}, project ${seconds(t.projectMs)})`;
  return [head, ...table, time].join('\n');
}
