/**
 * A browser test file's fixture: the real service process and Chromium, with the page helpers the tests share.
 * Kept apart from support.ts, which the benchmark imports outside vitest (the service starter needs vitest).
 */
import type { Browser, Page } from 'playwright-core';
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
