/**
 * Reads, answered from the read models (DESIGN.md sections 4 and 8). Every state query takes `asOf` (a
 * calendar date: what was in force then) and `knownAt` (a UTC instant: only events recorded by then).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badParameter, notFound } from '../errors';
import {
  asOfParam,
  authorityParam,
  checkKnownParameters,
  FILTER_PARAMETERS,
  integerParam,
  knownAtParam,
  regimeParam,
  requiredDate,
  textParam,
  TIME_PARAMETERS,
  type RawQuery,
} from '../query-params';
import type { ReadSide } from '../read-side';
import {
  DIFF_RESULT,
  errorResponses,
  HISTORY,
  NAME_MATCHES,
  RESOLUTION_VIEW,
  STATE_RESULT,
  SUBJECT_RESULT,
} from '../schemas';

export const MAX_PAGE = 1000;

type Req<P = Record<string, string>> = FastifyRequest<{ Params: P; Querystring: RawQuery }>;

const idParam = (...names: string[]) => ({
  type: 'object',
  required: names,
  properties: Object.fromEntries(names.map((n) => [n, { type: 'string' }])),
});

const query = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  properties,
  ...(required.length > 0 ? { required } : {}),
});

function schema(summary: string, ok: Record<string, unknown>, extra: Record<string, unknown> = {}, notFoundToo = false) {
  return {
    tags: ['queries'],
    summary,
    security: [{ bearer: [] }],
    ...extra,
    response: { 200: ok, ...errorResponses(400, 401, 414, ...(notFoundToo ? ([404] as const) : [])) },
  };
}

function nonEmpty<T>(entries: T[], what: string): T[] {
  if (entries.length === 0) throw notFound(`no ${what} in the ledger`);
  return entries;
}

export async function queryRoutes(app: FastifyInstance, options: { readSide: ReadSide }): Promise<void> {
  const { queries } = options.readSide;
  const read = { config: { access: 'read' as const } };

  app.get(
    '/state',
    {
      ...read,
      schema: schema('designations in force on asOf, as known at knownAt', STATE_RESULT, {
        querystring: query({
          ...TIME_PARAMETERS,
          ...FILTER_PARAMETERS,
          limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 100 },
          offset: { type: 'integer', minimum: 0, default: 0 },
        }),
      }),
    },
    async (request: Req) => {
      const q = request.query;
      checkKnownParameters(q, ['asOf', 'knownAt', 'authority', 'regime', 'limit', 'offset']);
      return queries.state({
        ...optional('asOf', asOfParam(q)),
        ...optional('knownAt', knownAtParam(q)),
        ...optional('authority', authorityParam(q)),
        ...optional('regime', regimeParam(q)),
        limit: integerParam(q, 'limit', 1, MAX_PAGE) ?? 100,
        offset: integerParam(q, 'offset', 0, 1_000_000_000) ?? 0,
      });
    },
  );

  app.get(
    '/subjects/:id',
    {
      ...read,
      schema: schema('one subject: its designations in force on asOf as known at knownAt', SUBJECT_RESULT, {
        params: idParam('id'),
        querystring: query(TIME_PARAMETERS),
      }, true),
    },
    async (request: Req<{ id: string }>) => {
      const q = request.query;
      checkKnownParameters(q, ['asOf', 'knownAt']);
      const time = { ...optional('asOf', asOfParam(q)), ...optional('knownAt', knownAtParam(q)) };
      const subject = await queries.subject(request.params.id, time);
      if (subject === undefined) {
        throw notFound(`no subject "${request.params.id}" in the ledger${time.knownAt === undefined ? '' : ` as known at ${time.knownAt}`}`);
      }
      return subject;
    },
  );

  app.get(
    '/subjects/:id/history',
    { ...read, schema: schema('every event of the subject: both times, actor, source, hash', HISTORY, { params: idParam('id') }, true) },
    async (request: Req<{ id: string }>) => {
      checkKnownParameters(request.query, []);
      return nonEmpty(await queries.subjectHistory(request.params.id), `subject "${request.params.id}"`);
    },
  );

  app.get(
    '/subjects/:id/designations/:designationId/history',
    {
      ...read,
      schema: schema('every event of one designation', HISTORY, { params: idParam('id', 'designationId') }, true),
    },
    async (request: Req<{ id: string; designationId: string }>) => {
      checkKnownParameters(request.query, []);
      const { id, designationId } = request.params;
      return nonEmpty(await queries.designationHistory(id, designationId), `designation "${designationId}" of subject "${id}"`);
    },
  );

  app.get(
    '/resolutions',
    {
      ...read,
      schema: schema('legal acts, optionally of one authority or regime', { type: 'array', items: RESOLUTION_VIEW }, {
        querystring: query(FILTER_PARAMETERS),
      }),
    },
    async (request: Req) => {
      const q = request.query;
      checkKnownParameters(q, ['authority', 'regime']);
      return queries.resolutions({ ...optional('authority', authorityParam(q)), ...optional('regime', regimeParam(q)) });
    },
  );

  app.get(
    '/resolutions/:id',
    { ...read, schema: schema('one legal act', RESOLUTION_VIEW, { params: idParam('id') }, true) },
    async (request: Req<{ id: string }>) => {
      checkKnownParameters(request.query, []);
      const resolution = await queries.resolution(request.params.id);
      if (resolution === undefined) throw notFound(`no resolution "${request.params.id}" in the ledger`);
      return resolution;
    },
  );

  app.get(
    '/resolutions/:id/history',
    { ...read, schema: schema('every event of the legal act', HISTORY, { params: idParam('id') }, true) },
    async (request: Req<{ id: string }>) => {
      checkKnownParameters(request.query, []);
      return nonEmpty(await queries.resolutionHistory(request.params.id), `resolution "${request.params.id}"`);
    },
  );

  app.get(
    '/diff',
    {
      ...read,
      schema: schema('what started, ended or changed between two dates, as known at knownAt', DIFF_RESULT, {
        querystring: query(
          {
            from: { type: 'string', format: 'date', example: '2024-12-15' },
            to: { type: 'string', format: 'date', example: '2024-12-16' },
            knownAt: TIME_PARAMETERS.knownAt,
            ...FILTER_PARAMETERS,
          },
          ['from', 'to'],
        ),
      }),
    },
    async (request: Req) => {
      const q = request.query;
      checkKnownParameters(q, ['from', 'to', 'knownAt', 'authority', 'regime']);
      return queries.diff({
        from: requiredDate(q, 'from'),
        to: requiredDate(q, 'to'),
        ...optional('knownAt', knownAtParam(q)),
        ...optional('authority', authorityParam(q)),
        ...optional('regime', regimeParam(q)),
      });
    },
  );

  app.get(
    '/names',
    {
      ...read,
      schema: schema('subjects whose names match (case, accents and punctuation ignored)', NAME_MATCHES, {
        querystring: query({ q: { type: 'string', minLength: 1, maxLength: 200, example: 'no kwang chol' }, limit: { type: 'integer', minimum: 1, maximum: 100 } }, ['q']),
      }),
    },
    async (request: Req) => {
      const q = request.query;
      checkKnownParameters(q, ['q', 'limit']);
      const text = textParam(q, 'q', 200);
      if (text === undefined) throw badParameter('q', 'q is required: the name (or part of it) to look up');
      const matches = await queries.searchNames(text, integerParam(q, 'limit', 1, 100) ?? 20);
      return { q: text, matches };
    },
  );
}

/** `{ name: value }` when the value is given, `{}` otherwise: absent parameters stay absent, not `undefined`. */
function optional<K extends string, V>(name: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [name]: value }) as { [P in K]?: V };
}
