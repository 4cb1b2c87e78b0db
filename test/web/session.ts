/**
 * A browser test file's fixture: the real service process and Chromium, with the page helpers the tests share.
 * Kept apart from support.ts, which the benchmark imports outside vitest (the service starter needs vitest).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { TOKENS } from '../http/support';
import { startService, type RunningService } from '../support/service-process';
import { buildPages, launch, openPage, serviceEnv, signIn, SIZES } from './support';

/** One service process and one browser for a test file, with the page helpers every browser test uses. */
export interface WebSession {
  readonly service: RunningService;
  readonly browser: Browser;
  /** A fresh tab at one size, signed in with the token (the writer unless told). */
  open(size?: keyof typeof SIZES, as?: string): Promise<Page>;
  /** The subject page of `id`, asked at (asOf, knownAt) through its own form. */
  subjectPage(page: Page, id: string, asOf?: string, knownAt?: string): Promise<void>;
  close(): Promise<void>;
}

export async function startWebSession(env: NodeJS.ProcessEnv = serviceEnv(TOKENS.writer, TOKENS.reader, TOKENS.expired)): Promise<WebSession> {
  buildPages();
  const service = await startService(env);
  const browser = await launch();
  return {
    service,
    browser,
    async open(size = 'desktop', as = TOKENS.writer) {
      const page = await openPage(browser, size);
      await signIn(page, service.url, as);
      return page;
    },
    async subjectPage(page, id, asOf, knownAt) {
      await page.goto(`${service.url}/ui/#/subject/${encodeURIComponent(id)}`);
      if (asOf !== undefined) await page.fill('#subject-asof', asOf);
      if (knownAt !== undefined) await page.fill('#subject-knownat', knownAt);
      await page.click('#subject-submit');
    },
    async close() {
      await browser.close();
      if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill('SIGTERM');
      await service.exited;
    },
  };
}

/**
 * The session of the calling describe block: started before its tests (after `prepare`, which may write a
 * ledger file first and gives the service's settings), closed after them. Its members reach the started
 * session when a test uses them, so a file declares it once instead of its own beforeAll/afterAll pair.
 */
export function webSessionForTests(prepare: () => NodeJS.ProcessEnv | Promise<NodeJS.ProcessEnv> = () => serviceEnv(TOKENS.writer, TOKENS.reader, TOKENS.expired)): WebSession {
  let started: WebSession | undefined;
  beforeAll(async () => {
    started = await startWebSession(await prepare());
  }, 180_000);
  afterAll(async () => started?.close());
  const now = (): WebSession => {
    if (started === undefined) throw new Error('the web session is used before its beforeAll has started it');
    return started;
  };
  return {
    get service() { return now().service; },
    get browser() { return now().browser; },
    open: (size, as) => now().open(size, as),
    subjectPage: (page, id, asOf, knownAt) => now().subjectPage(page, id, asOf, knownAt),
    close: () => now().close(),
  };
}
