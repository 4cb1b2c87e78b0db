/**
 * Query parameters misspelt, unknown or repeated, on every route of the OpenAPI document (issue 10 item 4, and
 * the fuzz shapes of its "Done means"). `POST /imports/uk-xml?dryrun=true` once turned a dry run into an import;
 * the hostile pass then found `POST /screenings?threshold=0.1` answering with the default threshold, silently.
 *
 * The route list is the served OpenAPI document's, not a hand list, so a new route is covered the day it is
 * documented. Generated: a route, a parameter name it does not declare (a misspelling of one it or another route
 * declares, or any identifier), a value; or one of its declared parameters given twice.
 * Invariant: 400 `invalid-parameter` naming that parameter, and nothing appended (counted in the store).
 * Not covered: /health, /ready, /openapi.json, /docs and the web pages under /ui: probes, documentation and
 * static files whose answer depends on no parameter (a load balancer's cache-busting `?_=...` must not fail a probe).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asWriter, testService, type TestService } from '../http/support';
import { FUZZ_TIMEOUT_MS, scaled, SEEDS } from './support/hostile';

const SEED = SEEDS.http + 10;
const RUNS = scaled(400);
const NOT_COVERED = ['/health', '/ready', '/openapi.json', '/docs'];
/** The web pages (static files for a browser, which asks the API routes above for data). */
const isPage = (path: string) => path === '/ui' || path.startsWith('/ui/');
/** Values for the path templates: ids of the worked example, a real format. */
const PATH_VALUES: Record<string, string> = { id: 'ro-kwang-chol', designationId: 'EU:RUS@2024-12-16', format: 'un-xml' };

interface Route {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly query: readonly string[];
}

let service: TestService;
let routes: Route[] = [];
let baseUrl = '';
const eventCount = async () => (await service.store.readAll({})).length;

beforeAll(async () => {
  service = await testService({ seed: true, withImports: true });
  baseUrl = await service.app.listen({ host: '127.0.0.1', port: 0 });
  const doc = (await service.app.inject({ url: '/openapi.json' })).json() as {
    paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string }> }>>;
  };
  routes = Object.entries(doc.paths)
    .filter(([path]) => !NOT_COVERED.includes(path) && !isPage(path))
    .flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({
        method: method.toUpperCase() as Route['method'],
        path: path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(PATH_VALUES[name] ?? 'x')),
        query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      })),
    );
  expect(routes.length).toBeGreaterThan(20);
  expect(routes.some((r) => r.path === '/screenings')).toBe(true);
}, 60_000);
afterAll(() => service.close());

const ALL_DECLARED = () => [...new Set(routes.flatMap((r) => r.query)), 'dryRun', 'asOf', 'threshold', 'limit'];

/** Misspellings as a careless user makes them: case, a dropped or doubled letter, a plural. */
const misspelt = (name: string): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constant(name.toLowerCase()),
    fc.constant(name.toUpperCase()),
    fc.constant(`${name}s`),
    fc.nat({ max: Math.max(0, name.length - 1) }).map((i) => name.slice(0, i) + name.slice(i + 1)),
    fc.nat({ max: Math.max(0, name.length - 1) }).map((i) => name.slice(0, i) + name[i] + name.slice(i)),
  );

const valueArb = fc.oneof(fc.constantFrom('', 'true', '1', '2024-12-16', '0.1'), fc.string({ maxLength: 12 }));

/** Valid values of the parameters a route requires, so that the generated one is the request's only fault. */
const REQUIRED: Record<string, string> = { q: 'RO', from: '2024-01-01', to: '2024-12-31' };

/** The request for a route, with the query string given; a body each route would otherwise take or refuse. */
function send(route: Route, query: string, generated: string) {
  const base = route.query.filter((name) => name !== generated && REQUIRED[name] !== undefined).map((name) => `${name}=${REQUIRED[name]}`);
  const url = `${route.path}?${[...base, query].join('&')}`;
  if (route.path === '/feed') return overSocket(url);
  if (route.method === 'GET') return service.app.inject({ method: 'GET', url, headers: asWriter });
  if (route.path.startsWith('/imports/')) return service.app.inject({ method: 'POST', url, headers: { ...asWriter, 'content-type': 'application/xml' }, payload: '<x/>' });
  return service.app.inject({ method: 'POST', url, headers: asWriter, payload: { name: 'RO Kwang Chol' } });
}

/**
 * The change feed over a real socket: its graceful close cuts stream sockets, which an injected request lacks.
 * The body is read only when the answer is not a stream (a stream that wrongly started is cut by the timeout).
 */
async function overSocket(url: string) {
  const response = await fetch(`${baseUrl}${url}`, { headers: asWriter, signal: AbortSignal.timeout(10_000) });
  const body = response.headers.get('content-type')?.startsWith('text/event-stream') ? '' : await response.text();
  if (body === '') await response.body?.cancel();
  return { statusCode: response.status, body, json: () => JSON.parse(body) as unknown };
}

/** A stream route that wrongly took the parameters would never end: fail instead of hanging. */
async function answered(route: Route, query: string, generated: string) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${route.method} ${route.path}?${query} did not answer: the parameter was taken`)), 10_000);
  });
  try {
    return await Promise.race([send(route, query, generated), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function expectRefusedNaming(route: Route, query: string, parameter: string) {
  const before = await eventCount();
  const response = await answered(route, query, parameter);
  expect(response.statusCode, `${route.method} ${route.path}?${query}: ${response.body.slice(0, 200)}`).toBe(400);
  expect(response.json(), `${route.method} ${route.path}?${query}`).toMatchObject({ error: 'invalid-parameter', parameter });
  expect(await eventCount()).toBe(before);
}

describe('query parameters on every route of the OpenAPI document', () => {
  it('an unknown or misspelt parameter is a 400 naming it, and nothing is appended', async () => {
    const routeArb = fc.constantFrom(...routes);
    const caseArb = routeArb.chain((route) =>
      fc.record({
        route: fc.constant(route),
        name: fc
          .oneof(fc.constantFrom(...ALL_DECLARED()).chain(misspelt), fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,12}$/))
          .filter((name) => name !== '' && !route.query.includes(name) && !['__proto__', 'constructor', 'prototype'].includes(name)),
        value: valueArb,
      }),
    );
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ route, name, value }) => {
        await expectRefusedNaming(route, `${encodeURIComponent(name)}=${encodeURIComponent(value)}`, name);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, FUZZ_TIMEOUT_MS);

  it('a declared parameter given twice is a 400 naming it, and nothing is appended', async () => {
    const withQuery = routes.filter((r) => r.query.length > 0);
    expect(withQuery.length).toBeGreaterThan(5);
    const caseArb = fc.constantFrom(...withQuery).chain((route) => fc.record({ route: fc.constant(route), name: fc.constantFrom(...route.query), values: fc.tuple(valueArb, valueArb) }));
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ route, name, values }) => {
        await expectRefusedNaming(route, values.map((v) => `${encodeURIComponent(name)}=${encodeURIComponent(v)}`).join('&'), name);
      }),
      { seed: SEED + 1, numRuns: RUNS },
    );
  }, FUZZ_TIMEOUT_MS);
});
