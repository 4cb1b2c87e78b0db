/**
 * A regime or authority: the designations in force at (asOf, knownAt), and a chart of how many were in force
 * over time. The series is the ledger's own answer: `GET /state` (its `total`) at evenly spaced dates, each
 * asked at the same knownAt, so the chart and the table can never disagree.
 */
import { useState } from 'preact/hooks';
import { api, instantOf, query } from '../api';
import { Chart } from '../charts/chart';
import { attempt, DesignationTable, ErrorBox, Field, TimeFields } from '../components';
import type { StateResult } from '../types';

const POINTS = 24;

export function seriesDates(from: string, to: string, points = POINTS): string[] {
  const a = Date.parse(`${from}T00:00:00Z`);
  const b = Date.parse(`${to}T00:00:00Z`);
  if (!(b > a)) return [from];
  return Array.from({ length: points }, (_, i) => new Date(a + ((b - a) * i) / (points - 1)).toISOString().slice(0, 10));
}

export function RegimePage({ params }: { params: URLSearchParams }) {
  const [filter, setFilter] = useState(params.get('regime') ?? params.get('authority') ?? '');
  const [asOf, setAsOf] = useState(params.get('asOf') ?? '');
  const [knownAt, setKnownAt] = useState('');
  const [from, setFrom] = useState('2024-01-01');
  const [state, setState] = useState<StateResult>();
  const [series, setSeries] = useState<Array<[string, number]>>([]);
  const [error, setError] = useState<string>();

  const submit = async (event: Event) => {
    event.preventDefault();
    setSeries([]); // the last question's series must not stand beside this question's table
    const scope = filter.includes(':') ? { regime: filter } : { authority: filter || undefined };
    const at = instantOf(knownAt);
    const result = await attempt(() => api<StateResult>(`/state${query({ ...scope, asOf, knownAt: at, limit: '1000' })}`), setError);
    setState(result);
    if (result === undefined) return;
    const dates = seriesDates(from, result.asOf);
    const totals = await attempt(() => Promise.all(dates.map((d) => api<StateResult>(`/state${query({ ...scope, asOf: d, knownAt: result.knownAt, limit: '1' })}`))), setError);
    setSeries(totals ? totals.map((t) => [t.asOf, t.total]) : []);
  };

  const option = {
    animation: false,
    tooltip: { trigger: 'axis' as const },
    grid: { left: 60, right: 20, top: 20, bottom: 40 },
    xAxis: { type: 'time' as const, name: 'as of' },
    yAxis: { type: 'value' as const, name: 'in force', minInterval: 1 },
    series: [{ type: 'line' as const, step: 'end' as const, data: series.map(([d, n]) => [Date.parse(`${d}T00:00:00Z`), n]), itemStyle: { color: '#1f5fbf' } }],
  };

  return (
    <section>
      <h1>Regime or authority</h1>
      <form class="grid" onSubmit={submit}>
        <Field id="regime-filter" label="Regime (EU:RUS) or authority (EU); empty for all">
          <input id="regime-filter" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
        </Field>
        <TimeFields prefix="regime" asOf={asOf} knownAt={knownAt} setAsOf={setAsOf} setKnownAt={setKnownAt} />
        <Field id="regime-from" label="Chart from">
          <input id="regime-from" type="date" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
        </Field>
        <button id="regime-submit" type="submit">Show</button>
      </form>
      <ErrorBox error={error} />
      {state && (
        <>
          <p data-testid="regime-total">{state.total} designation(s) in force on {state.asOf} as known at {state.knownAt}{state.total > state.designations.length ? ` (first ${state.designations.length} shown)` : ''}</p>
          {state.total === 0 && series.length > 0 && series.every(([, n]) => n === 0) && (
            // A well-formed regime nobody lists under answers 0, not an error; most often it is misspelt.
            <p class="notice" role="status" data-testid="regime-empty">
              No designation under {filter || 'any regime'} was in force on any date from {series[0]![0]} to {state.asOf} (as known at {state.knownAt}). Check the spelling: a regime is AUTHORITY:PROGRAMME, such as EU:RUS; an authority is UN, EU, US or UK.
            </p>
          )}
          <Chart option={option} label={`designations in force from ${from} to ${state.asOf}`} height={260} />
          <DesignationTable rows={state.designations} caption="Designations in force" />
        </>
      )}
    </section>
  );
}
