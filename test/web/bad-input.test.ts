/**
 * Bad input on the pages, in Chromium against the real service (issue 15), beside the cases pages.test.ts
 * covers (unknown token, unknown subject, a reader asking to verify, a bad diff date): an expired token, a bad
 * date in a subject link, and the service going down under an open page. Each gives a clear message on the
 * page, never a blank screen. This file stops its own service, so it has one to itself.
 */
import { describe, expect, it } from 'vitest';
import { TOKENS } from '../http/support';
import { webSessionForTests } from './session';
import { HAVE_CHROMIUM, openPage, screenshot } from './support';

describe.skipIf(!HAVE_CHROMIUM)('bad input on the web pages in Chromium', { timeout: 90_000 }, () => {
  const session = webSessionForTests();

  it('refuses an expired writer token at sign-in, saying it has expired', async () => {
    const page = await openPage(session.browser);
    await page.goto(`${session.service.url}/ui/`);
    await page.fill('#token', TOKENS.expired);
    await page.click('button[type=submit]');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('the token has expired');
    expect(await page.locator('nav[aria-label=Pages]').count()).toBe(0);
  });

  it('names the bad field of a subject link with an impossible date, and still shows the page', async () => {
    const page = await session.open();
    await page.goto(`${session.service.url}/ui/#/subject/ro-kwang-chol?asOf=2024-02-30`);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('asOf');
    expect(await page.locator('main h1').textContent()).toBe('Subject ro-kwang-chol');
    expect(await page.getByTestId('designations').count()).toBe(0);
  });

  it('says the service cannot be reached when it goes down under an open page', async () => {
    // Given a signed-in subject page that has loaded
    const page = await session.open();
    await session.subjectPage(page, 'ro-kwang-chol', '2024-12-16');
    await expect.poll(() => page.getByTestId('designations').textContent()).toContain('2 designation(s)');
    // When the service stops and the officer asks again
    session.service.child.kill('SIGTERM');
    await session.service.exited;
    await page.fill('#subject-asof', '2024-12-15');
    await page.click('#subject-submit');
    // Then the page says why, and keeps its form (not a blank screen)
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('The service cannot be reached');
    expect(await page.locator('#subject-submit').isVisible()).toBe(true);
    await screenshot(page, 'service-down-desktop');
    // and so does a screening asked from another page of the open tab
    await page.evaluate("location.hash = '#/search'");
    await page.fill('#screen-name', 'No Kwang-chol');
    await page.click('#screen-submit');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('The service cannot be reached');
  });
});
