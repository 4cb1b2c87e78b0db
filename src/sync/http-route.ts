/** `GET /sources` (reader): each source's status, as `sanctions-ledger sources --json` prints it. */
import type { FastifyInstance } from 'fastify';
import { checkKnownParameters, type RawQuery } from '../http/query-params';
import type { SourceStatus } from './status';

export interface SourcesRouteOptions {
  readonly statuses: () => SourceStatus[];
}

const nullableString = { type: ['string', 'null'] };
const statusSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    format: { type: 'string' },
    list: { type: 'string' },
    urls: { type: 'array', items: { type: 'string' } },
    interval: { type: 'string' },
    staleAfter: { type: 'string' },
    lastCheckAt: nullableString,
    lastSuccessAt: nullableString,
    lastChangeAt: nullableString,
    lastOutcome: nullableString,
    lastError: nullableString,
    sha256: nullableString,
    publishedOn: nullableString,
    eventsAppended: { type: 'integer' },
    nextRunAt: nullableString,
  },
};

export async function sourcesRoute(app: FastifyInstance, options: SourcesRouteOptions): Promise<void> {
  app.get(
    '/sources',
    {
      config: { access: 'read' as const },
      schema: {
        tags: ['sync'],
        summary: 'each source: last check, last change, last error, current sha256 and publication date, events appended, next run',
        response: { 200: { type: 'object', properties: { sources: { type: 'array', items: statusSchema } } } },
      },
    },
    async (request) => {
      // No parameters: a filter that is not one (`?name=un`) must not answer with every source, silently.
      checkKnownParameters(request.query as RawQuery, []);
      return { sources: options.statuses() };
    },
  );
}
