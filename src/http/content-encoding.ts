/**
 * Bodies are taken as sent: a compressed upload (Content-Encoding gzip, br, ...) would otherwise reach a parser
 * as bytes of garbage and be refused as "line 1: not valid JSON", which points the client the wrong way. (List
 * uploads have their own check, which also catches gzip bytes sent without the header: src/importers/http/spool.ts.)
 */
import type { FastifyRequest } from 'fastify';
import { HttpError } from './errors';

/** A 415 naming the encoding, or undefined when the body is not encoded. `what` names the body ("the batch"). */
export function encodedBodyRefusal(request: FastifyRequest, what: string): HttpError | undefined {
  const encoding = request.headers['content-encoding'];
  if (encoding === undefined || encoding === '' || encoding === 'identity') return undefined;
  return new HttpError(415, { error: 'unsupported-media-type', message: `compressed content is not supported (content-encoding ${encoding}); send ${what} uncompressed` });
}
