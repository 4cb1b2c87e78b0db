/** Keeps the token in sessionStorage only: it lives as long as this tab, never in a cookie or localStorage. */
import { useState } from 'preact/hooks';
import { api, ApiError, token } from '../api';
import { ErrorBox, Field } from '../components';

export function SignInPage({ onSignedIn }: { onSignedIn: () => void }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string>();
  const submit = async (event: Event) => {
    event.preventDefault();
    token.set(value.trim());
    try {
      // A cheap read proves the token before any page uses it.
      await api('/state?limit=1');
      onSignedIn();
    } catch (e) {
      token.clear();
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  return (
    <main id="main" class="narrow">
      <h1>Sign in</h1>
      <p>Paste a reader or writer token (the one <code>npm start</code> printed, or one from LEDGER_TOKENS). It is kept only in this tab.</p>
      <form onSubmit={submit}>
        <Field id="token" label="Bearer token">
          <input id="token" type="password" autoComplete="off" required value={value} onInput={(e) => setValue(e.currentTarget.value)} />
        </Field>
        <button type="submit">Sign in</button>
      </form>
      <ErrorBox error={error} />
    </main>
  );
}
