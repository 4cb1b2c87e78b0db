/**
 * `POST /imports/{format}`: the importer over HTTP, as a Fastify plugin the server registers.
 *
 *   await app.register(importRoute, { ledger, projector, requireWriter, bodyLimit: 50 * 1024 * 1024 });
 *
 * Body: the raw list file (application/xml, text/xml, text/csv or application/octet-stream), streamed to a
 * temp file (never held whole in memory) and imported exactly as the CLI does. Query: publishedOn (required
 * for ofac-csv), list (OFAC-SDN | OFAC-CONS), dryRun, fileName (the name errors and the recorded source use),
 * retrievedAt, sourceUrl. The OFAC CSV set travels as its primary file alone (sdn.csv / cons_prim.csv).
 *
 * 200 the import report; 400 a bad parameter or an unusable file (the one-line ListParseError, with file, line
 * and record); 413 a body over the limit; 415 another content type; 422 refused by a rule or older than the
 * list already held (nothing appended); 409 an append failed part-way (send the same file again to complete).
 */
import type { FastifyError, FastifyPluginAsync, FastifyRequest, onRequestAsyncHookHandler, onRequestHookHandler } from 'fastify';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Instant } from '../../events/primitives';
import { ListParseError } from './errors';
import { ImportIncompleteError, ImportRefusedError, importFiles, type ImportContext } from './import';
import type { Format } from './listing';

export interface ImportRouteOptions extends ImportContext {
  /**
   * Refuses callers that may not write. Run as the route's onRequest hook, i.e. BEFORE the body is read, so an
   * unauthorised client cannot make the server spool a large upload to disk.
   */
  readonly requireWriter: onRequestHookHandler | onRequestAsyncHookHandler;
  /** Largest accepted file; default 50 MiB (the full OFAC and UK files are a few MiB). */
  readonly bodyLimit?: number;
  /** Where uploads are spooled; default the OS temp dir. */
  readonly tmpDir?: string;
}

export const DEFAULT_IMPORT_BODY_LIMIT = 50 * 1024 * 1024;
const FORMATS: readonly Format[] = ['un-xml', 'ofac-csv', 'ofac-xml', 'eu-xml', 'uk-ofsi-csv', 'uk-xml'];
const CONTENT_TYPES = ['application/xml', 'text/xml', 'text/csv', 'application/octet-stream'];
/** The name an upload gets when the caller gives none: what the publisher calls the file. */
const DEFAULT_NAMES: Record<Format, string> = {
  'un-xml': 'consolidated.xml',
  'ofac-csv': 'sdn.csv',
  'ofac-xml': 'sdn.xml',
  'eu-xml': 'eu-fsf.xml',
  'uk-ofsi-csv': 'ConList.csv',
  'uk-xml': 'UK_Sanctions_List.xml',
};

interface Upload {
  readonly dir: string;
  readonly path: string;
}

interface ImportQuery {
  publishedOn?: string;
  list?: string;
  dryRun?: string;
  fileName?: string;
  retrievedAt?: string;
  sourceUrl?: string;
}

class RouteError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.message));
  }
}

const isUpload = (body: unknown): body is Upload => typeof body === 'object' && body !== null && typeof (body as Upload).path === 'string' && typeof (body as Upload).dir === 'string';

const badParameter = (parameter: string, message: string) => new RouteError(400, { error: 'invalid-parameter', parameter, message });

/** The caller's file name, reduced to a safe base name (it names a temp file and is recorded as the source). */
function fileNameOf(format: Format, query: ImportQuery): string {
  if (query.fileName === undefined) return format === 'ofac-csv' && query.list === 'OFAC-CONS' ? 'cons_prim.csv' : DEFAULT_NAMES[format];
  const name = query.fileName.replace(/^.*[\\/]/, '').replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100);
  if (name === '' || /^\.+$/.test(name)) throw badParameter('fileName', 'fileName must be a plain file name such as consolidated.xml');
  return name;
}

function flag(query: ImportQuery): boolean {
  if (query.dryRun === undefined || query.dryRun === 'false' || query.dryRun === '0') return false;
  if (query.dryRun === '' || query.dryRun === 'true' || query.dryRun === '1') return true;
  throw badParameter('dryRun', 'dryRun must be true or false');
}

/** Streams the body to `<tmp>/<random>/<name>`, stopping at the limit (Fastify enforces none on a raw stream). */
async function spool(payload: Readable, name: string, limit: number, root: string): Promise<Upload> {
  const dir = await mkdtemp(join(root, 'sanctions-import-'));
  const path = join(dir, name);
  let bytes = 0;
  try {
    await pipeline(
      payload,
      async function* (chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          bytes += chunk.length;
          if (bytes > limit) throw new RouteError(413, { error: 'payload-too-large', message: `the file is larger than the ${limit} byte limit of this route` });
          yield chunk;
        }
      },
      createWriteStream(path),
    );
    return { dir, path };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

function errorAnswer(error: unknown, request: FastifyRequest): Answer {
  if (error instanceof RouteError) return { status: error.statusCode, body: error.body };
  if (error instanceof ListParseError) {
    return { status: 400, body: { error: 'invalid-list-file', message: error.message, file: error.file, line: error.line, ...(error.record === undefined ? {} : { record: error.record }) } };
  }
  if (error instanceof ImportRefusedError) return { status: 422, body: { error: 'import-refused', message: error.message, refusals: error.refusals } };
  if (error instanceof ImportIncompleteError) {
    return { status: 409, body: { error: 'import-incomplete', message: error.message, appendedCommands: error.appendedCommands, remainingCommands: error.remainingCommands } };
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return { status: 415, body: { error: 'unsupported-media-type', message: `send the list file as one of ${CONTENT_TYPES.join(', ')}` } };
  }
  if (fastifyError.statusCode !== undefined && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return { status: fastifyError.statusCode, body: { error: 'bad-request', message: fastifyError.message } };
  }
  request.log.error({ err: error }, 'import failed');
  return { status: 500, body: { error: 'internal', message: 'the import failed on the server; the request id helps the operators', requestId: request.id } };
}

export const importRoute: FastifyPluginAsync<ImportRouteOptions> = async (app, options) => {
  const limit = options.bodyLimit ?? DEFAULT_IMPORT_BODY_LIMIT;
  const root = options.tmpDir ?? tmpdir();
  // One import at a time per process: two files of one list interleaving would diff against a moving view.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(run: () => Promise<T>): Promise<T> => {
    const next = queue.then(run, run);
    queue = next.catch(() => undefined);
    return next;
  };

  // Registered inside this plugin, so the JSON-only server keeps refusing these types on its other routes.
  app.addContentTypeParser(CONTENT_TYPES, async (request: FastifyRequest, payload: Readable) => {
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      throw new RouteError(413, { error: 'payload-too-large', message: `the file is larger than the ${limit} byte limit of this route` });
    }
    const { format } = request.params as { format: Format };
    return spool(payload, fileNameOf(FORMATS.includes(format) ? format : 'un-xml', request.query as ImportQuery), limit, root);
  });
  app.setErrorHandler((error, request, reply) => {
    const { status, body } = errorAnswer(error, request);
    return reply.code(status).send(body);
  });
  // As on the server: the schema documents the route, the handler checks the input (and says which parameter).
  app.setValidatorCompiler(() => () => true);
  // The handler removes the upload before answering; this covers an answer sent before the handler ran.
  app.addHook('onResponse', async (request) => {
    if (isUpload(request.body)) await rm(request.body.dir, { recursive: true, force: true });
  });

  app.post<{ Params: { format: string }; Querystring: ImportQuery; Body: unknown }>(
    '/imports/:format',
    {
      onRequest: options.requireWriter,
      config: { access: 'write' },
      schema: {
        tags: ['imports'],
        summary: 'import an official list file (raw body): diff against the ledger and record the changes',
        params: { type: 'object', properties: { format: { type: 'string', enum: [...FORMATS] } }, required: ['format'] },
        querystring: {
          type: 'object',
          properties: {
            publishedOn: { type: 'string', description: 'YYYY-MM-DD; required for ofac-csv' },
            list: { type: 'string', enum: ['OFAC-SDN', 'OFAC-CONS'] },
            dryRun: { type: 'string', enum: ['true', 'false', '1', '0', ''] },
            fileName: { type: 'string' },
            retrievedAt: { type: 'string', description: 'UTC instant the file was fetched' },
            sourceUrl: { type: 'string' },
          },
        },
      },
    },
    async (request, reply) => {
      const upload = isUpload(request.body) ? request.body : undefined;
      let answer: Answer;
      try {
        answer = { status: 200, body: (await handle(request.params.format, request.query, upload)) as unknown as Record<string, unknown> };
      } catch (error) {
        answer = errorAnswer(error, request);
      } finally {
        // Before answering, so a client that sees the answer never finds the upload still on disk.
        if (upload !== undefined) await rm(upload.dir, { recursive: true, force: true });
      }
      return reply.code(answer.status).send(answer.body);
    },
  );

  async function handle(formatParam: string, query: ImportQuery, upload: Upload | undefined) {
    const format = formatParam as Format;
    if (!FORMATS.includes(format)) throw new RouteError(404, { error: 'not-found', message: `unknown format ${JSON.stringify(formatParam)}: use one of ${FORMATS.join(', ')}` });
    // Another content type was parsed by a parser of the enclosing server (JSON...): not a list file.
    if (upload === undefined) throw new RouteError(415, { error: 'unsupported-media-type', message: `send the list file as the body, as one of ${CONTENT_TYPES.join(', ')}` });
    if (query.list !== undefined && query.list !== 'OFAC-SDN' && query.list !== 'OFAC-CONS') throw badParameter('list', 'list must be OFAC-SDN or OFAC-CONS');
    if (query.retrievedAt !== undefined && !Instant.is(query.retrievedAt)) throw badParameter('retrievedAt', 'retrievedAt must be a UTC instant such as 2024-12-17T09:30:00.000Z');
    const dryRun = flag(query);
    return serially(() =>
      importFiles({ ledger: options.ledger, projector: options.projector }, format, [upload.path], {
        dryRun,
        ...(query.publishedOn === undefined ? {} : { publishedOn: query.publishedOn }),
        ...(query.list === undefined ? {} : { list: query.list as 'OFAC-SDN' | 'OFAC-CONS' }),
        ...(query.retrievedAt === undefined ? {} : { retrievedAt: query.retrievedAt }),
        ...(query.sourceUrl === undefined ? {} : { url: query.sourceUrl }),
      }),
    );
  }
};
