/** Screening (POST /screenings) at a chosen asOf and knownAt, with each match's score and why, and the receipt. */
import { useState } from 'preact/hooks';
import { api, instantOf } from '../api';
import { attempt, ErrorBox, Field, ScrollBox, TimeFields } from '../components';
import type { Receipt } from '../types';

export function SearchPage() {
  const [name, setName] = useState('');
  const [kind, setKind] = useState('');
  const [asOf, setAsOf] = useState('');
  const [knownAt, setKnownAt] = useState('');
  const [receipt, setReceipt] = useState<Receipt>();
  const [error, setError] = useState<string>();

  const submit = async (event: Event) => {
    event.preventDefault();
    const body = { name, ...(kind ? { kind } : {}), ...(asOf ? { asOf } : {}), ...(knownAt ? { knownAt: instantOf(knownAt) } : {}) };
    setReceipt(await attempt(() => api<Receipt>('/screenings', { method: 'POST', body: JSON.stringify(body) }), setError));
  };
  const download = () => {
    if (receipt === undefined) return;
    const url = URL.createObjectURL(new Blob([JSON.stringify(receipt, null, 2)], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `screening-receipt-${receipt.sha256.slice(0, 12)}.json`;
    a.click();
    URL.revokeObjectURL(url);
  };

  return (
    <section>
      <h1>Search and screening</h1>
      <form class="grid" onSubmit={submit}>
        <Field id="screen-name" label="Name (any script)">
          <input id="screen-name" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <Field id="screen-kind" label="Kind (optional)">
          <select id="screen-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
            <option value="">any</option><option value="person">person</option><option value="entity">entity</option>
            <option value="vessel">vessel</option><option value="aircraft">aircraft</option>
          </select>
        </Field>
        <TimeFields prefix="screen" asOf={asOf} knownAt={knownAt} setAsOf={setAsOf} setKnownAt={setKnownAt} />
        <button id="screen-submit" type="submit">Screen</button>
      </form>
      <ErrorBox error={error} />
      {receipt && (
        <>
          <p>
            {receipt.matches.length} match(es) asOf {receipt.basis.asOf} knownAt {receipt.basis.knownAt}. Receipt sha256 <code>{receipt.sha256}</code>{' '}
            <button type="button" onClick={download}>Download receipt (JSON)</button>
          </p>
          <ScrollBox label="Matches, best first">
          <table>
            <caption>Matches, best first</caption>
            <thead><tr><th scope="col">Score</th><th scope="col">Matched name</th><th scope="col">Subject</th><th scope="col">Regime</th><th scope="col">Why</th></tr></thead>
            <tbody>
              {receipt.matches.map((m) => (
                <tr key={`${m.subjectId}/${m.designationId}`}>
                  <td>{m.score.toFixed(3)}</td>
                  <td>{m.name} ({m.nameQuality})</td>
                  <td><a href={`#/subject/${encodeURIComponent(m.subjectId)}`}>{m.primaryName}</a></td>
                  <td>{m.regime}</td>
                  <td>{m.why.method}: {(m.why.tokens ?? []).map((t) => `${t.query}→${t.listed} (${t.how} ${t.similarity.toFixed(2)})`).join('; ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          </ScrollBox>
        </>
      )}
    </section>
  );
}
