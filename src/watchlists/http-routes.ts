/**
 * The watchlist routes (DESIGN.md section 13): writer role to change, reader role to read. Bodies are decoded by
 * the entry codec (400 naming each field); an unknown watchlist is 404; a JSON body over the server's limit is
 * 413. Bulk loads stream NDJSON or CSV (`POST /watchlists/{id}/bulk`) under their own byte limit; the SSE feed
 * is watchlist-feed.ts. Watchlist names are the caller's data: no route logs a body.
 */
import * as E from 'fp-ts/Either';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Transform, type Readable } from 'node:stream';
import type { FieldError } from '../../events';
import { encodedBodyRefusal } from '../http/content-encoding';
import { HttpError } from '../http/errors';
import { checkKnownParameters, single, type RawQuery } from '../http/query-params';
import { BulkLoadError } from './bulk-load';
import { WatchlistDeletedDuringLoadError } from './load-apply';
import { utf8Lines } from '../text/utf8';
import { decodeEntries, WatchlistId } from './entry-codec';
import type { WatchlistScreener } from './screener';
import { UnknownEntryError, UnknownWatchlistError, WatchlistExistsError, Watchlists } from './watchlists';
import { WatchlistFeed, type WatchlistFeedOptions } from './watchlist-feed';
import type { WatchlistStore } from './watchlist-store';

export const DEFAULT_BULK_LIMIT = 256 * 1024 * 1024;

export interface WatchlistRoutesOptions {
  readonly store: WatchlistStore;
  readonly screener?: WatchlistScreener;
  readonly bulkLimit?: number;
  /** The SSE feed's heartbeat and connection caps (watchlist-feed.ts). */
  readonly feed?: WatchlistFeedOptions;
}

const invalid = (errors: readonly FieldError[]) =>
  new HttpError(400, { error: 'invalid-watchlist', message: errors.map((e) => `${e.path}: expected ${e.expected}, got ${e.actual}`).join('; '), errors });

function idOf(params: unknown, name: 'id' | 'entryId'): string {
  const value = (params as Record<string, unknown>)[name];
  if (!WatchlistId.is(value) || E.isLeft(WatchlistId.decode(value))) throw invalid([{ path: name, expected: WatchlistId.name, actual: 'another value' }]);
  return value;
}

function entriesOf(body: unknown) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid([{ path: '(root)', expected: 'a JSON object with "entries"', actual: Array.isArray(body) ? 'an array' : typeof body }]);
  const extra = Object.keys(body).filter((k) => k !== 'entries' && k !== 'id');
  if (extra.length > 0) throw invalid(extra.map((k) => ({ path: k, expected: 'no such field (known: id, entries)', actual: 'a value' })));
  const decoded = decodeEntries((body as { entries?: unknown }).entries ?? []);
  if (E.isLeft(decoded)) throw invalid(decoded.left);
  return decoded.right;
}

/** Maps the domain errors to 404 and 409. */
function guarded<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof UnknownWatchlistError || error instanceof UnknownEntryError) throw new HttpError(404, { error: 'not-found', message: error.message });
    if (error instanceof WatchlistExistsError) throw new HttpError(409, { error: 'conflict', message: error.message });
    throw error;
  }
}

/** Counts the bytes of a stream and fails it past the limit (413), so a huge upload is refused while it arrives. */
function limited(source: Readable, limit: number): Readable {
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > limit) done(new HttpError(413, { error: 'payload-too-large', message: `the upload is larger than ${limit} bytes` }));
      else done(null, chunk);
    },
  });
  source.on('error', (e) => counter.destroy(e));
  return source.pipe(counter);
}

const security = [{ bearer: [] }];
/**
 * The OpenAPI entry of a route; `parameters` are the query parameters it takes (strings, parsed by the route),
 * and every other one is refused (see the hook below), as on every other route of the service.
 */
const doc = (summary: string, parameters: Record<string, string> = {}) => ({
  tags: ['watchlists'],
  summary,
  security,
  ...(Object.keys(parameters).length === 0
    ? {}
    : { querystring: { type: 'object', properties: Object.fromEntries(Object.entries(parameters).map(([name, description]) => [name, { type: 'string', description }])) } }),
});

/** A misspelt `?limt=5` or `?aftre=` would otherwise be ignored and answer something the caller did not ask for. */
function refuseUndeclaredParameters(request: FastifyRequest): void {
  const declared = (request.routeOptions.schema?.querystring as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
  const query = (request.query ?? {}) as RawQuery;
  checkKnownParameters(query, Object.keys(declared));
  for (const name of Object.keys(declared)) single(query, name);
}

export async function watchlistRoutes(app: FastifyInstance, options: WatchlistRoutesOptions): Promise<void> {
  const watchlists = new Watchlists(options.store, options.screener);
  const bulkLimit = options.bulkLimit ?? DEFAULT_BULK_LIMIT;
  const feed = new WatchlistFeed(options.store, options.feed);
  app.addHook('preValidation', async (request) => refuseUndeclaredParameters(request));
  // Bulk bodies are streamed to the loader, not buffered (the server's 1 MB JSON limit does not apply to them).
  for (const type of ['application/x-ndjson', 'text/csv']) {
    app.addContentTypeParser(type, { bodyLimit: bulkLimit }, (request, payload, done) => {
      const encoded = encodedBodyRefusal(request, 'the entries');
      return encoded === undefined ? done(null, payload) : done(encoded, undefined);
    });
  }

  app.get('/watchlists', { config: { access: 'read' as const }, schema: doc('list the watchlists with their entry and match counts') }, async () => ({ watchlists: watchlists.list() }));

  app.post('/watchlists', { config: { access: 'write' as const }, schema: doc('create a watchlist {id, entries}; every entry is screened at once') }, async (request, reply) => {
    const id = idOf(request.body ?? {}, 'id');
    const entries = entriesOf(request.body);
    return reply.code(201).send(guarded(() => watchlists.create(id, entries)));
  });

  app.get('/watchlists/:id', { config: { access: 'read' as const }, schema: doc('a watchlist and a page of its entries', { after: 'the entry id the page starts after', limit: 'entries in the page, 1 to 10000 (default 1000)' }) }, async (request) => {
    const query = request.query as { after?: string; limit?: string };
    // Digits only: Number() would also take "1e3", "0x10" and " 5 ".
    const limit = query.limit === undefined ? 1000 : /^\d{1,5}$/.test(query.limit) ? Number(query.limit) : Number.NaN;
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw invalid([{ path: 'limit', expected: 'an integer from 1 to 10000', actual: String(query.limit) }]);
    return guarded(() => watchlists.get(idOf(request.params, 'id'), query.after ?? '', limit));
  });

  app.put('/watchlists/:id', { config: { access: 'write' as const }, schema: doc('replace a watchlist\'s entries (creates it if missing: 201); entries left out are removed') }, async (request, reply) => {
    const id = idOf(request.params, 'id');
    const entries = entriesOf(request.body);
    // RFC 9110: a PUT that creates its target answers 201, so a mistyped id is not taken for a replace.
    const result = guarded(() => watchlists.replace(id, entries));
    return reply.code(result.created ? 201 : 200).send(result);
  });

  app.delete('/watchlists/:id', { config: { access: 'write' as const }, schema: doc('delete a watchlist, its entries, matches and notifications') }, async (request, reply) => {
    guarded(() => watchlists.delete(idOf(request.params, 'id')));
    return reply.code(204).send();
  });

  app.post('/watchlists/:id/entries', { config: { access: 'write' as const }, schema: doc('add entries (or overwrite those with the same id); each is screened at once') }, async (request) => {
    const id = idOf(request.params, 'id');
    const entries = entriesOf(request.body);
    return guarded(() => watchlists.add(id, entries));
  });

  app.delete('/watchlists/:id/entries/:entryId', { config: { access: 'write' as const }, schema: doc('remove one entry with its matches and history') }, async (request, reply) => {
    const id = idOf(request.params, 'id');
    const entryId = idOf(request.params, 'entryId');
    const outcome = guarded(() => watchlists.remove(id, [entryId]));
    if (outcome.removed === 0) throw new HttpError(404, { error: 'not-found', message: `no entry "${entryId}" in watchlist "${id}"` });
    return reply.code(204).send();
  });

  app.post('/watchlists/:id/bulk', { config: { access: 'write' as const }, schema: doc('bulk load (streamed) NDJSON (application/x-ndjson) or CSV (text/csv); all or nothing') }, async (request: FastifyRequest, reply) => {
    const id = idOf(request.params, 'id');
    const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim();
    if (type !== 'application/x-ndjson' && type !== 'text/csv') {
      throw new HttpError(415, { error: 'unsupported-media-type', message: 'send application/x-ndjson or text/csv' });
    }
    const lines = utf8Lines(limited(request.body as Readable, bulkLimit));
    try {
      const result = await watchlists.load(id, lines, { format: type === 'text/csv' ? 'csv' : 'ndjson' });
      // As for PUT: a load that creates its watchlist says so, so a mistyped id does not pass for a load.
      return reply.code(result.created ? 201 : 200).send(result);
    } catch (error) {
      if (error instanceof WatchlistDeletedDuringLoadError) throw new HttpError(409, { error: 'conflict', message: error.message });
      if (error instanceof BulkLoadError) throw new HttpError(400, { error: 'invalid-watchlist', message: error.message, lines: error.errors.map((e) => ({ line: e.line, message: e.message })) });
      throw error;
    }
  });

  app.get('/watchlists/:id/matches', { config: { access: 'read' as const }, schema: doc('the current matches of a watchlist') }, async (request) => {
    const id = idOf(request.params, 'id');
    return { watchlistId: id, matches: guarded(() => watchlists.matches(id)) };
  });

  app.get('/watchlists/:id/entries/:entryId/history', { config: { access: 'read' as const }, schema: doc("one entry's match notifications, oldest first, each with its receipt") }, async (request) => {
    const id = idOf(request.params, 'id');
    const entryId = idOf(request.params, 'entryId');
    return { watchlistId: id, entryId, notifications: guarded(() => watchlists.history(id, entryId)) };
  });

  app.get('/watchlists/:id/feed', { config: { access: 'read' as const }, schema: doc("Server-Sent Events: this watchlist's match notifications (CloudEvents JSON), resumable with Last-Event-ID or ?after", { after: 'the notification sequence to start after (or the Last-Event-ID header)' }) }, async (request, reply) => {
    const id = idOf(request.params, 'id');
    guarded(() => watchlists.known(id));
    return feed.serve(id, request, reply);
  });
}
