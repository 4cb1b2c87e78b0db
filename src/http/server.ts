/**
 * The HTTP API (DESIGN.md section 10): JSON commands and queries, bearer tokens with reader and writer roles,
 * an OpenAPI document. Returns the Fastify instance unstarted, so tests can `inject` or `listen` as they need.
 *
 *   const app = await buildServer({ ledger, projector, auth, logger: { level: 'info' } });
 *   await app.listen({ host: '127.0.0.1', port: 8080 });
 */
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Ledger } from '../ledger';
import { sseFeedRoute } from '../notifications/sse-route';
import { importRoute } from '../importers/http-route';
import { documentRoutes, type DocumentArchive } from '../documents';
import type { ImportContext } from '../importers/import/run-import';
import type { AuthConfig } from './auth-config';
import { registerAuth } from './auth';
import { HttpError, registerErrorHandlers } from './errors';
import { registerJsonParser } from './json-body';
import { loggerOptions, type LogOptions } from './logger';
import { registerOpenApi } from './openapi';
import type { ReadSide } from './read-side';
import { commandRoutes } from './routes/commands';
import { healthRoutes } from './routes/health';
import { queryRoutes } from './routes/queries';
import { screeningRoutes } from './routes/screenings';
import type { ScreeningService } from '../screening';
import { verifyRoutes } from './routes/verify';
import { watchlistRoutes, type WatchlistRoutesOptions } from '../watchlists';
import { webPages } from '../web';
import { sourcesRoute, type SourcesRouteOptions, type StaleSource } from '../sync';
import { prepareForClose } from './shutdown';

export interface ServerOptions {
  readonly ledger: Ledger;
  /** The projector (or anything with its queries, waitFor and position). */
  readonly projector: ReadSide;
  /**
   * What `POST /screenings` answers with; default one of its own over the projector. The service passes the one
   * its watchlist follower screens with, so the process holds one screening index (src/service/main.ts).
   */
  readonly screening?: ScreeningService;
  readonly auth: AuthConfig;
  /** pino settings; false (the default) logs nothing. */
  readonly logger?: LogOptions | false;
  /** Upper bound a write waits for the read models to include it; default 5 s. */
  readonly readYourWritesMs?: number;
  /** /ready fails while the read models are more than this many events behind the log; default 1000. */
  readonly readyMaxLag?: number;
  /** Enables `POST /imports/{format}` (official list uploads): the projector the importer diffs against. */
  readonly imports?: { readonly projector: ImportContext['projector']; readonly bodyLimit?: number };
  /** CloudEvents `source` of the change feed. */
  readonly feedSource?: string;
  /** Enables `GET /documents/{sha256}`; imports archive their files there before appending (src/documents). */
  readonly documents?: DocumentArchive;
  /** Enables the /watchlists routes (src/watchlists): the watchlist database and the screener of registrations. */
  readonly watchlists?: WatchlistRoutesOptions;
  /** Enables `GET /sources` and the sources' staleness in /ready (src/sync), when sync runs in the service. */
  readonly sync?: SourcesRouteOptions & { readonly staleSources: () => readonly StaleSource[] };
}

export const BODY_LIMIT = 1024 * 1024;
/** Longer URLs are refused with 414 before any work; real queries are a few hundred bytes. */
export const MAX_URL_LENGTH = 4096;

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(options.logger),
    bodyLimit: BODY_LIMIT,
    // Identifiers may be 200 characters, more once percent-encoded.
    routerOptions: { maxParamLength: 1000 },
    genReqId: () => randomUUID(),
    // Errors raised before routing (a path with a broken percent-encoding) bypass the error handler.
    // The onRequest length check comes after routing, so a path segment past maxParamLength lands here first:
    // an over-long URL is still 414, and the message never echoes more than the start of the URL.
    frameworkErrors: (error, request, reply) => {
      if (request.url.length > MAX_URL_LENGTH) {
        return (reply as FastifyReply).code(414).send({ error: 'uri-too-long', message: `the URL is longer than ${MAX_URL_LENGTH} bytes` });
      }
      const message = error.message.length > 300 ? `${error.message.slice(0, 297)}...` : error.message;
      (reply as FastifyReply).code(400).send({ error: 'bad-url', message: `the URL is not valid: ${message}` });
    },
    return503OnClosing: true,
  });

  // The io-ts codecs validate and JSON.stringify serialises: the route schemas exist for the OpenAPI document
  // only, so they must neither reject nor coerce input nor strip fields from answers.
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  // Only JSON bodies: text/plain would otherwise arrive as a string and fail later with a vaguer message.
  app.removeContentTypeParser('text/plain');
  registerJsonParser(app, BODY_LIMIT);

  registerErrorHandlers(app);
  app.addHook('onRequest', async (request) => {
    if (request.url.length > MAX_URL_LENGTH) {
      throw new HttpError(414, { error: 'uri-too-long', message: `the URL is longer than ${MAX_URL_LENGTH} bytes` });
    }
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  registerAuth(app, options.auth);
  prepareForClose(app);

  await registerOpenApi(app, version);
  await app.register(healthRoutes, {
    store: options.ledger.store,
    readSide: options.projector,
    maxLag: options.readyMaxLag ?? 1000,
    ...(options.sync === undefined ? {} : { staleSources: options.sync.staleSources }),
  });
  await app.register(commandRoutes, {
    ledger: options.ledger,
    readSide: options.projector,
    readYourWritesMs: options.readYourWritesMs ?? 5000,
  });
  await app.register(queryRoutes, { readSide: options.projector });
  await app.register(screeningRoutes, { readSide: options.projector, ...(options.screening === undefined ? {} : { service: options.screening }) });
  await app.register(verifyRoutes, { ledger: options.ledger });
  await app.register(sseFeedRoute, { store: options.ledger.store, ...(options.feedSource === undefined ? {} : { source: options.feedSource }) });
  await app.register(webPages);
  if (options.watchlists !== undefined) await app.register(watchlistRoutes, options.watchlists);
  if (options.sync !== undefined) await app.register(sourcesRoute, { statuses: options.sync.statuses });
  if (options.documents !== undefined) await app.register(documentRoutes, { archive: options.documents });
  if (options.imports !== undefined) {
    await app.register(importRoute, {
      ledger: options.ledger,
      projector: options.imports.projector,
      // The server's own onRequest hook has already required a writer token (the route declares access 'write').
      requireWriter: async () => undefined,
      ...(options.imports.bodyLimit === undefined ? {} : { bodyLimit: options.imports.bodyLimit }),
      ...(options.documents === undefined ? {} : { documents: options.documents }),
    });
  }
  return app;
}
