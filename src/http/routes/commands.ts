/**
 * Writes: `POST /commands/{type}` for every entry of the command catalogue, plus resource-style aliases.
 *
 * Body: { "data": {...}, "source": {...}, "commandId"?, "correlationId"?, "causationId"? }. The catalogue's io-ts
 * codecs (through ledger.execute) are the only validation; the actor is the authenticated principal, never
 * the body. 201 accepted, 200 duplicate (same commandId), 400 invalid-command, 422 rule-violation, 409 conflict,
 * 503 store-unavailable (the store did not answer in time: errors.ts).
 */
import * as E from 'fp-ts/Either';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { commandCatalogue, COMMAND_TYPES, type CommandType } from '../../commands/command-catalogue';
import type { CommandAccepted, CommandFailure } from '../../commands/outcomes';
import type { Ledger } from '../../ledger';
import { HttpError, invalidCommand } from '../errors';
import { checkKnownParameters, type RawQuery } from '../query-params';
import { codecToJsonSchema, type JsonSchema } from '../io-ts-json-schema';
import type { ReadSide } from '../read-side';
import { COMMAND_RESULT, errorResponses, SOURCE_SCHEMA } from '../schemas';

export interface CommandRouteOptions {
  readonly ledger: Ledger;
  readonly readSide: ReadSide;
  /** How long a write waits for the read models to include it, so the caller's next GET sees it. */
  readonly readYourWritesMs: number;
}

const BODY_FIELDS = ['data', 'source', 'commandId', 'correlationId', 'causationId'];

/** An alias fixes the command type and takes the target id from the path instead of the body. */
interface Alias {
  readonly url: string;
  readonly type: CommandType;
  readonly idField?: 'subjectId' | 'resolutionId';
  readonly summary: string;
}

const ALIASES: readonly Alias[] = [
  { url: '/resolutions', type: 'AdoptResolution', summary: 'record a legal act (same as POST /commands/AdoptResolution)' },
  { url: '/resolutions/:id/amendments', type: 'AmendResolution', idField: 'resolutionId', summary: 'amend a legal act' },
  { url: '/resolutions/:id/repeal', type: 'RepealResolution', idField: 'resolutionId', summary: 'repeal a legal act' },
  { url: '/subjects/:id/designations', type: 'DesignateSubject', idField: 'subjectId', summary: 'list the subject under a regime' },
  { url: '/subjects/:id/amendments', type: 'AmendDesignation', idField: 'subjectId', summary: 'record a legal change to a listing' },
  { url: '/subjects/:id/corrections', type: 'CorrectDesignation', idField: 'subjectId', summary: 'fix what the ledger recorded wrongly' },
  { url: '/subjects/:id/delistings', type: 'DelistSubject', idField: 'subjectId', summary: 'end a designation on an effective date' },
];

const STATUS_OF_FAILURE = { 'invalid-command': 400, 'rule-violation': 422, conflict: 409 } as const;

function bodySchema(type: CommandType, idField?: string): JsonSchema {
  const data = codecToJsonSchema(commandCatalogue[type].codec);
  if (idField !== undefined && Array.isArray(data.required)) {
    // The path names the target; the body may repeat it but need not.
    data.required = (data.required as string[]).filter((name) => name !== idField);
  }
  const id = { type: 'string', minLength: 1 };
  return {
    type: 'object',
    required: ['data', 'source'],
    additionalProperties: false,
    properties: {
      data,
      source: { ...SOURCE_SCHEMA, description: 'who published what this records: publisher, document reference, URL' },
      commandId: { ...id, description: 'idempotency key: the same id again returns the first result (200) and appends nothing' },
      correlationId: id,
      causationId: id,
    },
  };
}

function routeSchema(type: CommandType, summary: string, idField?: string) {
  return {
    tags: ['commands'],
    summary,
    description: `${commandCatalogue[type].summary}. The actor recorded is the bearer token's principal.`,
    security: [{ bearer: [] }],
    ...(idField === undefined ? {} : { params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } }),
    body: bodySchema(type, idField),
    response: {
      201: { description: 'accepted: the events appended', ...COMMAND_RESULT },
      200: { description: 'duplicate: this commandId was already accepted; the events of its first submission', ...COMMAND_RESULT },
      ...errorResponses(400, 401, 403, 409, 413, 415, 422, 503),
    },
  };
}

/** The command input from the body; refuses anything but the documented fields, `actor` above all. */
function commandInput(body: unknown, idField: Alias['idField'], pathId: string | undefined) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidCommand([{ path: '(root)', expected: 'a JSON object {data, source, commandId?, correlationId?}', actual: Array.isArray(body) ? 'an array' : JSON.stringify(body) ?? 'nothing' }]);
  }
  const fields = body as Record<string, unknown>;
  const extra = Object.keys(fields).filter((key) => !BODY_FIELDS.includes(key));
  if (extra.length > 0) {
    throw invalidCommand(
      extra.map((key) => ({
        path: key,
        expected: key === 'actor' ? 'nothing: the actor is the authenticated token' : `nothing: the body takes ${BODY_FIELDS.join(', ')}`,
        actual: 'a value',
      })),
    );
  }
  let data = fields.data;
  if (idField !== undefined && pathId !== undefined && typeof data === 'object' && data !== null && !Array.isArray(data)) {
    const given = (data as Record<string, unknown>)[idField];
    if (given !== undefined && given !== pathId) {
      throw invalidCommand([{ path: `data.${idField}`, expected: `the id in the path, "${pathId}"`, actual: JSON.stringify(given) }]);
    }
    data = { ...data, [idField]: pathId };
  }
  return { data, fields };
}

function failureReply(reply: FastifyReply, failure: CommandFailure) {
  const status = STATUS_OF_FAILURE[failure.kind];
  switch (failure.kind) {
    case 'invalid-command':
      return reply.code(status).send({ error: failure.kind, message: failure.message, errors: failure.errors });
    case 'rule-violation':
      return reply.code(status).send({ error: failure.kind, rule: failure.rule, field: failure.field, message: failure.message });
    case 'conflict':
      return reply.code(status).send({ error: failure.kind, streamId: failure.streamId, attempts: failure.attempts, message: failure.message });
  }
}

function resourceOf(streamId: string): string | undefined {
  if (streamId.startsWith('subject-')) return `/subjects/${encodeURIComponent(streamId.slice('subject-'.length))}`;
  if (streamId.startsWith('resolution-')) return `/resolutions/${encodeURIComponent(streamId.slice('resolution-'.length))}`;
  return undefined;
}

export async function commandRoutes(app: FastifyInstance, options: CommandRouteOptions): Promise<void> {
  const { ledger, readSide, readYourWritesMs } = options;

  const handle = (type: CommandType, idField?: Alias['idField']) =>
    async (request: FastifyRequest<{ Params: { id?: string } }>, reply: FastifyReply) => {
      const principal = request.principal;
      if (principal === undefined) throw new HttpError(401, { error: 'unauthorized', message: 'writes need a writer token' });
      // A write takes no query parameters: `?dryrun=true` must not be ignored into a real write.
      checkKnownParameters(request.query as RawQuery, []);
      const { data, fields } = commandInput(request.body, idField, request.params.id);
      const metadata = {
        actor: { id: principal.id, kind: principal.kind },
        source: fields.source,
        ...(fields.commandId === undefined ? {} : { commandId: fields.commandId }),
        ...(fields.correlationId === undefined ? {} : { correlationId: fields.correlationId }),
        ...(fields.causationId === undefined ? {} : { causationId: fields.causationId }),
      };
      const result = await ledger.execute({ type, data }, metadata);
      if (E.isLeft(result)) return failureReply(reply, result.left);
      await waitForReadModels(request, reply, result.right);
      const location = resourceOf(result.right.streamId);
      if (location !== undefined) reply.header('location', location);
      return reply.code(result.right.status === 'accepted' ? 201 : 200).send(present(result.right));
    };

  /** Bounded: a slow projector must not hold writes hostage; the header tells the caller reads may lag. */
  async function waitForReadModels(request: FastifyRequest, reply: FastifyReply, accepted: CommandAccepted) {
    const last = accepted.events[accepted.events.length - 1];
    if (last === undefined) return;
    try {
      await readSide.waitFor(last.position, readYourWritesMs);
      reply.header('x-read-your-writes', 'ok');
    } catch (error) {
      request.log.warn({ err: error, position: last.position }, 'read models did not catch up with a write in time');
      reply.header('x-read-your-writes', 'pending');
    }
  }

  for (const type of COMMAND_TYPES) {
    app.post(`/commands/${type}`, { config: { access: 'write' }, schema: routeSchema(type, `${type}: ${commandCatalogue[type].summary}`) }, handle(type));
  }
  for (const alias of ALIASES) {
    app.post(alias.url, { config: { access: 'write' }, schema: routeSchema(alias.type, alias.summary, alias.idField) }, handle(alias.type, alias.idField));
  }
}

function present(accepted: CommandAccepted) {
  return {
    status: accepted.status,
    commandId: accepted.commandId,
    streamId: accepted.streamId,
    attempts: accepted.attempts,
    events: accepted.events.map((e) => ({
      eventId: e.envelope.eventId,
      type: e.type,
      revision: e.revision,
      position: e.position,
      recordedAt: e.envelope.recordedAt,
    })),
  };
}
