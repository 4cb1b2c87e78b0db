/**
 * One subject: identity (names in every script, aliases, identifiers), its designations per regime at (asOf,
 * knownAt), the bitemporal picture of its history, and each event's provenance.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, ApiError, instantOf, query, token } from '../api';
import { bitemporalMarks, bitemporalOption, EVENT_STYLE, effectiveOf, effectivePlaces, LARGE_MARKS } from '../charts/bitemporal';
import { BitemporalTable } from '../charts/bitemporal-table';
import { Chart } from '../charts/chart';
import { attempt, ErrorBox, TimeFields } from '../components';
import type { HistoryEntry, Identity, SubjectResult } from '../types';

// Measured (bench/web-pages.ts): 1,000 list items and 1,000 SVG marks cost most of a long history's render.
// So the list shows a page at a time, and the picture is SVG (its marks in the DOM, for tests and assistive
// tools) up to SVG_MARKS events and canvas beyond, which draws many marks faster. The picture is created once
// the history has answered: an empty SVG chart made first cost 70 ms before the page even asked for its data
// (effects run children first), and then had to be thrown away for a canvas.
const LIST_PAGE = 100;
const SVG_MARKS = LARGE_MARKS;
const NO_HISTORY: HistoryEntry[] = [];

export function SubjectPage({ id, params }: { id: string; params: URLSearchParams }) {
  const [asOf, setAsOf] = useState(params.get('asOf') ?? '');
  const [knownAt, setKnownAt] = useState(params.get('knownAt') ?? '');
  const [subject, setSubject] = useState<SubjectResult>();
  const [unknownAt, setUnknownAt] = useState<string>();
  // undefined until the history has answered (or failed: then it is empty).
  const [answered, setHistory] = useState<HistoryEntry[]>();
  const [selected, setSelected] = useState<number>();
  const [listed, setListed] = useState(LIST_PAGE);
  const [error, setError] = useState<string>();

  const load = async () => {
    setUnknownAt(undefined);
    const at = instantOf(knownAt);
    try {
      setError(undefined);
      setSubject(await api<SubjectResult>(`/subjects/${encodeURIComponent(id)}${query({ asOf, knownAt: at })}`));
    } catch (e) {
      setSubject(undefined);
      // A subject the ledger holds now but not at knownAt: that is the answer, not an error.
      if (e instanceof ApiError && e.status === 404 && at !== undefined) setUnknownAt(at);
      else setError(e instanceof Error ? e.message : String(e));
    }
  };
  useEffect(() => {
    void load();
    void attempt(() => api<HistoryEntry[]>(`/subjects/${encodeURIComponent(id)}/history`), () => undefined).then((h) => setHistory(h ?? []));
  }, [id]);

  // Closing hands focus back to the event that opened it, so a keyboard user goes on from where they were.
  const closeProvenance = (index: number) => {
    setSelected(undefined);
    requestAnimationFrame(() => document.querySelector<HTMLButtonElement>(`ol.events button[data-event-index="${index}"]`)?.focus());
  };

  const history = answered ?? NO_HISTORY;
  // One function for the page's life: a new one each render would make the chart set its whole option again.
  const selectMark = useCallback((p: { data: unknown }) => { const i = (p.data as { historyIndex?: number } | undefined)?.historyIndex; if (i !== undefined) setSelected(i); }, []);
  const marks = useMemo(() => bitemporalMarks(history), [history]);
  const option = useMemo(() => bitemporalOption(marks), [marks]);
  const places = useMemo(() => effectivePlaces(history), [history]);
  const latest = [...history].reverse().find((e) => (e.data as { identity?: Identity }).identity !== undefined);
  const identity = subject?.designations[0]?.identity ?? (latest?.data as { identity?: Identity } | undefined)?.identity;
  const byRegime = new Map<string, NonNullable<typeof subject>['designations']>();
  for (const d of subject?.designations ?? []) byRegime.set(d.regime, [...(byRegime.get(d.regime) ?? []), d]);

  return (
    <section>
      <h1>Subject {id}</h1>
      <form class="grid" onSubmit={(e) => { e.preventDefault(); void load(); }}>
        <TimeFields prefix="subject" asOf={asOf} knownAt={knownAt} setAsOf={setAsOf} setKnownAt={setKnownAt} />
        <button id="subject-submit" type="submit">Show</button>
      </form>
      <ErrorBox error={error} />
      {unknownAt && <p class="notice" role="status" data-testid="not-known">The ledger did not know this subject yet at {unknownAt}: nothing about it had been recorded by then.</p>}
      {identity && (
        <div class="card">
          <h2>Identity</h2>
          <ul>
            {(identity.names ?? []).map((n) => <li key={n.name} lang={n.script === 'Hang' ? 'ko' : undefined}>{n.name} <small>({n.quality}{n.script ? `, ${n.script}` : ''})</small></li>)}
          </ul>
          {(identity.identifiers ?? []).length > 0 && <p>Identifiers: {identity.identifiers!.map((i) => `${i.type} ${i.value}${i.country ? ` (${i.country})` : ''}`).join('; ')}</p>}
        </div>
      )}
      {subject && (
        <div class="card" data-testid="designations">
          <h2>{subject.designations.length} designation(s) in force on {subject.asOf}, as known at {subject.knownAt}</h2>
          {[...byRegime].map(([regime, rows]) => (
            <div key={regime}>
              <h3>{regime}</h3>
              {rows.map((d) => <p key={d.designationId} class="designation">{d.designationId}: {d.measures.join(', ')}; from {d.effectiveFrom}; basis {d.legalBasis.join(', ')}{d.reasons ? `. ${d.reasons}` : ''}</p>)}
            </div>
          ))}
        </div>
      )}
      <div class="card">
        <h2>History: effective time against recorded time</h2>
        <p class="legend-note" id="picture-legend">Shapes: {Object.values(EVENT_STYLE).map((s) => s.label).join(', ')}. A correction sits at the date it fixes but high up at the time it was recorded, with a dashed line down to what it corrects. Every mark is also listed, in words, in the table that follows the picture.</p>
        {answered === undefined ? <div style={{ height: '360px' }} /> : <Chart option={option} renderer={history.length <= SVG_MARKS ? 'svg' : 'canvas'} label={`bitemporal history of ${id}: ${history.length} events`} describedBy="picture-legend" height={360} onClick={selectMark} />}
        <BitemporalTable id="picture-marks" marks={marks} subject={id} />
        <ol class="events">
          {history.slice(0, listed).map((e, i) => (
            <li key={e.eventId}><button type="button" class="link" data-event-index={i} onClick={() => setSelected(i)}>{EVENT_STYLE[e.type]?.label ?? e.type}: effective {places[i] ?? '-'}, recorded {e.recordedAt}</button></li>
          ))}
        </ol>
        {history.length > listed && (
          <button type="button" onClick={() => setListed(listed + LIST_PAGE)}>Show {Math.min(LIST_PAGE, history.length - listed)} more events ({listed} of {history.length} listed)</button>
        )}
      </div>
      {selected !== undefined && history[selected] && <Provenance entry={history[selected]!} previous={history.slice(0, selected).reverse().find((p) => p.revision === history[selected]!.revision - 1)} onClose={() => closeProvenance(selected)} />}
    </section>
  );
}

function Provenance({ entry, previous, onClose }: { entry: HistoryEntry; previous: HistoryEntry | undefined; onClose: () => void }) {
  const [docError, setDocError] = useState<string>();
  // Opening moves focus here: the panel comes after a list that can be a hundred events long.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [entry.eventId]);
  const sha = typeof entry.source.sha256 === 'string' ? entry.source.sha256 : undefined;
  // The archived file needs the bearer token, so it is fetched here and handed to the browser as a download
  // (a bare link would go without the token and get a 401).
  const downloadDocument = async () => {
    setDocError(undefined);
    const response = await fetch(`/documents/${sha}`, { headers: { authorization: `Bearer ${token.get() ?? ''}` } }).catch(() => undefined);
    if (response === undefined) return setDocError('The service cannot be reached: it may be down or restarting. Try again shortly.');
    if (response.status === 404) return setDocError('No archived file for this sha256 (or this service does not archive documents).');
    if (!response.ok) return setDocError(`The document could not be fetched (HTTP ${response.status}).`);
    const type = response.headers.get('content-type') ?? '';
    const link = document.createElement('a');
    link.href = URL.createObjectURL(await response.blob());
    link.download = `${sha}${type.includes('xml') ? '.xml' : type.includes('csv') ? '.csv' : ''}`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
  };
  return (
    <aside class="card provenance" aria-label="Provenance" data-testid="provenance">
      <h2 ref={heading} tabIndex={-1}>Provenance: {entry.type}</h2>
      <dl>
        <dt>Actor</dt><dd>{entry.actor.id} ({entry.actor.kind})</dd>
        <dt>Recorded at</dt><dd>{entry.recordedAt}</dd>
        <dt>Effective from</dt><dd>{effectiveOf(entry) ?? (entry.type === 'DesignationCorrected' ? 'no date changed (fixes the record of the designation)' : '-')}</dd>
        <dt>Source</dt><dd>{String(entry.source.publisher ?? '')} {String(entry.source.documentRef ?? entry.source.url ?? '')}</dd>
        <dt>Source file sha256</dt><dd>{sha ? <>{sha} <button type="button" onClick={downloadDocument}>Download archived file</button></> : 'none (not an import)'}</dd>
        <dt>Event hash</dt><dd><code>{entry.hash}</code></dd>
        <dt>Chain link (previous event of the stream)</dt><dd>{previous ? <code>{previous.hash}</code> : entry.revision === 0 ? 'first event of its stream' : `revision ${entry.revision - 1}`}</dd>
        <dt>Command id</dt><dd>{entry.commandId ?? '-'}</dd>
      </dl>
      {docError && <p class="error" role="alert">{docError}</p>}
      <button type="button" onClick={onClose}>Close</button>
    </aside>
  );
}
