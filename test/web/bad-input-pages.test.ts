/**
 * Bad input on the pages bad-input.test.ts and pages.test.ts leave out (issue 15), in Chromium against the
 * real service: a bad date on the search and regime pages, an unknown or misspelt regime on the regime, diff
 * and feed pages, and the service down under the regime, diff, feed, sources/verify and sign-in pages. Each
 * shows a clear message on the page, never a blank screen or a stack trace. The last test stops this file's
 * service, so the file has one to itself.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { webSessionForTests } from './session';
import { HAVE_CHROMIUM, screenshot } from './support';

/** A date picker would refuse to hold 2024-02-30; a text field sends it as typed, as an old browser would. */
async function typeBadDate(page: Page, field: string, value: string): Promise<void> {
  await page.evaluate(`document.getElementById(${JSON.stringify(field)}).type = 'text'`);
  await page.fill(`#${field}`, value);
}

const alertText = (page: Page) => page.getByRole('alert').first().textContent();
/** What a page must never show: an empty main, or a stack trace. */
async function notBlankNorTrace(page: Page): Promise<void> {
  const text = (await page.locator('main').textContent()) ?? '';
  expect(text.trim().length).toBeGreaterThan(40);
  expect(text).not.toMatch(/at \S+ \(|TypeError|ReferenceError|SyntaxError|undefined is not/);
}

describe.skipIf(!HAVE_CHROMIUM)('bad input on the search, regime, diff, feed, status and sign-in pages in Chromium', { timeout: 90_000 }, () => {
  const session = webSessionForTests();

  it('names the bad date of a screening (asOf 2024-02-30) and keeps the form', async () => {
    const page = await session.open();
    await page.goto(`${session.service.url}/ui/#/search`);
    await page.fill('#screen-name', 'No Kwang-chol');
    await typeBadDate(page, 'screen-asof', '2024-02-30');
    await page.click('#screen-submit');
    await expect.poll(() => alertText(page)).toMatch(/asOf.*2024-02-30/);
    expect(await page.locator('table').count()).toBe(0);
    expect(await page.locator('#screen-submit').isVisible()).toBe(true);
    await notBlankNorTrace(page);
  });

  it('names the bad date of a regime question (asOf 2024-13-01)', async () => {
    const page = await session.open();
    await page.goto(`${session.service.url}/ui/#/regime`);
    await page.fill('#regime-filter', 'EU:RUS');
    await typeBadDate(page, 'regime-asof', '2024-13-01');
    await page.click('#regime-submit');
    await expect.poll(() => alertText(page)).toContain('asOf');
    expect(await page.getByTestId('regime-total').count()).toBe(0);
    await notBlankNorTrace(page);
  });

  it('says how a regime is spelt when it is misspelt, on the regime, diff and feed pages', async () => {
    const page = await session.open();
    await page.goto(`${session.service.url}/ui/#/regime`);
    await page.fill('#regime-filter', 'eu:rus');
    await page.click('#regime-submit');
    await expect.poll(() => alertText(page)).toContain('AUTHORITY:PROGRAMME in capitals');

    await page.evaluate("location.hash = '#/diff'");
    await page.fill('#diff-filter', 'eu:rus');
    await page.click('text=Compare');
    await expect.poll(() => alertText(page)).toContain('AUTHORITY:PROGRAMME in capitals');

    await page.evaluate("location.hash = '#/feed'");
    await page.fill('#feed-authority', 'XX');
    await page.click('text=Apply filter');
    await expect.poll(() => alertText(page)).toContain('authority');
    expect(await page.getByTestId('feed-status').textContent()).toBe('not connected');
    await notBlankNorTrace(page);
  });

  it('says a well-formed regime the ledger holds nothing for had no designation at any date charted', async () => {
    // Given a regime no list ever used (EU:NOPE is well formed, so the service answers 0, not an error)
    const page = await session.open();
    await page.goto(`${session.service.url}/ui/#/regime`);
    await page.fill('#regime-filter', 'EU:NOPE');
    await page.fill('#regime-asof', '2024-12-16');
    await page.click('#regime-submit');
    // Then the page says so in words, with the dates it looked at, instead of an empty table and a flat line
    await expect.poll(() => page.getByTestId('regime-empty').textContent()).toContain('No designation under EU:NOPE was in force on any date from 2024-01-01 to 2024-12-16');
    // while a regime that has designations does not get that notice
    await page.fill('#regime-filter', 'EU:RUS');
    await page.click('#regime-submit');
    await expect.poll(() => page.getByTestId('regime-total').textContent()).toMatch(/^[1-9]\d* designation\(s\) in force on 2024-12-16/);
    await expect.poll(() => page.getByTestId('regime-empty').count()).toBe(0);
  });

  it('says the service cannot be reached, on every page of an open tab, once the service is down', async () => {
    // Given an open tab whose feed page is connected
    const page = await session.open();
    await page.goto(`${session.service.url}/ui/#/feed`);
    await expect.poll(() => page.getByTestId('feed-status').textContent()).toContain('connected:');
    // When the service stops
    session.service.child.kill('SIGTERM');
    await session.service.exited;
    // Then the feed says it stopped, and reconnecting says why it cannot
    await expect.poll(() => alertText(page), { timeout: 15_000 }).toContain('The service cannot be reached');
    await page.click('text=Apply filter');
    await expect.poll(() => alertText(page)).toContain('The service cannot be reached');
    expect(await page.getByTestId('feed-status').textContent()).toBe('disconnected');
    await notBlankNorTrace(page);
    // and so do the regime, diff and sources/verify pages
    for (const [hash, ask] of [['#/regime', '#regime-submit'], ['#/diff', 'text=Compare'], ['#/status', '#verify-run']] as const) {
      await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
      await page.click(ask);
      await expect.poll(() => page.getByRole('alert').allTextContents(), { message: hash }).toContainEqual(expect.stringContaining('The service cannot be reached'));
      await notBlankNorTrace(page);
    }
    await screenshot(page, 'service-down-status-desktop');
    // and signing in again says the service cannot be reached, not that the token is wrong
    await page.click('text=Sign out');
    await page.fill('#token', 'any-token-0123456789abcdef');
    await page.click('button[type=submit]');
    await expect.poll(() => alertText(page)).toContain('The service cannot be reached');
    expect(await page.locator('#token').isVisible()).toBe(true);
  });
});
