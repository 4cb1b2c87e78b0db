/**
 * The bitemporal picture of a subject's history: effective time (when the law says) on x, recorded time (when
 * the ledger learned it) on y. Each designation is a rectangle from its effective start to its delisting (or the
 * right edge), from the instant it was recorded upwards (it stays known). Each event is a marker whose shape
 * says its type; a correction is drawn at the ORIGINAL effective date but high up at its late recorded time,
 * with a dashed line down to the designation it fixes, so it cannot be mistaken for a new listing.
 */
import type { HistoryEntry } from '../types';

// `drawn` and `meaning` say in words what the shape and colour say, for the picture's table (a canvas has no
// marks a screen reader or a test can read).
export const EVENT_STYLE: Record<string, { symbol: string; color: string; label: string; drawn: string; meaning: string }> = {
  SubjectDesignated: { symbol: 'circle', color: '#1f5fbf', label: 'designation', drawn: 'blue circle', meaning: 'new listing' },
  DesignationAmended: { symbol: 'diamond', color: '#8a4b00', label: 'amendment', drawn: 'brown diamond', meaning: 'legal change to a listing' },
  DesignationCorrected: { symbol: 'triangle', color: '#b00020', label: 'correction (fixes the past)', drawn: 'red triangle, dashed line down to what it fixes', meaning: 'retroactive correction of the record, not a new listing' },
  SubjectDelisted: { symbol: 'rect', color: '#2e7d32', label: 'delisting', drawn: 'green square', meaning: 'listing ended' },
};

/** Above this many marks the picture is a canvas (subject page) and its series are drawn in ECharts' large mode. */
export const LARGE_MARKS = 300;

const day = (date: string) => Date.parse(`${date}T00:00:00Z`);

const designationOf = (entry: HistoryEntry): string | undefined => (entry.data as { designationId?: string }).designationId;

/** The effective date an event carries itself (a correction only when it moves a date). */
export function effectiveOf(entry: HistoryEntry): string | undefined {
  return entry.effectiveFrom ?? (entry.data as { effectiveFrom?: string }).effectiveFrom;
}

/**
 * Where each event sits on the effective axis. A correction that fixes a field but no date (reasons, measures)
 * still fixes the past: it is placed at the effective start of the designation it corrects, so it is drawn
 * and reaches back, instead of being left out of the picture.
 */
export function effectivePlaces(history: readonly HistoryEntry[]): Array<string | undefined> {
  const startOf = new Map<string, string>();
  for (const e of history) {
    const id = designationOf(e);
    if (e.type === 'SubjectDesignated' && id !== undefined && effectiveOf(e) !== undefined) startOf.set(id, effectiveOf(e)!);
  }
  return history.map((e) => effectiveOf(e) ?? (e.type === 'DesignationCorrected' ? startOf.get(designationOf(e) ?? '') : undefined));
}

/** One drawn event: where it sits on both axes and what it means, the same list the picture and its table show. */
export interface BitemporalMark {
  readonly index: number;
  readonly entry: HistoryEntry;
  readonly effective: string;
  readonly x: number;
  readonly y: number;
  /** A correction is drawn at the date it fixes, recorded later: it reaches back instead of starting anything. */
  readonly reachesBack: boolean;
}

/** Every event the picture draws (those with a place on the effective axis), in history order. */
export function bitemporalMarks(history: readonly HistoryEntry[]): BitemporalMark[] {
  const places = effectivePlaces(history);
  const marks: BitemporalMark[] = [];
  history.forEach((entry, index) => {
    const effective = places[index];
    if (effective === undefined) return;
    marks.push({ index, entry, effective, x: day(effective), y: Date.parse(entry.recordedAt), reachesBack: entry.type === 'DesignationCorrected' });
  });
  return marks;
}

export function bitemporalOption(marks: readonly BitemporalMark[], now = Date.now()) {
  const placed = marks.map((m) => ({ e: m.entry, index: m.index, x: m.x, y: m.y, effective: m.effective }));
  const dated = placed.map((p) => p.e);
  const xs = placed.map((p) => p.x);
  const ys = placed.map((p) => p.y);
  // Not Math.min(...values): spreading thousands of arguments is slow and overflows the stack on long histories.
  const span = (values: number[], pad: number) => [values.reduce((a, b) => Math.min(a, b)) - pad, values.reduce((a, b) => Math.max(a, b)) + pad] as const;
  const [xMin, xMax] = xs.length ? span(xs, 30 * 86_400_000) : [now - 1e10, now];
  const [yMin] = ys.length ? span(ys, 3_600_000) : [now - 1e9];
  const yMax = Math.max(now, ys.length ? span(ys, 0)[1] : now) + 3_600_000;

  // One rectangle per designation: [effective start, delisting or edge) x [recorded, top).
  const rects = new Map<string, { x0: number; x1: number; y0: number; name: string }>();
  for (const e of dated) {
    const id = String(designationOf(e) ?? (e.data as { regime?: string }).regime ?? e.eventId);
    if (e.type === 'SubjectDesignated') rects.set(id, { x0: day(effectiveOf(e)!), x1: xMax, y0: Date.parse(e.recordedAt), name: id });
    if (e.type === 'SubjectDelisted') {
      const r = rects.get(id) ?? [...rects.values()].find((x) => x.name.startsWith(String((e.data as { regime?: string }).regime)));
      if (r) r.x1 = day(effectiveOf(e)!);
    }
  }

  const byType = Object.keys(EVENT_STYLE).map((type) => ({
    name: EVENT_STYLE[type]!.label,
    type: 'scatter' as const,
    symbol: EVENT_STYLE[type]!.symbol,
    symbolSize: 16,
    // Beyond a few hundred marks (a canvas), ECharts draws each series' marks as one path instead of one element
    // each: the same shapes and colours, clicks still find the mark under the pointer.
    large: marks.length > LARGE_MARKS,
    largeThreshold: 1,
    itemStyle: { color: EVENT_STYLE[type]!.color, borderColor: '#000', borderWidth: 1 },
    data: placed
      .filter(({ e }) => e.type === type)
      .map(({ e, index, x, y, effective }) => ({ value: [x, y], historyIndex: index, name: `${e.type} ${effective}` })),
  }));

  // The dashed drop from each correction to the recorded time of what it corrects: the "fixing the past" cue.
  const links = placed.filter((_, i) => marks[i]!.reachesBack).map(({ e, x, y }) => {
    const target = rects.get(designationOf(e) ?? '') ?? [...rects.values()].find((r) => r.x0 <= x);
    return [[x, y], [x, target?.y0 ?? yMin]];
  });

  return {
    animation: false,
    tooltip: { trigger: 'item' as const },
    legend: { top: 0, textStyle: { color: '#111' } },
    grid: { left: 90, right: 20, top: 40, bottom: 50 },
    xAxis: { type: 'time' as const, name: 'effective time (in force from)', nameLocation: 'middle' as const, nameGap: 30, min: xMin, max: xMax },
    yAxis: { type: 'time' as const, name: 'recorded time', min: yMin, max: yMax },
    series: [
      {
        name: 'designation known and in force',
        type: 'custom' as const,
        silent: true,
        renderItem: (_params: unknown, api: { coord: (v: number[]) => number[]; value: (i: number) => number }) => {
          const [x0, y0] = api.coord([api.value(0), api.value(2)]) as [number, number];
          const [x1, y1] = api.coord([api.value(1), yMax]) as [number, number];
          return { type: 'rect', shape: { x: x0, y: y1, width: x1 - x0, height: y0 - y1 }, style: { fill: 'rgba(31,95,191,0.15)', stroke: '#1f5fbf' } };
        },
        encode: { x: [0, 1], y: [2] },
        data: [...rects.values()].map((r) => [r.x0, r.x1, r.y0]),
      },
      ...links.map((points) => ({ name: 'correction reaches back', type: 'line' as const, silent: true, symbol: 'none', lineStyle: { type: 'dashed' as const, color: '#b00020' }, data: points })),
      ...byType,
    ],
  };
}
