/**
 * Every page of the web UI brought to the state an officer works in (a search with results, a subject with an
 * event's provenance open, a regime and a diff with their tables, the feed connected, a verify run), on the
 * seeded worked example. Checks that look at whole pages (accessibility, contrast) go through this list, so a
 * new page is checked once it is added here.
 */
import type { Page } from 'playwright-core';

export interface PageState {
  readonly name: string;
  /** Brings a signed-in tab (or, for sign-in, a fresh one) to the page's working state. */
  readonly reach: (page: Page, url: string) => Promise<void>;
  /** Needs a signed-in tab. */
  readonly signedIn: boolean;
}

export const PAGE_STATES: readonly PageState[] = [
  {
    name: 'sign-in',
    signedIn: false,
    async reach(page, url) {
      await page.goto(`${url}/ui/`);
      await page.waitForSelector('#token');
    },
  },
  {
    name: 'search with results',
    signedIn: true,
    async reach(page, url) {
      await page.goto(`${url}/ui/#/search`);
      await page.fill('#screen-name', 'No Kwang-chol');
      await page.fill('#screen-asof', '2024-12-16');
      await page.click('#screen-submit');
      await page.locator('table tbody tr').first().waitFor();
    },
  },
  {
    name: 'subject with provenance open',
    signedIn: true,
    async reach(page, url) {
      await page.goto(`${url}/ui/#/subject/ro-kwang-chol?asOf=2024-12-16`);
      await page.getByTestId('designations').waitFor();
      await page.locator('.chart svg path').first().waitFor();
      await page.locator('ol.events button').first().click();
      await page.getByTestId('provenance').waitFor();
    },
  },
  {
    name: 'regime with designations',
    signedIn: true,
    async reach(page, url) {
      await page.goto(`${url}/ui/#/regime`);
      await page.fill('#regime-asof', '2024-12-16');
      await page.click('#regime-submit');
      await page.locator('table tbody tr').first().waitFor();
      await page.locator('.chart canvas').first().waitFor();
    },
  },
  {
    name: 'diff with differences',
    signedIn: true,
    async reach(page, url) {
      await page.goto(`${url}/ui/#/diff`);
      await page.click('text=Compare');
      await page.locator('table tbody tr').first().waitFor();
    },
  },
  {
    name: 'feed connected',
    signedIn: true,
    async reach(page, url) {
      await page.goto(`${url}/ui/#/feed`);
      await page.getByTestId('feed-status').filter({ hasText: 'connected:' }).waitFor();
    },
  },
  {
    name: 'status after verify',
    signedIn: true,
    async reach(page, url) {
      await page.goto(`${url}/ui/#/status`);
      await page.getByTestId('sources-note').or(page.locator('pre.json')).first().waitFor();
      await page.click('#verify-run');
      await page.getByTestId('verify-result').waitFor();
    },
  },
];
