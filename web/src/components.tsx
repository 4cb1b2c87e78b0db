/** Small pieces every page uses: the error box, a labelled field, a table of designations. */
import type { ComponentChildren } from 'preact';
import type { DesignationView } from './types';

export function ErrorBox({ error }: { error: string | undefined }) {
  if (error === undefined) return null;
  return <p class="error" role="alert">{error}</p>;
}

export function Field(props: { id: string; label: string; children: ComponentChildren }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.children}
    </div>
  );
}

/**
 * A table that may be wider than a phone's screen scrolls sideways in its own box. The box is a named region
 * that takes focus, so a keyboard user can scroll it with the arrow keys (a scroll box nobody can focus is
 * out of their reach).
 */
export function ScrollBox({ label, children }: { label: string; children: ComponentChildren }) {
  return <div class="table-scroll" role="region" aria-label={label} tabIndex={0}>{children}</div>;
}

export function DesignationTable({ rows, caption }: { rows: DesignationView[]; caption: string }) {
  return (
    <ScrollBox label={caption}>
    <table>
      <caption>{caption}</caption>
      <thead><tr><th scope="col">Regime</th><th scope="col">Subject</th><th scope="col">Measures</th><th scope="col">From</th><th scope="col">Legal basis</th></tr></thead>
      <tbody>
        {rows.map((d) => (
          <tr key={`${d.subjectId}/${d.designationId}`}>
            <td>{d.regime}</td>
            <td><a href={`#/subject/${encodeURIComponent(d.subjectId)}`}>{d.primaryName}</a></td>
            <td>{d.measures.join(', ')}</td>
            <td>{d.effectiveFrom}</td>
            <td>{d.legalBasis.join(', ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
    </ScrollBox>
  );
}

/** Runs an async load, keeping its error as text for ErrorBox. */
export async function attempt<T>(load: () => Promise<T>, setError: (e: string | undefined) => void): Promise<T | undefined> {
  setError(undefined);
  try {
    return await load();
  } catch (error) {
    setError(error instanceof Error ? error.message : String(error));
    return undefined;
  }
}

/** The two times every state question takes (DESIGN.md section 4), as a labelled date and a datetime-local. */
export function TimeFields(props: { prefix: string; asOf: string; knownAt: string; setAsOf: (v: string) => void; setKnownAt: (v: string) => void }) {
  return (
    <>
      <Field id={`${props.prefix}-asof`} label="As of (date in force)">
        <input id={`${props.prefix}-asof`} type="date" value={props.asOf} onInput={(e) => props.setAsOf(e.currentTarget.value)} />
      </Field>
      <Field id={`${props.prefix}-knownat`} label="Known at (what the ledger had recorded)">
        <input id={`${props.prefix}-knownat`} type="datetime-local" step="1" value={props.knownAt} onInput={(e) => props.setKnownAt(e.currentTarget.value)} />
      </Field>
    </>
  );
}
