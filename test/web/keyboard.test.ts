/**
 * Each page's main task done with the keyboard alone (issue 15: "keyboard accessible"), in Chromium against
 * the real service on the seeded worked example: Tab to the controls, type, Enter or Space to submit or open,
 * and every control reached shows a visible focus outline. No click anywhere in this file.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TOKENS } from '../http/support';
import { focusNow, tabTo, visiblyFocused, type Target } from './keyboard';
import { webSessionForTests } from './session';
import { HAVE_CHROMIUM, openPage } from './support';

describe.skipIf(!HAVE_CHROMIUM)('the web pages by keyboard alone in Chromium', { timeout: 90_000 }, () => {
  const session = webSessionForTests();

  /** Tabs to `selector` and checks the focus shows there. */
  const reach = async (page: Page, target: string | Target, options?: { limit?: number; back?: boolean }) => {
    const look = await tabTo(page, target, options);
    expect(visiblyFocused(look), `focus outline on ${JSON.stringify(target)}: ${look.outlineStyle} ${look.outlineWidth}px`).toBe(true);
  };

  it('signs in: Tab to the token field, type it, Enter', async () => {
    const page = await openPage(session.browser);
    await page.goto(`${session.service.url}/ui/`);
    await page.waitForSelector('#token');
    await reach(page, '#token');
    await page.keyboard.type(TOKENS.reader);
    await page.keyboard.press('Enter');
    await page.waitForSelector('nav[aria-label=Pages]');
  });

  it('skips the navigation: the first Tab shows the skip link, Enter moves on to the same page\'s first field', async () => {
    const page = await session.open();
    await page.goto(`${session.service.url}/ui/#/regime`);
    await page.waitForSelector('#regime-filter');
    await reach(page, 'a.skip', { limit: 1 });
    expect(await page.evaluate<number>('document.activeElement.getBoundingClientRect().left')).toBeGreaterThanOrEqual(0);
    await page.keyboard.press('Enter');
    await reach(page, '#regime-filter', { limit: 1 });
    expect(await page.locator('main h1').textContent()).toBe('Regime or authority');
  });

  it('screens a name and downloads the receipt: type the name, Enter, Tab to the download button, Space', async () => {
    const page = await session.open();
    await page.goto(`${session.service.url}/ui/#/search`);
    await page.waitForSelector('#screen-name');
    await reach(page, '#screen-name');
    await page.keyboard.type('No Kwang-chol');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('table').textContent()).toContain('RO Kwang Chol');
    await reach(page, { selector: 'button', text: 'Download receipt (JSON)' });
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Space')]);
    expect(JSON.parse(readFileSync((await download.path())!, 'utf8')).sha256).toMatch(/^[0-9a-f]{64}$/);
    // and the first match's subject page opens with Enter on its link
    await reach(page, 'table a');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Subject ro-kwang-chol');
  });

  it("opens an event's provenance on the subject page with Enter, and closes it with Enter back to the event", async () => {
    const page = await session.open();
    await page.goto(`${session.service.url}/ui/#/subject/ro-kwang-chol?asOf=2024-12-16`);
    await expect.poll(() => page.getByTestId('designations').textContent()).toContain('2 designation(s)');
    await reach(page, 'ol.events button');
    const opener = (await focusNow(page)).text;
    await page.keyboard.press('Enter');
    // The provenance takes focus (it opens below a list that may be a hundred events long)
    await expect.poll(async () => (await focusNow(page, '[data-testid=provenance] h2')).matches).toBe(true);
    expect(await page.getByTestId('provenance').textContent()).toContain('seed:worked-example');
    await reach(page, { selector: '[data-testid=provenance] button', text: 'Close' });
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('provenance').count()).toBe(0);
    const back = await focusNow(page, 'ol.events button');
    expect(back.matches && back.text === opener, `focus back on "${opener}", found ${back.tag} "${back.text}"`).toBe(true);
  });

  it('asks the subject page at another date: type it into the date field, Enter', async () => {
    const page = await session.open();
    await page.goto(`${session.service.url}/ui/#/subject/ro-kwang-chol?asOf=2024-12-16`);
    await expect.poll(() => page.getByTestId('designations').textContent()).toContain('2 designation(s)');
    await reach(page, '#subject-asof');
    // Chromium's date field takes its parts as typed digits, in the locale's order (en-US: month, day, year)
    await page.keyboard.type('12152024');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('designations').textContent()).toContain('0 designation(s) in force on 2024-12-15');
  });

  it('shows a regime: type it, Enter, then Tab into its table and open a subject with Enter', async () => {
    const page = await session.open();
    await page.goto(`${session.service.url}/ui/#/regime`);
    await page.waitForSelector('#regime-filter');
    await reach(page, '#regime-filter');
    await page.keyboard.type('EU:RUS');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('regime-total').textContent()).toMatch(/^[1-9]\d* designation\(s\) in force/);
    // The table's scroll box is a stop of its own (so the arrow keys can scroll it on a phone), then its links
    await reach(page, '.table-scroll');
    await reach(page, '.table-scroll a');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('main h1').textContent()).toMatch(/^Subject /);
  });

  it('compares two dates: Tab to Compare, Enter', async () => {
    const page = await session.open();
    await page.goto(`${session.service.url}/ui/#/diff`);
    await page.waitForSelector('#diff-from');
    await reach(page, { selector: 'button', text: 'Compare' });
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('main').textContent()).toMatch(/[1-9]\d* started/);
  });

  it('filters the live feed: type a regime, Enter, and a designation recorded in it then appears', async () => {
    const page = await session.open();
    await page.goto(`${session.service.url}/ui/#/feed`);
    await expect.poll(() => page.getByTestId('feed-status').textContent()).toContain('connected:');
    await reach(page, '#feed-regime');
    await page.keyboard.type('EU:RUS');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('feed-status').textContent()).toContain('connected:');
    const response = await fetch(`${session.service.url}/subjects/web-keyboard-feed/designations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS.writer}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        data: { kind: 'person', identity: { names: [{ name: 'KEYBOARD Feed Person', quality: 'primary', script: 'Latn' }] }, authority: 'EU', regime: 'EU:RUS', measures: ['asset-freeze'], legalBasis: ['EU-RUS-PACKAGE-15'], effectiveFrom: '2025-01-10' },
        source: { publisher: 'browser test' },
      }),
    });
    expect(response.status, await response.text()).toBe(201);
    await expect.poll(() => page.getByTestId('feed-items').textContent(), { timeout: 10_000 }).toContain('web-keyboard-feed');
  });

  it('verifies the hash chains: Tab to Verify now, Space', async () => {
    const page = await session.open();
    await page.goto(`${session.service.url}/ui/#/status`);
    await page.waitForSelector('#verify-run');
    await reach(page, '#verify-run');
    await page.keyboard.press('Space');
    await expect.poll(() => page.getByTestId('verify-result').textContent()).toMatch(/^Intact: [1-9]\d* events in [1-9]\d* streams\.$/);
  });

  it('signs out: Tab to Sign out, Enter, and the sign-in page is back', async () => {
    const page = await session.open();
    await page.goto(`${session.service.url}/ui/#/search`);
    await page.waitForSelector('#screen-name');
    await reach(page, { selector: 'button', text: 'Sign out' });
    await page.keyboard.press('Enter');
    await page.waitForSelector('#token');
  });
});
