/**
 * The pages the browser tests serve are the production build `npm start` serves, even though vitest runs
 * with NODE_ENV=test (under which Vite would build a development bundle with preact/debug in it).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildPages } from './support';

const ASSETS = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'web', 'dist', 'assets');

describe('the web pages the tests build', () => {
  it('are a production bundle: no preact/debug checks, no devtools hook', () => {
    // Given the tests' own environment
    expect(process.env.NODE_ENV).toBe('test');
    // When the pages are built as the browser tests build them
    buildPages();
    // Then the shipped JavaScript holds none of the development-only code
    const js = readdirSync(ASSETS).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(ASSETS, f), 'utf8')).join('\n');
    expect(js.length).toBeGreaterThan(0);
    expect(js).not.toContain('Invalid type passed to createElement');
    expect(js).not.toContain('__PREACT_DEVTOOLS__');
  });
});
