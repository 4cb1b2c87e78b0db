/**
 * `POST /screenings` and `POST /screenings/verify` (DESIGN.md section 12): screen a name at (asOf, knownAt) and
 * get a receipt; present a receipt and learn whether the ledger still gives the same answer. Reader role: a
 * screening reads the read models and appends nothing. Screened names are the caller's data: never logged.
 */
import * as E from 'fp-ts/Either';
import type { FastifyInstance } from 'fastify';
import type Database from 'better-sqlite3';
import { decodeReceipt, decodeScreeningRequest, DEFAULT_THRESHOLD, MAX_LIMIT, ScreeningService } from '../../screening';
import type { FieldError } from '../../../events';
import { HttpError } from '../errors';
import { checkKnownParameters, type RawQuery } from '../query-params';
import type { ReadSide } from '../read-side';
import { errorResponses } from '../schemas';
import { screeningBatchRoute } from './screening-batch';

const string = { type: 'string' } as const;
const MATCH = {
  type: 'object',
  properties: {
    subjectId: string, designationId: string, kind: string, authority: string, regime: string, authorityReference: string,
    primaryName: string, name: { ...string, description: 'the listed name (primary or alias) that matched best' }, nameQuality: string,
    score: { type: 'number', minimum: 0, maximum: 1 },
    why: { type: 'object', additionalProperties: true, description: 'method, token pairs with their similarity, features compared' },
  },
};
const RECEIPT = {
  type: 'object',
  description: 'the answer and its evidence: sha256 is the SHA-256 of the canonical JSON (RFC 8785) of every other field',
  properties: {
    basis: { type: 'object', properties: { asOf: { type: 'string', format: 'date' }, knownAt: { type: 'string', format: 'date-time' }, position: { type: 'string', nullable: true } } },
    query: { type: 'object', additionalProperties: true },
    algorithm: { type: 'object', properties: { name: string, version: string } },
    threshold: { type: 'number' },
    limit: { type: 'integer' },
    matches: { type: 'array', items: MATCH },
    sha256: string,
  },
};
const REQUEST = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 500, example: 'No Kwang-chol' },
    kind: { type: 'string', enum: ['person', 'entity', 'vessel', 'aircraft'] },
    birthDate: { type: 'string', description: 'YYYY, YYYY-MM or YYYY-MM-DD', example: '1954' },
    country: { type: 'string', example: 'KP' },
    identifiers: { type: 'array', items: { type: 'object', required: ['value'], additionalProperties: false, properties: { type: { ...string, example: 'passport' }, value: string } } },
    asOf: { type: 'string', format: 'date', description: 'screen against what was in force on this date; default today' },
    knownAt: { type: 'string', format: 'date-time', description: 'using only what the ledger had recorded by then; default now' },
    regimes: { type: 'array', items: { ...string, example: 'UN:DPRK' } },
    threshold: { type: 'number', minimum: 0, maximum: 1, default: DEFAULT_THRESHOLD },
    limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: 10 },
  },
};

/** 400 naming every bad field, as command validation does. */
function invalidScreening(errors: readonly FieldError[]): HttpError {
  return new HttpError(400, { error: 'invalid-screening', message: errors.map((e) => `${e.path}: expected ${e.expected}, got ${e.actual}`).join('; '), errors });
}

/** The projector holds the read models' database; a stand-in read side without one cannot screen. */
function serviceOf(readSide: ReadSide): ScreeningService | undefined {
  const db = (readSide as ReadSide & { db?: Database.Database }).db;
  return db === undefined ? undefined : new ScreeningService({ db, position: () => readSide.position() });
}

/** `service`: the screening to answer with (the service shares its follower's); default one over `readSide`. */
export async function screeningRoutes(app: FastifyInstance, options: { readSide: ReadSide; service?: ScreeningService }): Promise<void> {
  const service = options.service ?? serviceOf(options.readSide);
  const available = (): ScreeningService => {
    if (service === undefined) throw new HttpError(503, { error: 'unavailable', message: 'screening needs the read models of a projector' });
    return service;
  };
  const schema = (summary: string, body: Record<string, unknown>, ok: Record<string, unknown>) => ({
    tags: ['screening'],
    summary,
    security: [{ bearer: [] }],
    body,
    response: { 200: ok, ...errorResponses(400, 401, 413, 415) },
  });

  app.post(
    '/screenings',
    { config: { access: 'read' as const }, schema: schema('screen a name against the designations in force on asOf as known at knownAt; answers a receipt', REQUEST, RECEIPT) },
    async (request) => {
      // A typo such as `?threshold=0.1` must not answer with the default threshold, silently: options go in the body.
      checkKnownParameters(request.query as RawQuery, []);
      const decoded = decodeScreeningRequest(request.body);
      if (E.isLeft(decoded)) throw invalidScreening(decoded.left);
      return available().screen(decoded.right);
    },
  );

  // Its own plugin: the NDJSON and CSV body parsers it registers stay off the JSON routes.
  await app.register(async (batch) => screeningBatchRoute(batch, available));

  app.post(
    '/screenings/verify',
    {
      config: { access: 'read' as const },
      schema: schema('re-run a receipt at its basis: "same", or each difference (match gained or lost, score changed, receipt altered)', RECEIPT, {
        type: 'object',
        properties: { same: { type: 'boolean' }, differences: { type: 'array', items: { type: 'object', additionalProperties: true } }, rerun: RECEIPT },
      }),
    },
    async (request) => {
      checkKnownParameters(request.query as RawQuery, []);
      const decoded = decodeReceipt(request.body);
      if (E.isLeft(decoded)) throw invalidScreening(decoded.left);
      return available().verify(decoded.right);
    },
  );
}
