/**
 * The diff and verify pages giving real answers (issue 15), in Chromium against the real service on the seeded
 * worked example: the diff page lists what started, ended and changed between two dates, row for row what
 * GET /diff answers, and as known at a chosen instant; the sources/verify page reports intact hash chains with
 * the counts POST /verify gives.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TOKENS } from '../http/support';
import { webSessionForTests } from './session';
import { HAVE_CHROMIUM, screenshot } from './support';

const bearer = { authorization: `Bearer ${TOKENS.writer}` };
const writer = { ...bearer, 'content-type': 'application/json' };
interface Row { regime: string; primaryName: string }
interface DiffAnswer { started: Row[]; ended: Row[]; changed: Array<{ after: Row }> }

/** "regime / name" of each row of the page's table with this caption, sorted. */
async function tableRows(page: Page, caption: string): Promise<string[]> {
  const rows = page.getByRole('region', { name: caption, exact: true }).locator('tbody tr');
  const out: string[] = [];
  for (const row of await rows.all()) {
    const [regime, name] = await row.locator('td').allTextContents();
    out.push(`${regime} / ${name}`);
  }
  return out.sort();
}
const named = (rows: Row[]) => rows.map((r) => `${r.regime} / ${r.primaryName}`).sort();

async function compare(page: Page, from: string, to: string, knownAt = ''): Promise<void> {
  await page.fill('#diff-from', from);
  await page.fill('#diff-to', to);
  await page.fill('#diff-knownat', knownAt);
  await page.click('text=Compare');
}

describe.skipIf(!HAVE_CHROMIUM)('diff and verify pages with real answers in Chromium', { timeout: 90_000 }, () => {
  const session = webSessionForTests();

  const diffOf = async (from: string, to: string, knownAt?: string) =>
    (await (await fetch(`${session.service.url}/diff?from=${from}&to=${to}${knownAt ? `&knownAt=${knownAt}` : ''}`, { headers: bearer })).json()) as DiffAnswer;

  it('shows the four listings of 2024-12-16 as started between 2024-12-15 and 2024-12-16, as GET /diff does', async () => {
    const page = await session.open();
    await page.goto(`${session.service.url}/ui/#/diff`);
    await compare(page, '2024-12-15', '2024-12-16');
    await expect.poll(() => page.locator('main').textContent()).toContain('4 started, 0 ended, 0 changed');
    const started = await tableRows(page, 'Started');
    expect(started).toEqual(['EU:RUS / KIM Yong Bok', 'EU:RUS / RO Kwang Chol', 'US:RUSSIA-EO14024 / KIM Yong Bok', 'US:RUSSIA-EO14024 / RO Kwang Chol']);
    expect(started).toEqual(named((await diffOf('2024-12-15', '2024-12-16')).started));
    expect(await tableRows(page, 'Ended')).toEqual([]);
    await screenshot(page, 'diff-started-desktop');
  });

  it('shows a delisting as ended and an amendment as changed, and neither as known before they were recorded', async () => {
    // Given an instant after the seed was recorded, then Kim's EU listing ended and Ro's US listing amended from 2025-02-01
    await new Promise((done) => setTimeout(done, 1100));
    const before = new Date(Math.floor(Date.now() / 1000) * 1000); // whole seconds: the known-at field holds no more
    await new Promise((done) => setTimeout(done, 1100));
    const post = async (path: string, data: unknown) => {
      const response = await fetch(`${session.service.url}${path}`, { method: 'POST', headers: writer, body: JSON.stringify({ data, source: { publisher: 'browser test' } }) });
      expect(response.status, await response.text()).toBe(201);
    };
    await post('/subjects/kim-yong-bok/delistings', { regime: 'EU:RUS', effectiveFrom: '2025-02-01', legalBasis: ['EU-RUS-PACKAGE-15'], reason: 'browser test delisting' });
    await post('/subjects/ro-kwang-chol/amendments', { regime: 'US:RUSSIA-EO14024', effectiveFrom: '2025-02-01', changes: { measures: ['asset-freeze', 'travel-ban'] } });

    // When the diff page compares 2025-01-31 with 2025-02-01 as known now
    const page = await session.open();
    await page.goto(`${session.service.url}/ui/#/diff`);
    await compare(page, '2025-01-31', '2025-02-01');
    // Then the delisting is ended and the amendment is changed, as GET /diff says
    await expect.poll(() => page.locator('main').textContent()).toContain('0 started, 1 ended, 1 changed');
    const answer = await diffOf('2025-01-31', '2025-02-01');
    expect(await tableRows(page, 'Ended')).toEqual(['EU:RUS / KIM Yong Bok']);
    expect(await tableRows(page, 'Ended')).toEqual(named(answer.ended));
    expect(await tableRows(page, 'Changed (as after the change)')).toEqual(['US:RUSSIA-EO14024 / RO Kwang Chol']);
    expect(await tableRows(page, 'Changed (as after the change)')).toEqual(named(answer.changed.map((c) => c.after)));
    const changedMeasures = await page.getByRole('region', { name: 'Changed (as after the change)', exact: true }).locator('tbody td').nth(2).textContent();
    expect(changedMeasures).toBe('asset-freeze, travel-ban');
    await screenshot(page, 'diff-ended-changed-desktop');

    // When the same dates are compared as known before the two were recorded, Then there was nothing to tell
    await compare(page, '2025-01-31', '2025-02-01', before.toISOString().slice(0, 19));
    await expect.poll(() => page.locator('main').textContent()).toContain(`0 started, 0 ended, 0 changed, as known at ${before.toISOString()}`);
  });

  it('reports intact hash chains after a verify, with the counts POST /verify gives', async () => {
    const page = await session.open();
    await page.goto(`${session.service.url}/ui/#/status`);
    await page.click('#verify-run');
    const result = page.getByTestId('verify-result');
    await expect.poll(() => result.textContent()).toMatch(/^Intact: /);
    const report = (await (await fetch(`${session.service.url}/verify`, { method: 'POST', headers: bearer })).json()) as { ok: boolean; eventsChecked: number; streamsChecked: number };
    expect(report.ok).toBe(true);
    expect(report.eventsChecked).toBeGreaterThan(0);
    expect(await result.textContent()).toBe(`Intact: ${report.eventsChecked} events in ${report.streamsChecked} streams.`);
    expect(await page.getByRole('alert').count()).toBe(0);
    await screenshot(page, 'status-verified-desktop');
  });
});
