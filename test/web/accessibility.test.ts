/**
 * Accessibility and contrast of every page (issue 15: "keyboard accessible, readable contrast, usable at
 * 1280x800 and on a phone-sized screen"), checked by axe-core in Chromium against the real service: no
 * violation of impact serious or critical (color-contrast among them) on any page in its working state, at
 * either size.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { describe, expect, it } from 'vitest';
import { PAGE_STATES } from './page-states';
import { webSessionForTests } from './session';
import { HAVE_CHROMIUM, openPage, SIZES } from './support';

/** What a reader of the failure needs: the rule, how bad, and which elements (not axe's whole report). */
const summary = (violations: Awaited<ReturnType<AxeBuilder['analyze']>>['violations']) =>
  violations.map((v) => ({ rule: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`) }));

describe.skipIf(!HAVE_CHROMIUM)('accessibility of the web pages (axe-core in Chromium)', { timeout: 120_000 }, () => {
  const session = webSessionForTests();

  for (const size of Object.keys(SIZES) as Array<keyof typeof SIZES>) {
    for (const state of PAGE_STATES) {
      it(`${state.name} at ${SIZES[size].width}x${SIZES[size].height} has no serious or critical violation`, async () => {
        // Given the page in its working state at this size
        const page = state.signedIn ? await session.open(size) : await openPage(session.browser, size);
        await state.reach(page, session.service.url);
        // When axe checks the whole page (WCAG 2.x A and AA rules, contrast included)
        const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
        // Then nothing serious or critical is found, and axe did look (it passed some rules on this page)
        const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        expect(summary(bad)).toEqual([]);
        expect(result.passes.map((p) => p.id)).toContain('color-contrast');
        await page.context().close();
      });
    }
  }
});
