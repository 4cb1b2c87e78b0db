/** Sources (GET /sources; "sync not configured" when the service has no sync) and the hash-chain verify. */
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { attempt, ErrorBox } from '../components';

interface VerifyReport { ok: boolean; eventsChecked: number; streamsChecked: number; [k: string]: unknown }

export function StatusPage() {
  const [sources, setSources] = useState<unknown>();
  const [sourcesNote, setSourcesNote] = useState<string>();
  const [verify, setVerify] = useState<VerifyReport>();
  const [error, setError] = useState<string>();
  const [verifyError, setVerifyError] = useState<string>();
  useEffect(() => {
    api<unknown>('/sources').then(setSources, (e) => {
      if (e instanceof ApiError && e.status === 404) setSourcesNote('Sync not configured: this service does not fetch lists itself.');
      else setError(e instanceof Error ? e.message : String(e));
    });
  }, []);
  const runVerify = async () => setVerify(await attempt(() => api<VerifyReport>('/verify', { method: 'POST' }), setVerifyError));
  return (
    <section>
      <h1>Sources and verify</h1>
      <div class="card">
        <h2>Sources</h2>
        <ErrorBox error={error} />
        {sourcesNote && <p role="status" data-testid="sources-note">{sourcesNote}</p>}
        {sources !== undefined && <pre class="json">{JSON.stringify(sources, null, 2)}</pre>}
      </div>
      <div class="card">
        <h2>Hash chains</h2>
        <p>Recomputes every stream's hash chain (a writer token is needed: it reads the whole log).</p>
        <button type="button" id="verify-run" onClick={runVerify}>Verify now</button>
        <ErrorBox error={verifyError} />
        {verify && <p role="status" data-testid="verify-result">{verify.ok ? `Intact: ${verify.eventsChecked} events in ${verify.streamsChecked} streams.` : `BROKEN: ${JSON.stringify(verify)}`}</p>}
      </div>
    </section>
  );
}
