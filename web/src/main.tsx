/** The compliance officers' pages: one hash route per page, so the service serves a single index.html. */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { token } from './api';
import { DiffPage } from './pages/diff';
import { FeedPage } from './pages/feed';
import { RegimePage } from './pages/regime';
import { SearchPage } from './pages/search';
import { SignInPage } from './pages/sign-in';
import { StatusPage } from './pages/status';
import { SubjectPage } from './pages/subject';
import './style.css';

const NAV: Array<[string, string]> = [
  ['#/search', 'Search and screening'],
  ['#/regime', 'Regime'],
  ['#/diff', 'Diff'],
  ['#/feed', 'Live feed'],
  ['#/status', 'Sources and verify'],
];

function useHash(): string {
  const [hash, setHash] = useState(location.hash || '#/search');
  useEffect(() => {
    const onChange = () => setHash(location.hash || '#/search');
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return hash;
}

function page(hash: string) {
  const [path, search = ''] = hash.slice(1).split('?');
  const parts = (path ?? '').split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(search);
  switch (parts[0]) {
    case 'subject': return <SubjectPage id={parts[1] ?? ''} params={params} />;
    case 'regime': return <RegimePage params={params} />;
    case 'diff': return <DiffPage />;
    case 'feed': return <FeedPage />;
    case 'status': return <StatusPage />;
    default: return <SearchPage />;
  }
}

function App() {
  const hash = useHash();
  const [signedIn, setSignedIn] = useState(token.get() !== null);
  if (!signedIn) return <SignInPage onSignedIn={() => setSignedIn(true)} />;
  return (
    <>
      <header>
        {/* Not a plain #main link: with hash routes that would leave the page for the default one. */}
        <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>Skip to content</a>
        <strong>Sanctions ledger</strong>
        <nav aria-label="Pages">
          {NAV.map(([href, label]) => (
            <a key={href} href={href} aria-current={hash.startsWith(href) ? 'page' : undefined}>{label}</a>
          ))}
          <button type="button" class="link" onClick={() => { token.clear(); setSignedIn(false); }}>Sign out</button>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>{page(hash)}</main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
