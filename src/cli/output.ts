/** Printing results for people (aligned text) or scripts (`--json`). */
import type { CommandAccepted } from '../commands/outcomes';
import type { HistoryEntry } from '../history';

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function describeAccepted(result: CommandAccepted): string {
  const verb = result.status === 'accepted' ? 'recorded' : 'already recorded (same command id), nothing appended:';
  const events = result.events.map((e) => `${e.type}@${e.revision}`).join(', ');
  return `${verb} ${events} in ${result.streamId} (command ${result.commandId})`;
}

function regimeOf(data: unknown): string {
  const { regime, regimes } = data as { regime?: string; regimes?: string[] };
  return regime ?? regimes?.join(',') ?? '';
}

function table(rows: readonly string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

export function historyTable(entries: readonly HistoryEntry[]): string {
  const header = ['rev', 'recorded at (UTC)', 'effective', 'event', 'regime', 'actor', 'source'];
  const rows = entries.map((e) => [
    String(e.revision),
    e.recordedAt,
    e.effectiveFrom ?? '',
    e.type,
    regimeOf(e.data),
    e.actor.id,
    [e.source.publisher, e.source.documentRef].filter(Boolean).join(' | '),
  ]);
  return table([header, ...rows]);
}
