/**
 * A subject with 1,000 events on its page (issue 15's performance case, checked here for what it shows, not
 * how fast), in Chromium against the real service: the bitemporal picture is drawn on a canvas (above 300
 * events), the event list shows a first page with the rest on request, and the picture's hidden table, the
 * screen readers' equivalent of a canvas, has a row for every one of the 1,000 events.
 * The history is written into the service's ledger file before it starts (test/web/ledger-writer.ts): over
 * HTTP it would be 1,000 requests.
 */
import { describe, expect, it } from 'vitest';
import { TOKENS } from '../http/support';
import { ledgerWriter } from './ledger-writer';
import { webSessionForTests } from './session';
import { HAVE_CHROMIUM, screenshot, serviceEnv } from './support';

const EVENTS = 1000;
const SUBJECT = 'web-thousand-events';
const day = (n: number) => new Date(Date.UTC(2020, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
const measuresOf = (i: number) => (i % 2 === 0 ? ['asset-freeze'] : ['asset-freeze', 'travel-ban']);

describe.skipIf(!HAVE_CHROMIUM)('a subject page with 1,000 events in Chromium', { timeout: 180_000 }, () => {
  const session = webSessionForTests(async () => {
    // Given a designation and 999 amendments of it, one a day, written into the ledger before the service starts
    const env = serviceEnv(TOKENS.writer, TOKENS.reader);
    const writer = ledgerWriter(env.LEDGER_DB_PATH!);
    await writer.record('DesignateSubject', {
      subjectId: SUBJECT, kind: 'person', identity: { names: [{ name: 'THOUSAND Events Person', quality: 'primary', script: 'Latn' }] },
      authority: 'EU', regime: 'EU:RUS', measures: measuresOf(0), legalBasis: ['EU-RUS-PACKAGE-15'], effectiveFrom: day(0),
    });
    for (let i = 1; i < EVENTS; i++) {
      await writer.record('AmendDesignation', { subjectId: SUBJECT, regime: 'EU:RUS', effectiveFrom: day(i), changes: { measures: measuresOf(i) } });
    }
    await writer.close();
    return env;
  });

  it('draws the picture on a canvas, lists the first 100 events, and tells all 1,000 in the hidden table', async () => {
    // When the subject page opens at the last amendment's date
    const page = await session.open();
    await session.subjectPage(page, SUBJECT, day(EVENTS - 1));
    // Then its designation is in force with the last amendment's measures (the projector has them all)
    await expect.poll(() => page.getByTestId('designations').textContent(), { timeout: 60_000 }).toContain(`1 designation(s) in force on ${day(EVENTS - 1)}`);
    expect(await page.getByTestId('designations').textContent()).toContain(`${measuresOf(EVENTS - 1).join(', ')}; from ${day(0)}`);
    // and the picture is a canvas, with no SVG marks (too many for the DOM)
    const chart = page.locator(`.chart[aria-label="bitemporal history of ${SUBJECT}: ${EVENTS} events"]`);
    await chart.locator('canvas').first().waitFor();
    expect(await chart.locator('svg path').count()).toBe(0);
    // and the list shows the first 100, with the rest on request
    await expect.poll(() => page.locator('ol.events li').count()).toBe(100);
    expect(await page.getByRole('button', { name: `Show 100 more events (100 of ${EVENTS} listed)` }).count()).toBe(1);
    // and the hidden table has every event, in order, each at its own effective date
    const rows = page.getByTestId('picture-marks').locator('tbody tr');
    expect(await rows.count()).toBe(EVENTS);
    expect(await page.getByTestId('picture-marks').locator('tr[data-type=SubjectDesignated]').count()).toBe(1);
    expect(await page.getByTestId('picture-marks').locator('tr[data-type=DesignationAmended]').count()).toBe(EVENTS - 1);
    for (const i of [0, 1, 499, EVENTS - 1]) {
      const cells = await rows.nth(i).locator('td').allTextContents();
      expect(cells[0]).toBe(`${i + 1}. ${i === 0 ? 'SubjectDesignated' : 'DesignationAmended'}`);
      expect(cells[3]).toBe(day(i));
    }
    await screenshot(page, 'subject-1000-events-desktop');
  });

  it('opens the provenance of the mark clicked on the canvas (its marks are drawn as one path per series)', async () => {
    // Given the page with its 1,000 marks drawn
    const page = await session.open();
    await session.subjectPage(page, SUBJECT, day(EVENTS - 1));
    const chart = page.locator(`.chart[aria-label="bitemporal history of ${SUBJECT}: ${EVENTS} events"]`);
    await chart.locator('canvas').first().waitFor();
    // When the middle of the plot is clicked: the events were recorded within seconds of each other, an hour
    // above the recorded axis's start and an hour below its end, so every mark sits half way up the plot area
    // (grid: 90 px left, 20 right, 40 top, 50 bottom), and the middle of the effective axis is the 500th day
    await chart.scrollIntoViewIfNeeded();
    const box = (await chart.boundingBox())!;
    await page.mouse.click(box.x + 90 + (box.width - 110) / 2, box.y + 40 + (box.height - 90) / 2);
    // Then the provenance of an amendment there opens
    await expect.poll(() => page.getByTestId('provenance').locator('h2').textContent()).toBe('Provenance: DesignationAmended');
  });
});
