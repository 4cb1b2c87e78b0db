/**
 * The web pages in a real browser (issue 15): Chromium against the real service process, seeded with the
 * worked example (DESIGN.md section 4) and given a real EU list excerpt through POST /imports/eu-xml.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { data } from '../importers/fixtures';
import type { RunningService } from '../support/service-process';
import { TOKENS } from '../http/support';
import { webSessionForTests } from './session';
import { HAVE_CHROMIUM, openPage, screenshot, signIn, SIZES } from './support';

if (!HAVE_CHROMIUM) console.log('web page tests skipped: /usr/bin/chromium is absent (apt-get install chromium; .ci/run does)');

const writerHeaders = { authorization: `Bearer ${TOKENS.writer}`, 'content-type': 'application/json' };

describe.skipIf(!HAVE_CHROMIUM)('web pages in Chromium', { timeout: 90_000 }, () => {
  const session = webSessionForTests();
  let service: RunningService;
  let browser: Browser;
  const open = (size: keyof typeof SIZES = 'desktop') => session.open(size);
  const subjectPage = (page: Page, id: string, asOf?: string, knownAt?: string) => session.subjectPage(page, id, asOf, knownAt);

  beforeAll(() => {
    ({ service, browser } = session);
  });

  it('prints the pages address in the banner and serves them without a token, data only with one', async () => {
    expect(service.stdout()).toContain(`web pages: ${service.url}/ui/`);
    expect((await fetch(`${service.url}/ui/`)).status).toBe(200);
    expect((await fetch(`${service.url}/state`)).status).toBe(401);
  });

  it("shows both of Ro Kwang Chol's designations asOf 2024-12-16, with names in every script", async () => {
    const page = await open();
    await subjectPage(page, 'ro-kwang-chol', '2024-12-16');
    const designations = page.getByTestId('designations');
    await expect.poll(() => designations.textContent()).toContain('2 designation(s) in force on 2024-12-16');
    const text = (await designations.textContent())!;
    expect(text).toContain('EU:RUS@2024-12-16');
    expect(text).toContain('US:RUSSIA-EO14024@2024-12-16');
    const identity = (await page.locator('.card').first().textContent())!;
    expect(identity).toContain('NO Kwang-chol');
    expect(identity).toContain('로광철');
    // The bitemporal picture is drawn and each event opens its provenance (actor, source, hash).
    await page.locator('ol.events button').first().click();
    const provenance = (await page.getByTestId('provenance').textContent())!;
    expect(provenance).toContain('seed:worked-example');
    expect(provenance).toMatch(/[0-9a-f]{64}/);
    expect(await page.locator('.chart[aria-label^="bitemporal history"] svg path').count()).toBeGreaterThan(0);
    await screenshot(page, 'subject-desktop');
  });

  it('shows none asOf 2024-12-15', async () => {
    const page = await open();
    await subjectPage(page, 'ro-kwang-chol', '2024-12-15');
    await expect.poll(() => page.getByTestId('designations').textContent()).toContain('0 designation(s) in force on 2024-12-15');
  });

  it('knownAt before the record time shows that the ledger did not know', async () => {
    const page = await open();
    await subjectPage(page, 'ro-kwang-chol', '2024-12-16', '2024-12-16T23:00:00');
    await expect.poll(() => page.getByTestId('not-known').textContent()).toContain('did not know this subject yet at 2024-12-16T23:00:00.000Z');
    expect(await page.getByTestId('designations').count()).toBe(0);
  });

  it('a screening finds "No Kwang-chol", with its score, why, and a downloadable receipt', async () => {
    const page = await open();
    await page.goto(`${service.url}/ui/#/search`);
    await page.fill('#screen-name', 'No Kwang-chol');
    await page.fill('#screen-asof', '2024-12-16');
    await page.click('#screen-submit');
    const table = page.locator('table');
    await expect.poll(() => table.textContent()).toContain('RO Kwang Chol');
    expect(await table.textContent()).toContain('1.000');
    expect(await table.textContent()).toContain('no→no (exact');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByText('Download receipt (JSON)').click()]);
    const receipt = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { sha256: string; matches: unknown[] };
    expect(receipt.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(receipt.matches.length).toBeGreaterThanOrEqual(1);
    await screenshot(page, 'search-desktop');
  });

  it('a designation POSTed now appears on the live feed page without a reload', async () => {
    const page = await open();
    await page.goto(`${service.url}/ui/#/feed`);
    await page.fill('#feed-regime', 'EU:RUS');
    await page.click('text=Apply filter');
    await expect.poll(() => page.getByTestId('feed-status').textContent()).toContain('connected:');
    const response = await fetch(`${service.url}/subjects/web-live-test/designations`, {
      method: 'POST',
      headers: writerHeaders,
      body: JSON.stringify({
        data: {
          kind: 'person',
          identity: { names: [{ name: 'LIVE Feed Person', quality: 'primary', script: 'Latn' }] },
          authority: 'EU', regime: 'EU:RUS', measures: ['asset-freeze'], legalBasis: ['EU-RUS-PACKAGE-15'], effectiveFrom: '2025-01-10',
        },
        source: { publisher: 'browser test' },
      }),
    });
    expect(response.status, await response.text()).toBe(201);
    await expect.poll(() => page.getByTestId('feed-items').textContent(), { timeout: 10_000 }).toContain('web-live-test');
    expect(await page.getByTestId('feed-items').textContent()).toContain('LIVE Feed Person');
    await screenshot(page, 'feed-desktop');
  });

  it('an imported real list (EU FSF excerpt) shows on the regime page and its subjects have pages', async () => {
    const upload = await fetch(`${service.url}/imports/eu-xml?publishedOn=2020-04-15`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS.writer}`, 'content-type': 'application/xml' },
      body: readFileSync(data('eu/eu_fsf_excerpt_2020-04-15_a.xml')),
    });
    expect(upload.status, await upload.text()).toBeLessThan(300);
    const page = await open();
    await page.goto(`${service.url}/ui/#/regime`);
    await page.fill('#regime-filter', 'EU');
    await page.fill('#regime-asof', '2020-04-15');
    await page.click('#regime-submit');
    await expect.poll(() => page.getByTestId('regime-total').textContent()).toMatch(/^[1-9]\d* designation\(s\) in force on 2020-04-15/);
    await screenshot(page, 'regime-desktop');
    const first = page.locator('table tbody a').first();
    const name = (await first.textContent())!;
    await first.click();
    await page.fill('#subject-asof', '2020-04-15');
    await page.click('#subject-submit');
    await expect.poll(() => page.getByTestId('designations').textContent()).toContain('in force on 2020-04-15');
    expect(await page.locator('.card').first().textContent()).toContain(name);
  });

  it('says what went wrong: an unknown token, an unknown subject, a reader asking to verify, a bad date', async () => {
    const page = await openPage(browser);
    await page.goto(`${service.url}/ui/`);
    await page.fill('#token', TOKENS.unknown);
    await page.click('button[type=submit]');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('unknown token');

    await signIn(page, service.url, TOKENS.reader);
    await page.goto(`${service.url}/ui/#/subject/no-such-subject`);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Not found: no subject "no-such-subject"');

    await page.goto(`${service.url}/ui/#/status`);
    await page.click('#verify-run');
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('This needs a writer token');

    await page.goto(`${service.url}/ui/#/diff`);
    // The date picker would refuse to hold 2024-02-30; a text field sends it as typed, as an old browser would.
    await page.evaluate("document.getElementById('diff-from').type = 'text'");
    await page.fill('#diff-from', '2024-02-30');
    await page.click('text=Compare');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('from must be a real calendar date');
  });

  it('is keyboard accessible: every input and select has a label, and Tab reaches the screen button', async () => {
    const page = await open();
    await page.goto(`${service.url}/ui/#/search`);
    await page.waitForSelector('#screen-submit');
    // Strings run in the page: the browser's DOM types are not part of this Node project.
    const unlabelled = await page.evaluate("[...document.querySelectorAll('input, select')].filter((el) => el.labels.length === 0).map((el) => el.id)");
    expect(unlabelled).toEqual([]);
    let reached = false;
    for (let i = 0; i < 30 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate("document.activeElement?.id === 'screen-submit'");
    }
    expect(reached).toBe(true);
  });

  it('writes a screenshot of every page at 1280x800 and 390x844 without horizontal overflow', async () => {
    for (const size of Object.keys(SIZES) as Array<keyof typeof SIZES>) {
      const page = await open(size);
      for (const [name, hash] of [['search', '#/search'], ['subject', '#/subject/ro-kwang-chol?asOf=2024-12-16'], ['regime', '#/regime'], ['diff', '#/diff'], ['feed', '#/feed'], ['status', '#/status']] as const) {
        await page.goto(`${service.url}/ui/${hash}`);
        await page.waitForSelector('main h1');
        if (name === 'subject') await page.click('#subject-submit');
        if (name === 'status') await page.getByTestId('sources-note').or(page.locator('pre.json')).first().waitFor();
        await page.waitForTimeout(200);
        await screenshot(page, `${name}-${size}`);
        const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
        expect(overflow, `${name} at ${size}`).toBeLessThanOrEqual(0);
      }
    }
  });
});
