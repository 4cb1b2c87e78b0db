/**
 * Keyboard-only use of a page: Tab until a control has focus (as a keyboard user would, never a click), and
 * whether the focused control shows it (an outline someone can see, read from its computed style).
 */
import type { Page } from 'playwright-core';

export interface FocusLook { matches: boolean; tag: string; id: string; text: string; outlineStyle: string; outlineWidth: number }

/** Which control: a CSS selector, and its exact text where the selector alone cannot tell buttons apart. */
export interface Target { selector: string; text?: string }

/** Reads the focused element, and whether it is `target`; a string, run in the page (its DOM types are not this project's). */
function focused(page: Page, target: Target): Promise<FocusLook> {
  return page.evaluate<FocusLook>(`(() => {
    const el = document.activeElement;
    if (el === null || el === document.body) return { matches: false, tag: 'body', id: '', text: '', outlineStyle: 'none', outlineWidth: 0 };
    const style = getComputedStyle(el);
    return { matches: el.matches(${JSON.stringify(target.selector)}) && (${JSON.stringify(target.text ?? null)} === null || (el.textContent ?? '').trim() === ${JSON.stringify(target.text ?? null)}), tag: el.tagName.toLowerCase(), id: el.id, text: (el.textContent ?? '').trim().slice(0, 60), outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth) || 0 };
  })()`);
}

/**
 * Presses Tab (Shift+Tab when `back`) until the focused element is `target`, at most `limit` times.
 * Throws, naming where focus went, if it never gets there: the control cannot be reached by keyboard.
 */
export async function tabTo(page: Page, target: string | Target, { limit = 40, back = false } = {}): Promise<FocusLook> {
  const want = typeof target === 'string' ? { selector: target } : target;
  const seen: string[] = [];
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const look = await focused(page, want);
    if (look.matches) return look;
    seen.push(`${look.tag}${look.id ? `#${look.id}` : ''}${look.text ? `(${look.text.slice(0, 20)})` : ''}`);
  }
  throw new Error(`Tab never reached ${want.selector}${want.text ? ` "${want.text}"` : ''} in ${limit} presses; focus went: ${seen.join(' → ')}`);
}

/** The focused element as `focused` reads it, matched against `selector`. */
export const focusNow = (page: Page, selector = '*') => focused(page, { selector });

/** A focus indicator someone can see: a drawn outline at least 2 px wide. */
export const visiblyFocused = (look: FocusLook) => look.outlineStyle !== 'none' && look.outlineWidth >= 2;
