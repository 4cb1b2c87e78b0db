/** What `GET /sources` and `sanctions-ledger sources` show for each source. */
import type { Source } from './sources';
import type { SyncStateStore } from './sync-state';

export interface SourceStatus {
  readonly name: string;
  readonly format: string;
  readonly list: string;
  readonly urls: readonly string[];
  readonly interval: string;
  readonly staleAfter: string;
  readonly lastCheckAt: string | null;
  readonly lastSuccessAt: string | null;
  readonly lastChangeAt: string | null;
  readonly lastOutcome: string | null;
  readonly lastError: string | null;
  readonly sha256: string | null;
  readonly publishedOn: string | null;
  readonly eventsAppended: number;
  readonly nextRunAt: string | null;
}

const seconds = (ms: number) => `${ms / 1000}s`;

export function sourceStatuses(sources: readonly Source[], state: SyncStateStore): SourceStatus[] {
  return sources.map((s) => {
    const st = state.get(s.name);
    return {
      name: s.name,
      format: s.format,
      list: s.list,
      urls: s.urls,
      interval: seconds(s.interval),
      staleAfter: seconds(s.staleAfter),
      lastCheckAt: st.lastCheckAt ?? null,
      lastSuccessAt: st.lastSuccessAt ?? null,
      lastChangeAt: st.lastChangeAt ?? null,
      lastOutcome: st.lastOutcome ?? null,
      lastError: st.lastError ?? null,
      sha256: st.sha256 ?? null,
      publishedOn: st.publishedOn ?? null,
      eventsAppended: st.eventsAppended,
      nextRunAt: st.nextRunAt ?? null,
    };
  });
}

export function statusTable(statuses: readonly SourceStatus[]): string {
  const header = ['source', 'format', 'last check', 'outcome', 'published', 'sha256', 'events', 'next run', 'last error'];
  const rows = statuses.map((s) => [s.name, s.format, s.lastCheckAt ?? '-', s.lastOutcome ?? 'never', s.publishedOn ?? '-', s.sha256?.slice(0, 12) ?? '-', String(s.eventsAppended), s.nextRunAt ?? '-', s.lastError ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}
