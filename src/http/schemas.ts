/**
 * JSON Schemas of the answers, for the OpenAPI document. The server does not validate or serialise with them
 * (server.ts installs pass-through compilers): the io-ts codecs validate, JSON.stringify serialises, and these
 * only tell a reader what comes back.
 */
import { Source } from '../../events';
import { codecToJsonSchema, type JsonSchema } from './io-ts-json-schema';

const string = { type: 'string' } as const;
const date = { type: 'string', format: 'date' } as const;
const instant = { type: 'string', format: 'date-time' } as const;
const position = { type: 'string', description: 'opaque, ordered position in the global log' } as const;

const error = (description: string, extra: Record<string, JsonSchema> = {}, required: string[] = []): JsonSchema => ({
  description,
  type: 'object',
  required: ['error', 'message', ...required],
  properties: { error: string, message: string, ...extra },
});

export const ERRORS = {
  400: error('invalid input: a query parameter (named in `parameter`), a command field (listed in `errors`) or malformed JSON', {
    parameter: string,
    errors: {
      type: 'array',
      items: { type: 'object', properties: { path: string, expected: string, actual: string } },
    },
  }),
  401: error('missing, malformed, unknown or expired bearer token (see the WWW-Authenticate header)'),
  403: error('the token has the reader role; this route needs a writer'),
  404: error('no such subject, designation, resolution or route'),
  409: error('the stream kept changing under concurrent writers; retry the command with the same commandId', {
    streamId: string,
    attempts: { type: 'integer' },
  }),
  413: error('the body is larger than 1 MiB'),
  414: error('the URL (path and query string) is longer than 4 KiB'),
  415: error('the body must be application/json'),
  422: error('refused by a rule of the ledger (DESIGN.md section 5); nothing was appended', { rule: string, field: string }, ['rule', 'field']),
  500: error('the server failed; the body carries the request id only', { requestId: string }),
  503: error('the event store did not answer in time (error `store-unavailable`, with Retry-After); the command may have been recorded: retry it with the same commandId'),
} as const;

export function errorResponses(...codes: Array<keyof typeof ERRORS>): Record<number, JsonSchema> {
  return Object.fromEntries(codes.map((code) => [code, ERRORS[code]]));
}

const recordedEvent = {
  type: 'object',
  properties: { eventId: string, type: string, revision: { type: 'integer' }, position, recordedAt: instant },
} as const;

export const COMMAND_RESULT = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['accepted', 'duplicate'] },
    commandId: string,
    streamId: string,
    attempts: { type: 'integer', description: 'decisions it took: more than 1 when a concurrent writer forced a re-read' },
    events: { type: 'array', items: recordedEvent },
  },
} as const;

export const SOURCE_SCHEMA = codecToJsonSchema(Source);

const actor = { type: 'object', properties: { id: string, kind: string } } as const;

export const HISTORY = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      revision: { type: 'integer' },
      position,
      eventId: string,
      type: string,
      effectiveFrom: date,
      recordedAt: instant,
      actor,
      source: { type: 'object', additionalProperties: true },
      commandId: string,
      hash: string,
      data: { type: 'object', additionalProperties: true },
    },
  },
} as const;

const measures = { type: 'array', items: string } as const;

export const DESIGNATION_VIEW = {
  type: 'object',
  properties: {
    subjectId: string,
    designationId: string,
    subjectKind: string,
    authority: string,
    regime: string,
    primaryName: string,
    measures,
    legalBasis: { type: 'array', items: string },
    authorityReference: string,
    effectiveFrom: date,
    effectiveTo: date,
    recordedAt: instant,
  },
} as const;

export const STATE_RESULT = {
  type: 'object',
  properties: { asOf: date, knownAt: instant, total: { type: 'integer' }, designations: { type: 'array', items: DESIGNATION_VIEW } },
} as const;

export const SUBJECT_RESULT = {
  type: 'object',
  properties: {
    subjectId: string,
    kind: string,
    asOf: date,
    knownAt: instant,
    designations: {
      type: 'array',
      items: {
        ...DESIGNATION_VIEW,
        properties: { ...DESIGNATION_VIEW.properties, identity: { type: 'object', additionalProperties: true }, reasons: string, publishedOn: date },
      },
    },
  },
} as const;

export const DIFF_RESULT = {
  type: 'object',
  properties: {
    from: date,
    to: date,
    knownAt: instant,
    started: { type: 'array', items: DESIGNATION_VIEW },
    ended: { type: 'array', items: DESIGNATION_VIEW },
    changed: { type: 'array', items: { type: 'object', properties: { before: DESIGNATION_VIEW, after: DESIGNATION_VIEW } } },
  },
} as const;

export const RESOLUTION_VIEW = {
  type: 'object',
  properties: {
    resolutionId: string,
    authority: string,
    regimes: { type: 'array', items: string },
    kind: string,
    reference: string,
    title: string,
    adoptedOn: date,
    inForceFrom: date,
    repealedFrom: date,
    measures,
    sourceUrl: string,
  },
} as const;

export const NAME_MATCHES = {
  type: 'object',
  properties: {
    q: string,
    matches: { type: 'array', items: { type: 'object', properties: { subjectId: string, name: string, quality: string } } },
  },
} as const;
