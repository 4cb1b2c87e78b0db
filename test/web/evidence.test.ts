/**
 * The subject page as evidence, in Chromium against the real service (issue 15): a retroactive correction is
 * drawn unlike a new listing, and an imported event's provenance hands over the archived list file itself.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { data } from '../importers/fixtures';
import { TOKENS } from '../http/support';
import { webSessionForTests } from './session';
import { HAVE_CHROMIUM, screenshot } from './support';

const writerHeaders = { authorization: `Bearer ${TOKENS.writer}`, 'content-type': 'application/json' };
const CORRECTION_RED = 'rgb(176, 0, 32)'; // EVENT_STYLE.DesignationCorrected (#b00020)
const LISTING_BLUE = 'rgb(31, 95, 191)'; // EVENT_STYLE.SubjectDesignated (#1f5fbf)
const MARKER_BORDER = 'rgb(0, 0, 0)'; // event markers have a black border; designation rectangles do not

interface Mark { fill: string; stroke: string; dashed: boolean; x: number; y: number }
const markers = (marks: Mark[], fill: string) => marks.filter((m) => m.fill === fill && m.stroke === MARKER_BORDER);

/** Every drawn shape of the bitemporal picture's plot area (below the legend), read from its SVG. */
function marksOf(page: Page): Promise<Mark[]> {
  // A string: it runs in the page, whose DOM types are not part of this Node project.
  return page.evaluate<Mark[]>(`(() => {
    const chart = document.querySelector('.chart[aria-label^="bitemporal history"]');
    const top = chart.getBoundingClientRect().top;
    return [...chart.querySelectorAll('svg path')].map((el) => {
      const box = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      return { fill: style.fill, stroke: style.stroke, dashed: style.strokeDasharray !== 'none', x: box.x + box.width / 2, y: box.y + box.height / 2 - top };
    }).filter((m) => m.y > 40);
  })()`);
}

describe.skipIf(!HAVE_CHROMIUM)('subject page evidence in Chromium', { timeout: 90_000 }, () => {
  const session = webSessionForTests();

  it('draws a retroactive correction as a red triangle high above the listing it fixes, with a dashed line down; the listing stays a blue circle', async () => {
    // Given Ro Kwang Chol's page before any correction
    const page = await session.open();
    await session.subjectPage(page, 'ro-kwang-chol', '2024-12-16');
    await page.waitForSelector('.chart svg');
    await expect.poll(async () => markers(await marksOf(page), LISTING_BLUE).length).toBe(2);
    const before = await marksOf(page);
    expect(markers(before, CORRECTION_RED)).toEqual([]);
    expect(before.filter((m) => m.dashed)).toEqual([]);

    // When the EU designation's reasons are corrected now (a fix of the record, no new listing)
    const response = await fetch(`${session.service.url}/subjects/ro-kwang-chol/corrections`, {
      method: 'POST',
      headers: writerHeaders,
      body: JSON.stringify({ data: { regime: 'EU:RUS', corrections: { reasons: 'Corrected by the browser test.' }, reason: 'typo in the reasons' }, source: { publisher: 'browser test' } }),
    });
    expect(response.status, await response.text()).toBe(201);
    await page.reload();
    await session.subjectPage(page, 'ro-kwang-chol', '2024-12-16');
    await expect.poll(async () => markers(await marksOf(page), CORRECTION_RED).length).toBe(1);

    // Then the correction's mark has the correction style, at the date it fixes, higher (recorded later)
    const after = await marksOf(page);
    const correction = markers(after, CORRECTION_RED)[0]!;
    const listings = markers(after, LISTING_BLUE);
    expect(listings).toHaveLength(2);
    for (const listing of listings) {
      expect(listing.dashed).toBe(false);
      expect(Math.abs(listing.x - correction.x)).toBeLessThan(3);
      expect(correction.y).toBeLessThan(listing.y);
    }
    const drop = after.filter((m) => m.dashed);
    expect(drop).toHaveLength(1);
    expect(drop[0]!.stroke).toBe(CORRECTION_RED);
    expect(Math.abs(drop[0]!.x - correction.x)).toBeLessThan(3);
    // and the picture's table (its words for assistive tools) has a row per event, the correction told apart
    const table = page.getByTestId('picture-marks');
    expect(await table.locator('tbody tr').count()).toBe(await page.locator('ol.events li').count());
    expect(await table.locator('tr[data-type=DesignationCorrected]').textContent()).toContain('retroactive correction of the record, not a new listing');
    expect(await table.locator('tr[data-type=SubjectDesignated]').first().textContent()).toContain('new listing');
    // and the event list names it as a correction at the date it fixes, with what it fixed in its provenance
    const item = page.locator('ol.events button', { hasText: 'correction (fixes the past): effective 2024-12-16' });
    await item.click();
    const provenance = (await page.getByTestId('provenance').textContent())!;
    expect(provenance).toContain('Provenance: DesignationCorrected');
    expect(provenance).toContain('alice');
    await screenshot(page, 'subject-correction-desktop');
  });

  it('opens an imported event\'s provenance with its archived list file, and following it returns the exact file', async () => {
    // Given a real EU list file imported over HTTP (archived by sha256 before its events were appended)
    const file = readFileSync(data('eu/eu_fsf_excerpt_2020-04-15_b.xml'));
    const sha256 = createHash('sha256').update(file).digest('hex');
    const upload = await fetch(`${session.service.url}/imports/eu-xml`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS.writer}`, 'content-type': 'application/xml' },
      body: file,
    });
    expect(upload.status, await upload.text()).toBeLessThan(300);
    const state = (await (await fetch(`${session.service.url}/state?authority=EU&limit=1`, { headers: writerHeaders })).json()) as { designations: Array<{ subjectId: string }> };
    const subjectId = state.designations[0]!.subjectId;

    // When an auditor (reader) opens that subject's first event
    const page = await session.open('desktop', TOKENS.reader);
    await session.subjectPage(page, subjectId);
    await page.locator('ol.events button').first().click();
    const provenance = page.getByTestId('provenance');
    await expect.poll(() => provenance.textContent()).toContain(sha256);

    // Then following the archived-file link gives the file itself: 200, same bytes, same sha256
    const [answer, download] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/documents/${sha256}`)),
      page.waitForEvent('download'),
      provenance.getByRole('button', { name: 'Download archived file' }).click(),
    ]);
    expect(answer.status()).toBe(200);
    expect(download.suggestedFilename()).toBe(`${sha256}.xml`);
    const bytes = readFileSync((await download.path())!);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(sha256);
    expect(await provenance.getByRole('alert').count()).toBe(0);
    await screenshot(page, 'subject-provenance-document-desktop');
  });

  it('says so when an event names a sha256 the archive does not hold', async () => {
    // Given an event whose source claims a file that was never archived
    const missing = 'ab'.repeat(32);
    const response = await fetch(`${session.service.url}/subjects/web-missing-document/designations`, {
      method: 'POST',
      headers: writerHeaders,
      body: JSON.stringify({
        data: { kind: 'person', identity: { names: [{ name: 'MISSING Document Person', quality: 'primary', script: 'Latn' }] }, authority: 'EU', regime: 'EU:RUS', measures: ['asset-freeze'], legalBasis: ['EU-RUS-PACKAGE-15'], effectiveFrom: '2025-01-10' },
        source: { publisher: 'browser test', sha256: missing },
      }),
    });
    expect(response.status, await response.text()).toBe(201);
    // When its provenance's file is asked for
    const page = await session.open();
    await session.subjectPage(page, 'web-missing-document');
    await page.locator('ol.events button').first().click();
    await page.getByTestId('provenance').getByRole('button', { name: 'Download archived file' }).click();
    // Then the page says there is no archived file, instead of a blank tab
    await expect.poll(() => page.getByTestId('provenance').getByRole('alert').textContent()).toContain('No archived file for this sha256');
  });

  it('lists a long history a page at a time, and the rest on request', async () => {
    // Given a subject with 105 events (a designation and 104 amendments)
    const post = async (path: string, data: unknown) => {
      const response = await fetch(`${session.service.url}/subjects/web-long-history/${path}`, { method: 'POST', headers: writerHeaders, body: JSON.stringify({ data, source: { publisher: 'browser test' } }) });
      expect(response.status, await response.text()).toBe(201);
    };
    await post('designations', { kind: 'person', identity: { names: [{ name: 'LONG History Person', quality: 'primary', script: 'Latn' }] }, authority: 'EU', regime: 'EU:RUS', measures: ['asset-freeze'], legalBasis: ['EU-RUS-PACKAGE-15'], effectiveFrom: '2020-01-01' });
    for (let i = 1; i <= 104; i++) {
      const effectiveFrom = new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10);
      await post('amendments', { regime: 'EU:RUS', effectiveFrom, changes: { measures: i % 2 === 0 ? ['asset-freeze'] : ['asset-freeze', 'travel-ban'] } });
    }
    // When its page opens
    const page = await session.open();
    await session.subjectPage(page, 'web-long-history');
    // Then the first 100 are listed, with a button for the remaining 5 that lists them
    await expect.poll(() => page.locator('ol.events li').count()).toBe(100);
    await page.getByRole('button', { name: 'Show 5 more events (100 of 105 listed)' }).click();
    await expect.poll(() => page.locator('ol.events li').count()).toBe(105);
    expect(await page.getByRole('button', { name: /more events/ }).count()).toBe(0);
  });
});
