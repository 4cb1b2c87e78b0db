/**
 * Where the pages keep the bearer token (issue 15: "keeps the token only in the open tab, in sessionStorage"),
 * in Chromium against the real service: after sign-in it is in this tab's sessionStorage and nowhere a later
 * visit could find it (localStorage, cookies); another tab or browser context is not signed in; signing out
 * removes it.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TOKENS } from '../http/support';
import { webSessionForTests } from './session';
import { HAVE_CHROMIUM, openPage, signIn } from './support';

/** Every value of a storage area, read in the page (a string: the DOM's types are not this project's). */
const values = (page: Page, area: 'sessionStorage' | 'localStorage') =>
  page.evaluate<string[]>(`Object.keys(${area}).map((k) => ${area}.getItem(k))`);

describe.skipIf(!HAVE_CHROMIUM)('the token is kept in the open tab only, in Chromium', { timeout: 90_000 }, () => {
  const session = webSessionForTests();

  it('after sign-in the token is in sessionStorage, not in localStorage, not in any cookie', async () => {
    // Given a tab signed in with the reader token
    const page = await openPage(session.browser);
    await signIn(page, session.service.url, TOKENS.reader);
    // Then this tab's sessionStorage holds it
    expect(await values(page, 'sessionStorage')).toContain(TOKENS.reader);
    // and no storage that outlives the tab does, in any form
    expect((await values(page, 'localStorage')).filter((v) => v?.includes(TOKENS.reader))).toEqual([]);
    expect(await page.context().cookies()).toEqual([]);
    expect(await page.evaluate<string>('document.cookie')).toBe('');
    // and the data calls carry it as a bearer header (there is no cookie to carry it)
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.url().includes('/screenings')),
      page.goto(`${session.service.url}/ui/#/search`).then(async () => { await page.fill('#screen-name', 'No Kwang-chol'); await page.click('#screen-submit'); }),
    ]);
    expect(request.headers()['authorization']).toBe(`Bearer ${TOKENS.reader}`);
    expect(request.headers()['cookie']).toBeUndefined();
  });

  it('a new tab, in the same browser context or a new one, is not signed in', async () => {
    // Given a signed-in tab
    const page = await openPage(session.browser);
    await signIn(page, session.service.url, TOKENS.writer);
    // When another tab opens the pages, beside it or in a new context
    const sameContext = await page.context().newPage();
    const newContext = await openPage(session.browser);
    for (const other of [sameContext, newContext]) {
      await other.goto(`${session.service.url}/ui/#/search`);
      // Then it shows the sign-in page and holds no token
      await other.waitForSelector('#token');
      expect(await other.locator('nav[aria-label=Pages]').count()).toBe(0);
      expect(await values(other, 'sessionStorage')).not.toContain(TOKENS.writer);
    }
    // while the first tab stays signed in
    await page.reload();
    await page.waitForSelector('nav[aria-label=Pages]');
  });

  it('signing out removes the token from the tab', async () => {
    const page = await openPage(session.browser);
    await signIn(page, session.service.url, TOKENS.reader);
    await page.click('text=Sign out');
    await page.waitForSelector('#token');
    expect(await values(page, 'sessionStorage')).not.toContain(TOKENS.reader);
    await page.reload();
    await page.waitForSelector('#token');
  });
});
