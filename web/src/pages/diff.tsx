/** What started, ended or changed between two dates (GET /diff), as known at an instant. */
import { useState } from 'preact/hooks';
import { api, instantOf, query } from '../api';
import { attempt, DesignationTable, ErrorBox, Field } from '../components';
import type { DiffResult } from '../types';

export function DiffPage() {
  const [from, setFrom] = useState('2024-12-15');
  const [to, setTo] = useState('2024-12-16');
  const [knownAt, setKnownAt] = useState('');
  const [filter, setFilter] = useState('');
  const [diff, setDiff] = useState<DiffResult>();
  const [error, setError] = useState<string>();
  const submit = async (event: Event) => {
    event.preventDefault();
    const scope = filter.includes(':') ? { regime: filter } : { authority: filter || undefined };
    setDiff(await attempt(() => api<DiffResult>(`/diff${query({ from, to, knownAt: instantOf(knownAt), ...scope })}`), setError));
  };
  return (
    <section>
      <h1>Diff between two dates</h1>
      <form class="grid" onSubmit={submit}>
        <Field id="diff-from" label="From"><input id="diff-from" type="date" required value={from} onInput={(e) => setFrom(e.currentTarget.value)} /></Field>
        <Field id="diff-to" label="To"><input id="diff-to" type="date" required value={to} onInput={(e) => setTo(e.currentTarget.value)} /></Field>
        <Field id="diff-knownat" label="Known at"><input id="diff-knownat" type="datetime-local" step="1" value={knownAt} onInput={(e) => setKnownAt(e.currentTarget.value)} /></Field>
        <Field id="diff-filter" label="Regime or authority (optional)"><input id="diff-filter" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} /></Field>
        <button type="submit">Compare</button>
      </form>
      <ErrorBox error={error} />
      {diff && (
        <>
          <p>{diff.started.length} started, {diff.ended.length} ended, {diff.changed.length} changed, as known at {diff.knownAt}</p>
          <DesignationTable rows={diff.started} caption="Started" />
          <DesignationTable rows={diff.ended} caption="Ended" />
          <DesignationTable rows={diff.changed.map((c) => c.after)} caption="Changed (as after the change)" />
        </>
      )}
    </section>
  );
}
