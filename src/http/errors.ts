/**
 * Error answers. Bad input of any kind gets a 4xx with a JSON body that says what was wrong; only a fault of the
 * server itself is a 500, and even then the body carries the request id, never a message or stack trace.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FieldError } from '../../events';
import { QueryParameterError } from '../queries/types';
import { AppendOutcomeUnknownError } from '../store/event-store';

/** A 4xx the routes throw when it is simpler than returning a reply. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly statusCode: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.message ?? body.error));
  }
}

export const badParameter = (parameter: string, message: string) =>
  new HttpError(400, { error: 'invalid-parameter', parameter, message });

export const notFound = (message: string) => new HttpError(404, { error: 'not-found', message });

export function invalidCommand(errors: readonly FieldError[]) {
  return new HttpError(400, {
    error: 'invalid-command',
    message: errors.map((e) => `${e.path}: expected ${e.expected}, got ${e.actual}`).join('; '),
    errors,
  });
}

/** Fastify's own request errors, by code, with the answer a client can act on. */
const FRAMEWORK_ERRORS: Record<string, { status: number; error: string; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, error: 'payload-too-large', message: 'the request body is larger than 1 MiB' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, error: 'malformed-json', message: 'the body is empty; send a JSON object' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, error: 'malformed-json', message: 'the request body is not valid JSON' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, error: 'bad-request', message: 'Content-Length does not match the body' },
};

export function registerErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof HttpError) return reply.code(error.statusCode).send(error.body);
    if (error instanceof QueryParameterError) {
      return reply.code(400).send({ error: 'invalid-parameter', parameter: error.parameter, message: error.message });
    }
    if (error instanceof AppendOutcomeUnknownError) {
      // The store did not answer in time (EventStoreDB: a deadline, a lost reply). Retrying with the same commandId is
      // safe: a command already recorded answers with its first result. Logged by name only: the message names a stream.
      request.log.warn({ error: error.name }, 'the event store did not answer in time');
      return reply
        .code(503)
        .header('retry-after', '1')
        .send({
          error: 'store-unavailable',
          message: 'the event store did not answer in time; the command may have been recorded: retry it with the same commandId',
        });
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      // Routes take different types (JSON, NDJSON, CSV, XML, multipart): name the one refused, not one that may be wrong too.
      const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim() || 'none';
      const path = request.url.split('?')[0];
      return reply.code(415).send({ error: 'unsupported-media-type', message: `${request.method} ${path} does not take content-type ${type}; /openapi.json lists what each route takes` });
    }
    const known = error.code === undefined ? undefined : FRAMEWORK_ERRORS[error.code];
    if (known !== undefined) return reply.code(known.status).send({ error: known.error, message: known.message });
    const status = error.statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return reply.code(status).send({ error: 'bad-request', message: error.message });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: 'internal', message: 'the server failed to answer; the request id helps the operators', requestId: request.id });
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    const hint = path?.startsWith('/commands/') ? ' (POST /commands/<type>; see /openapi.json for the command types)' : '';
    return reply.code(404).send({ error: 'not-found', message: `no route ${request.method} ${path}${hint}` });
  });
}
