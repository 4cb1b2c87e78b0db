/**
 * Structured logs: pino JSON through Fastify's logger. Bearer tokens must never reach a log, whichever object
 * carries the headers (Fastify's default request serializer leaves headers out, but an error or a plugin that
 * logs a request or its headers would not), so every path where an Authorization header can appear is redacted.
 */
import type { FastifyServerOptions } from 'fastify';

export interface LogOptions {
  readonly level?: string;
  /** Where the JSON lines go (a test passes a capturing stream); default stdout. */
  readonly stream?: NodeJS.WritableStream;
}

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'request.headers.authorization',
  'headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.headers.authorization',
  'authorization',
];

export function loggerOptions(options: LogOptions | false | undefined): FastifyServerOptions['logger'] {
  if (options === false || options === undefined) return false;
  return {
    level: options.level ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    ...(options.stream === undefined ? {} : { stream: options.stream }),
  } as FastifyServerOptions['logger'];
}
