/**
 * `POST /screenings/batch` (DESIGN.md section 12): an NDJSON or CSV body of names screened at one basis given in
 * the query string, answered as streamed NDJSON in input order; with `since`, each line is a lookback (matches
 * gained and lost). The body is read as it arrives, under its own limit (10 MB). Reader role. Screened names are
 * the caller's data: never logged.
 */
import * as E from 'fp-ts/Either';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Readable, Transform } from 'node:stream';
import { batchWorkerCount, decodeBatchOptions, planBatch, readBatchInput, receiptOf, screenBatchText, sharedBatchPool, type BatchFormat, type ScreeningService } from '../../screening';
import { encodedBodyRefusal } from '../content-encoding';
import { HttpError, badParameter } from '../errors';
import { asOfParam, checkKnownParameters, TIME_PARAMETERS, FILTER_PARAMETERS, type RawQuery } from '../query-params';
import { errorResponses } from '../schemas';

export const BATCH_BODY_LIMIT = 10 * 1024 * 1024;
const FORMATS: Record<string, BatchFormat> = { 'application/x-ndjson': 'ndjson', 'text/csv': 'csv' };
const PARAMETERS = ['asOf', 'knownAt', 'threshold', 'limit', 'regime', 'since'];
const tooLarge = () => new HttpError(413, { error: 'payload-too-large', message: `a batch body is at most ${BATCH_BODY_LIMIT} bytes (10 MB); split the batch` });

/** Counts the bytes as they arrive and fails the stream past the limit (a body sent without a content-length). */
function limited(source: Readable): Readable {
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > BATCH_BODY_LIMIT) done(new Error(`the body is larger than ${BATCH_BODY_LIMIT} bytes (10 MB); the rest of the batch is not answered`));
      else done(null, chunk);
    },
  });
  source.on('error', (e) => counter.destroy(e));
  return source.pipe(counter);
}

/** A number parameter as typed: "abc" stays text so the codec names the parameter instead of screening at NaN. */
const numberOrText = (value: string | undefined) => (value !== undefined && /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value);

function single(query: RawQuery, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) throw badParameter(name, `${name} is given ${value.length} times; give it once`);
  return value === '' ? undefined : value;
}

function planOf(query: RawQuery) {
  checkKnownParameters(query, PARAMETERS);
  const regime = query.regime;
  const raw: Record<string, unknown> = {
    asOf: asOfParam(query),
    knownAt: single(query, 'knownAt'),
    threshold: numberOrText(single(query, 'threshold')),
    limit: numberOrText(single(query, 'limit')),
    regimes: regime === undefined ? undefined : Array.isArray(regime) ? regime : [regime],
    since: single(query, 'since'),
  };
  const present = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
  const decoded = decodeBatchOptions(present);
  if (E.isLeft(decoded)) {
    const first = decoded.left[0]!;
    const parameter = first.path.startsWith('regimes') ? 'regime' : first.path.split('.')[0]!;
    throw badParameter(parameter, `${parameter} must be ${first.expected}, not ${first.actual}`);
  }
  return planBatch(decoded.right);
}

const formatOf = (request: FastifyRequest): BatchFormat | undefined => FORMATS[(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()];

/** LEDGER_SCREENING_BATCH_WORKERS when valid, else one per core: a bad setting must not take the route down. */
function workerCount(): number {
  const count = batchWorkerCount();
  return typeof count === 'number' ? count : (batchWorkerCount(undefined, {}) as number);
}

export async function screeningBatchRoute(app: FastifyInstance, service: () => ScreeningService): Promise<void> {
  const workers = workerCount();
  // Registered in this plugin only: every other route keeps refusing these types.
  app.addContentTypeParser(Object.keys(FORMATS), (request, payload, done) => {
    const encoded = encodedBodyRefusal(request, 'the batch');
    if (encoded !== undefined) return done(encoded, undefined);
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > BATCH_BODY_LIMIT) return done(tooLarge(), undefined);
    return done(null, limited(payload));
  });

  app.post(
    '/screenings/batch',
    {
      config: { access: 'read' as const },
      schema: {
        tags: ['screening'],
        summary: 'screen a batch of names (NDJSON or CSV, at most 10 MB) at one basis; streamed NDJSON answer, one line per input line, in order; with since, the matches gained and lost',
        security: [{ bearer: [] }],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ...TIME_PARAMETERS,
            regime: { type: 'array', items: FILTER_PARAMETERS.regime, description: 'only these regimes (repeatable)' },
            threshold: { type: 'number', minimum: 0, maximum: 1, default: 0.85 },
            limit: { type: 'integer', minimum: 1, maximum: 100, default: 10 },
            since: {
              type: 'string',
              description: 'lookback: a date compares asOf=since with asOf (both as known at knownAt): who became or stopped being a match; an instant compares knownAt=since with knownAt (both on asOf): what the ledger learnt',
              example: '2024-12-15',
            },
          },
        },
        body: {
          description:
            'application/x-ndjson: one {"id", "name", "kind"?, "birthDate"?, "country"?, "identifiers"?} a line; text/csv: a header row naming id, name and any of kind, birthDate, country',
          type: 'string',
        },
        response: {
          200: {
            description:
              'application/x-ndjson, one line per input line: {"id", "matches", "receipt"}; with since {"id", "gained", "lost", "receipts": {"since", "now"}}; a bad line {"line", "id"?, "error": {"message", "errors"}}',
            type: 'string',
          },
          ...errorResponses(400, 401, 413, 415),
        },
      },
    },
    async (request, reply) => {
      const plan = planOf(request.query as RawQuery);
      const format = formatOf(request);
      if (format === undefined || !(request.body instanceof Readable)) {
        throw new HttpError(415, { error: 'unsupported-media-type', message: 'send the batch as application/x-ndjson or text/csv' });
      }
      // One index for the whole batch, built before answering 200 (a failure is still an error status): every line
      // answers at the same position, and a projector moving meanwhile does not rebuild the index mid-batch.
      // Worker threads screen a large batch with this thread's index position (workers/): this thread only reads
      // the lines and writes the answers, and keeps answering other requests.
      const screening = service();
      const { index, position } = screening.current();
      const viewsFile = screening.viewsFile;
      const threads = { pool: viewsFile === undefined ? undefined : sharedBatchPool(viewsFile, workers), position: position ?? null };
      const answers = screenBatchText(readBatchInput(request.body, format), plan, (query, basis) => receiptOf(index, position, query, basis), threads);
      return reply.type('application/x-ndjson').send(Readable.from(answers));
    },
  );
}
