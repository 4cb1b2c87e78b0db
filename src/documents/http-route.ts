/**
 * `GET /documents/{sha256}` (reader role): the exact bytes of an archived document, e.g. the list file named by
 * an event's source.sha256. ETag is the sha256 (the content never changes under its name, so If-None-Match
 * answers 304 and the answer may be cached for good); 400 for an id that is not 64 lowercase hex digits (checked
 * before the disk is touched), 404 when the archive does not hold it.
 *
 *   await app.register(documentRoutes, { archive });
 */
import type { FastifyInstance } from 'fastify';
import { open } from 'node:fs/promises';
import { badParameter, notFound } from '../http/errors';
import { checkKnownParameters, type RawQuery } from '../http/query-params';
import { errorResponses } from '../http/schemas';
import type { DocumentArchive } from './archive';
import { InvalidDocumentIdError, assertDocumentId } from './document-id';
import { mediaTypeOf } from './media-type';

async function head(path: string): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

export async function documentRoutes(app: FastifyInstance, options: { archive: DocumentArchive }): Promise<void> {
  app.get<{ Params: { sha256: string } }>(
    '/documents/:sha256',
    {
      config: { access: 'read' },
      schema: {
        tags: ['documents'],
        summary: "the exact bytes of an archived list file, by its sha256 (as in an event's source.sha256)",
        security: [{ bearer: [] }],
        params: { type: 'object', properties: { sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' } }, required: ['sha256'] },
        response: {
          200: { description: 'the document, byte for byte (application/xml, text/csv or application/octet-stream); ETag: its sha256' },
          304: { description: 'If-None-Match named this sha256: the client has it' },
          ...errorResponses(400, 401, 404),
        },
      },
    },
    async (request, reply) => {
      // The route takes no parameters: a misspelt one is refused, never ignored (issue 10 item 4).
      checkKnownParameters(request.query as RawQuery, []);
      let id: string;
      try {
        id = assertDocumentId(request.params.sha256);
      } catch (error) {
        if (error instanceof InvalidDocumentIdError) throw badParameter('sha256', error.message);
        throw error;
      }
      const path = options.archive.pathOf(id);
      if (path === undefined) throw notFound(`no document ${id} in the archive`);
      const etag = `"${id}"`;
      reply.header('etag', etag).header('cache-control', 'private, max-age=31536000, immutable');
      if ((request.headers['if-none-match'] ?? '').split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) return reply.code(304).send();
      reply.type(mediaTypeOf(await head(path))).header('content-length', String(options.archive.sizeOf(id)));
      return reply.send(options.archive.read(id));
    },
  );
}
