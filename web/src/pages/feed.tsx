/**
 * The live change feed. EventSource cannot send an Authorization header, so the stream is read with fetch and
 * parsed here (SSE framing: blank-line separated blocks of `field: value` lines).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { query, token } from '../api';
import { ErrorBox, Field } from '../components';

interface FeedItem { id: string; type: string; subject?: string; time?: string; summary: string }

export function parseSseBlock(block: string): { id?: string; event?: string; data?: string } {
  const out: { id?: string; event?: string; data?: string } = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const at = line.indexOf(':');
    if (at < 0) continue;
    const field = line.slice(0, at);
    const value = line.slice(at + 1).replace(/^ /, '');
    if (field === 'id' || field === 'event') out[field] = value;
    if (field === 'data') out.data = out.data === undefined ? value : `${out.data}\n${value}`;
  }
  return out;
}

function describe(data: string): Omit<FeedItem, 'id' | 'type'> {
  const ce = JSON.parse(data) as { subject?: string; time?: string; data?: { regime?: string; effectiveFrom?: string; identity?: { names?: Array<{ name: string }> } } };
  const d = ce.data ?? {};
  return { subject: ce.subject, time: ce.time, summary: [d.regime, d.identity?.names?.[0]?.name, d.effectiveFrom ? `from ${d.effectiveFrom}` : undefined].filter(Boolean).join(' · ') };
}

export function FeedPage() {
  const [authority, setAuthority] = useState('');
  const [regime, setRegime] = useState('');
  const [type, setType] = useState('');
  const [items, setItems] = useState<FeedItem[]>([]);
  const [status, setStatus] = useState('not connected');
  const [error, setError] = useState<string>();
  const abort = useRef<AbortController>(undefined);

  const connect = async () => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setItems([]);
    setError(undefined);
    try {
      const response = await fetch(`/feed${query({ authority, regime, type })}`, { headers: { authorization: `Bearer ${token.get() ?? ''}` }, signal: controller.signal });
      if (!response.ok || response.body === null) {
        const body = (await response.json().catch(() => ({}))) as { message?: string };
        setStatus('not connected');
        return setError(body.message ?? `the feed answered HTTP ${response.status}`);
      }
      setStatus('connected: new changes appear below as they are recorded');
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = parseSseBlock(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          if (block.data === undefined) continue;
          if (block.event === 'feed-error') { setError('The feed failed; reconnect to resume.'); continue; }
          const item = { id: block.id ?? '', type: block.event ?? '', ...describe(block.data) };
          setItems((old) => [item, ...old].slice(0, 500));
        }
      }
      setStatus('disconnected');
    } catch (e) {
      if (!controller.signal.aborted) { setStatus('disconnected'); setError('The service cannot be reached: the feed stopped.'); }
    }
  };
  useEffect(() => { void connect(); return () => abort.current?.abort(); }, []);

  return (
    <section>
      <h1>Live change feed</h1>
      <form class="grid" onSubmit={(e) => { e.preventDefault(); void connect(); }}>
        <Field id="feed-authority" label="Authority (optional)"><input id="feed-authority" value={authority} onInput={(e) => setAuthority(e.currentTarget.value)} /></Field>
        <Field id="feed-regime" label="Regime (optional)"><input id="feed-regime" value={regime} onInput={(e) => setRegime(e.currentTarget.value)} /></Field>
        <Field id="feed-type" label="Event type (optional)"><input id="feed-type" value={type} onInput={(e) => setType(e.currentTarget.value)} /></Field>
        <button type="submit">Apply filter</button>
      </form>
      <p role="status" data-testid="feed-status">{status}</p>
      <ErrorBox error={error} />
      <ol class="feed" aria-live="polite" data-testid="feed-items">
        {items.map((i) => (
          <li key={i.id}><strong>{i.type}</strong> {i.subject && <a href={`#/subject/${encodeURIComponent(i.subject)}`}>{i.subject}</a>} {i.summary} <small>position {i.id}{i.time ? `, ${i.time}` : ''}</small></li>
        ))}
      </ol>
    </section>
  );
}
