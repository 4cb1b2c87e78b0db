/**
 * Web pages (issue 15): JavaScript shipped (gzipped; goal < 300 KB), time to a rendered subject page with
 * 1,000 events (goal < 500 ms), and a regime page over 5,000 designations, in Debian's Chromium against the
 * real service process. Timings are from navigation start to the page's content being on screen, median of runs.
 *
 *   node bin/run-ts.mjs bench/web-pages.ts [--events 1000 --designations 5000 --runs 5]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ledgerWriter } from '../test/web/ledger-writer';
import { buildPages, HAVE_CHROMIUM, launch, openPage, serviceEnv, signIn } from '../test/web/support';
import { spawn } from 'node:child_process';
import { printTable } from './support';

const argValue = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const EVENTS = argValue('events', 1000);
const DESIGNATIONS = argValue('designations', 5000);
const RUNS = argValue('runs', 5);
const WRITER = 'bench-writer-token-0123456789abcdef';
const READER = 'bench-reader-token-0123456789abcdef';

buildPages();
const assets = resolve(import.meta.dirname, '../web/dist/assets');
const shipped = readdirSync(assets).filter((f) => f.endsWith('.js') || f.endsWith('.css'));
const sizes = shipped.map((f) => {
  const bytes = readFileSync(join(assets, f));
  return { file: f, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
});
const jsGzip = sizes.filter((s) => s.file.endsWith('.js')).reduce((sum, s) => sum + s.gzip, 0);
printTable('Shipped to the browser', [
  ...sizes.map((s) => ({ file: s.file, 'raw KB': (s.raw / 1024).toFixed(1), 'gzip KB': (s.gzip / 1024).toFixed(1) })),
  { file: 'JavaScript total (goal < 300 KB gzipped)', 'raw KB': '', 'gzip KB': (jsGzip / 1024).toFixed(1) },
]);

if (!HAVE_CHROMIUM) {
  console.log('\nrendering not measured: /usr/bin/chromium is absent');
  process.exit(0);
}

const day = (n: number) => new Date(Date.UTC(2020, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
const designation = (subjectId: string, effectiveFrom: string) => ({
  subjectId, kind: 'person', identity: { names: [{ name: `BENCH Person ${subjectId}`, quality: 'primary', script: 'Latn' }] },
  authority: 'EU', regime: 'EU:RUS', measures: ['asset-freeze'], legalBasis: ['EU-RUS-PACKAGE-15'], effectiveFrom,
});

// The history is written into the ledger file through the library before the service starts, not one HTTP
// request per event (the 1,000 amendments alone took 18 s that way); the service projects it as it starts,
// as after a restart, and the timings wait until it has.
const env = serviceEnv(WRITER, READER);
const seedStart = Date.now();
const writer = ledgerWriter(env.LEDGER_DB_PATH!, { id: 'bench', kind: 'service' });
await writer.record('DesignateSubject', designation('bench-history', day(0)));
for (let i = 1; i < EVENTS; i++) {
  await writer.record('AmendDesignation', { subjectId: 'bench-history', regime: 'EU:RUS', effectiveFrom: day(i), changes: { measures: i % 2 === 0 ? ['asset-freeze'] : ['asset-freeze', 'travel-ban'] } });
}
for (let i = 0; i < DESIGNATIONS; i++) await writer.record('DesignateSubject', designation(`bench-regime-${i}`, day(i % 1500)));
await writer.close();
console.log(`\nwrote ${EVENTS} events of one subject and ${DESIGNATIONS} designations into the ledger in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);

// The real service process (test/support/service-process.ts needs vitest's __dirname, so started here).
const child = spawn(process.execPath, [resolve(import.meta.dirname, '../bin/sanctions-ledger.mjs'), 'start'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
const exited = new Promise((done) => child.on('exit', done));
const service = {
  url: await new Promise<string>((done, fail) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*docs: /.exec(out);
      if (match) done(match[1]!);
    });
    child.on('exit', () => fail(new Error(`service exited before listening:\n${out}`)));
  }),
};
const read = async <T>(path: string): Promise<T> => (await (await fetch(`${service.url}${path}`, { headers: { authorization: `Bearer ${READER}` } })).json()) as T;

try {
  // Timings start once the service has projected all of it (every designation in force today).
  const projectStart = Date.now();
  for (;;) {
    const { total } = await read<{ total: number }>('/state?limit=1');
    if (total === DESIGNATIONS + 1) break;
    if (Date.now() - projectStart > 300_000) throw new Error(`projection stuck at ${total} of ${DESIGNATIONS + 1} designations`);
    await new Promise((done) => setTimeout(done, 200));
  }
  console.log(`service up and caught up ${((Date.now() - projectStart) / 1000).toFixed(1)} s after listening`);

  const browser = await launch();
  const page = await openPage(browser);
  await signIn(page, service.url, READER);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const time = async (hash: string, ready: () => Promise<unknown>) => {
    const runs: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      await page.goto('about:blank');
      const started = Date.now();
      await page.goto(`${service.url}/ui/${hash}`);
      await ready();
      runs.push(Date.now() - started);
    }
    return runs;
  };
  // Where the subject page's time goes, per run: read from the page's own resource timings (ms after navigation).
  const phases: Array<Record<string, number>> = [];
  const subjectRuns = await time('#/subject/bench-history', async () => {
    await page.waitForSelector('[data-testid=designations]');
    await page.waitForFunction(`document.querySelectorAll('ol.events li').length === ${Math.min(EVENTS, 100)}`);
    await page.waitForSelector(`.chart[aria-label="bitemporal history of bench-history: ${EVENTS} events"] ${EVENTS > 300 ? 'canvas' : 'svg path'}`);
    phases.push(await page.evaluate<Record<string, number>>(`(() => {
      const entries = performance.getEntriesByType('resource');
      const end = (test) => Math.round(entries.find((e) => test(e.name))?.responseEnd ?? NaN);
      const history = entries.find((e) => e.name.endsWith('/history'));
      return {
        'script loaded': end((n) => n.endsWith('.js')),
        'subject answered': end((n) => /\\/subjects\\/[^/]+(\\?|$)/.test(n)),
        'history answered': end((n) => n.endsWith('/history')),
        'history KB': Math.round((history?.decodedBodySize ?? NaN) / 1024),
        'rendered': Math.round(performance.now()),
      };
    })()`));
  });
  const historyServer: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const started = performance.now();
    await (await fetch(`${service.url}/subjects/bench-history/history`, { headers: { authorization: `Bearer ${READER}` } })).text();
    historyServer.push(Math.round(performance.now() - started));
  }
  const regimeRuns = await time('#/regime?regime=EU:RUS', async () => {
    await page.click('#regime-submit');
    await page.waitForFunction("document.querySelectorAll('table tbody tr').length > 0 && document.querySelector('canvas') !== null");
    await page.waitForFunction("/designation\\(s\\) in force/.test(document.querySelector('[data-testid=regime-total]')?.textContent ?? '')");
  });
  const regimeTotal = await page.getByTestId('regime-total').textContent();
  await browser.close();
  printTable('Time to a rendered page (Chromium headless, same machine as the service)', [
    { page: `subject, ${EVENTS} events (goal < 500 ms)`, 'median ms': median(subjectRuns), 'all runs ms': subjectRuns.join(' ') },
    { page: `regime EU:RUS, ${regimeTotal?.split(' ')[0]} in force (table of 1,000 + 24-point chart)`, 'median ms': median(regimeRuns), 'all runs ms': regimeRuns.join(' ') },
  ]);
  printTable(`Subject page phases, ms after navigation (median of ${RUNS}); GET history alone from Node: ${median(historyServer)} ms`,
    Object.keys(phases[0] ?? {}).map((phase) => ({ phase, median: median(phases.map((p) => p[phase]!)), 'all runs': phases.map((p) => p[phase]).join(' ') })));
} finally {
  child.kill('SIGTERM');
  await exited;
}
