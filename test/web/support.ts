/**
 * Browser tests' setup: Debian's Chromium driven by playwright-core (no browser download is possible here;
 * flags from ../shared/notes/browser-tests.md), the real service process, and screenshots under
 * test-results/screens/ (gitignored; CI keeps them as artefacts, nothing compares them pixel by pixel).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SCREENS = join(ROOT, 'test-results', 'screens');

export const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

/** The service's settings, every file in a fresh temp dir; `expired` adds a writer token that expired in 2020. */
export function serviceEnv(writer: string, reader: string, expired?: string): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 'web-pages-'));
  const tokensFile = join(dir, 'tokens.json');
  if (expired !== undefined) writeFileSync(tokensFile, JSON.stringify({ tokens: [{ name: 'old-writer', role: 'writer', token: expired, expiresAt: '2020-01-01T00:00:00Z' }] }));
  return {
    LEDGER_DB_PATH: join(dir, 'ledger.db'),
    LEDGER_VIEWS_PATH: join(dir, 'views.db'),
    LEDGER_HTTP_PORT: '0',
    LEDGER_HTTP_HOST: '127.0.0.1',
    LEDGER_TOKENS: `alice:writer:${writer},auditor:reader:${reader}`,
    LEDGER_TOKENS_FILE: expired === undefined ? '' : tokensFile,
    LEDGER_STORE: 'sqlite',
    LEDGER_ESDB_URL: '',
    // Every file of this service in its own temp dir, never ./data of the checkout.
    LEDGER_WATCHLISTS_DB: join(dir, 'watchlists.db'),
    LEDGER_DOCUMENTS_DIR: join(dir, 'documents'),
  };
}

/**
 * The same build `npm start` runs: a no-op when web/dist is newer than its sources. NODE_ENV is set to
 * production because vitest sets it to `test`, and Vite then builds a development bundle (preact/debug and the
 * devtools hook: 13 KB more gzipped, and every render checked) that the tests and the benchmark would serve.
 */
export function buildPages(): void {
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-web-if-stale.mjs')], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } });
  if (result.status !== 0) throw new Error(`building the web pages failed:\n${result.stdout}\n${result.stderr}`);
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A fresh tab (fresh sessionStorage) at one size, in UTC so datetime-local inputs mean UTC instants. */
export async function openPage(browser: Browser, size: keyof typeof SIZES = 'desktop'): Promise<Page> {
  const context = await browser.newContext({ viewport: SIZES[size], timezoneId: 'UTC' });
  return context.newPage();
}

export async function signIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(`${url}/ui/`);
  await page.fill('#token', token);
  await page.click('button[type=submit]');
  await page.waitForSelector('nav[aria-label=Pages]');
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENS, { recursive: true });
  await page.screenshot({ path: join(SCREENS, `${name}.png`), fullPage: true });
}
