/**
 * `POST /imports/{format}`: the importer over HTTP, as a Fastify plugin the server registers.
 *
 *   await app.register(importRoute, { ledger, projector, requireWriter, bodyLimit: 50 * 1024 * 1024 });
 *
 * Body: the raw list file (application/xml, text/xml, text/csv or application/octet-stream), streamed to a
 * temp file (never held whole in memory) and imported exactly as the CLI does; or multipart/form-data with one
 * file part per file of the set, identified by its file name (the OFAC CSV set: sdn.csv add.csv alt.csv
 * sdn_comments.csv, or the cons_* files). Query: publishedOn (required for ofac-csv), list (OFAC-SDN | OFAC-CONS),
 * dryRun, fileName (the name errors and the recorded source use), retrievedAt, sourceUrl. Any other parameter,
 * or one given twice, is refused (a typo such as `dryrun=true` must not turn a dry run into an import).
 * Compressed uploads (Content-Encoding, or gzip bytes) are refused with 415.
 *
 * 200 the import report; 400 a bad parameter or an unusable file (the one-line ListParseError, with file, line
 * and record); 413 a body over the limit; 415 another content type; 422 refused by a rule or older than the
 * list already held, or an OFAC CSV set lacking a companion file the list was last imported with (nothing
 * appended); 409 an append failed part-way (send the same file again to complete).
 */
import multipart from '@fastify/multipart';
import type { FastifyError, FastifyPluginAsync, FastifyRequest, onRequestAsyncHookHandler, onRequestHookHandler } from 'fastify';
import { rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { Readable } from 'node:stream';
import { Instant, IsoDate } from '../../events/primitives';
import { HttpError } from '../http/errors';
import { checkKnownParameters } from '../http/query-params';
import { MissingCompanionFilesError, refuseMissingCompanions } from './companions';
import { ListParseError } from './errors';
import { compressed, newSpoolDir, spoolFile, sweepStaleSpools, tooLarge, tooLargeInTotal, UploadRefusedError } from './http/spool';
import { ImportIncompleteError, ImportRefusedError, importFiles, provenanceProblem, type ImportContext, type ImportOptions } from './import';
import type { Format } from './listing';

export interface ImportRouteOptions extends ImportContext {
  /**
   * Refuses callers that may not write. Run as the route's onRequest hook, i.e. BEFORE the body is read, so an
   * unauthorised client cannot make the server spool a large upload to disk.
   */
  readonly requireWriter: onRequestHookHandler | onRequestAsyncHookHandler;
  /** Largest accepted file; default 50 MiB (the full OFAC and UK files are a few MiB). */
  readonly bodyLimit?: number;
  /** Where uploads are spooled; default the OS temp dir. Left-overs of killed processes are removed at start. */
  readonly tmpDir?: string;
  /** The document archive: the files of an import that appends are put there first (src/documents). */
  readonly documents?: ImportOptions['documents'];
}

export const DEFAULT_IMPORT_BODY_LIMIT = 50 * 1024 * 1024;
const FORMATS: readonly Format[] = ['un-xml', 'ofac-csv', 'ofac-xml', 'eu-xml', 'uk-ofsi-csv', 'uk-xml'];
const CONTENT_TYPES = ['application/xml', 'text/xml', 'text/csv', 'application/octet-stream'];
const PARAMETERS = ['publishedOn', 'list', 'dryRun', 'fileName', 'retrievedAt', 'sourceUrl'] as const;
/** The OFAC CSV set has four files; no format takes more. */
const MAX_FILES = 4;
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
  readonly paths: readonly string[];
}

type ImportQuery = Partial<Record<(typeof PARAMETERS)[number], string | string[]>>;
type CheckedQuery = Partial<Record<(typeof PARAMETERS)[number], string>>;

const isUpload = (body: unknown): body is Upload => typeof body === 'object' && body !== null && Array.isArray((body as Upload).paths) && typeof (body as Upload).dir === 'string';

const badParameter = (parameter: string, message: string) => new UploadRefusedError(400, { error: 'invalid-parameter', parameter, message });

/** Unknown parameters and repeats refused (which of two values would win is not obvious to the caller). */
function checkedQuery(query: ImportQuery): CheckedQuery {
  checkKnownParameters(query, [...PARAMETERS]);
  const checked: CheckedQuery = {};
  for (const name of PARAMETERS) {
    const value = query[name];
    if (Array.isArray(value)) throw badParameter(name, `${name} is given ${value.length} times; give it once`);
    if (value !== undefined) checked[name] = value;
  }
  return checked;
}

/** A file name reduced to a safe base name (it names a spooled file and is recorded as the source). */
function safeName(raw: string, parameter: string): string {
  const name = raw.replace(/^.*[\\/]/, '').replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100);
  if (name === '' || /^\.+$/.test(name)) throw badParameter(parameter, `${parameter} must be a plain file name such as consolidated.xml`);
  return name;
}

/** The name of a raw-body upload: the caller's fileName, else what the publisher calls the file. */
function fileNameOf(format: Format, query: ImportQuery): string {
  const given = typeof query.fileName === 'string' ? query.fileName : undefined;
  if (given === undefined) return format === 'ofac-csv' && query.list === 'OFAC-CONS' ? 'cons_prim.csv' : DEFAULT_NAMES[format];
  return safeName(given, 'fileName');
}

function flag(query: CheckedQuery): boolean {
  if (query.dryRun === undefined || query.dryRun === 'false' || query.dryRun === '0') return false;
  if (query.dryRun === '' || query.dryRun === 'true' || query.dryRun === '1') return true;
  throw badParameter('dryRun', 'dryRun must be true or false');
}

function refuseCompressed(request: FastifyRequest): void {
  const encoding = request.headers['content-encoding'];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') throw compressed();
}

/** The raw body, spooled to its own directory. */
async function spoolBody(payload: Readable, name: string, limit: number, root: string): Promise<Upload> {
  const dir = await newSpoolDir(root);
  try {
    return { dir, paths: [await spoolFile(payload, dir, name, limit)] };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

const fieldRefused = (name: string) => badParameter(name, `multipart field ${JSON.stringify(name)} is not taken: send files only, and parameters in the query`);
const tooManyFiles = () => badParameter('filename', `a set has at most ${MAX_FILES} files (the OFAC CSV set: sdn.csv add.csv alt.csv sdn_comments.csv)`);

/**
 * Every file part of a multipart body, each under its own (safe) file name; a field part is refused. The limit
 * bounds all parts together (each part is spooled with what the earlier ones left of it), so a chunked body with
 * no Content-Length is bounded as it arrives too.
 */
async function spoolParts(request: FastifyRequest, limit: number, root: string): Promise<Upload> {
  const dir = await newSpoolDir(root);
  const paths: string[] = [];
  let used = 0;
  try {
    for await (const part of request.parts()) {
      if (part.type !== 'file') throw fieldRefused(part.fieldname);
      const name = safeName(part.filename ?? '', 'filename');
      if (paths.some((p) => p.endsWith(`/${name}`))) throw badParameter('filename', `the file ${name} is sent twice`);
      const path = await spoolFile(part.file, dir, name, limit - used, () => tooLargeInTotal(limit));
      if (part.file.truncated) throw tooLargeInTotal(limit);
      used += (await stat(path)).size;
      paths.push(path);
    }
    if (paths.length === 0) throw badParameter('filename', 'the multipart body has no file part');
    return { dir, paths };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** A client that goes away mid-upload is not a server fault. */
const isAbort = (error: unknown, request: FastifyRequest) =>
  request.raw.aborted || request.raw.destroyed || ['ECONNRESET', 'ERR_STREAM_PREMATURE_CLOSE', 'ECONNABORTED'].includes((error as NodeJS.ErrnoException).code ?? '') || (error as Error).message === 'aborted';

function errorAnswer(error: unknown, request: FastifyRequest): Answer {
  if (error instanceof UploadRefusedError || error instanceof HttpError) return { status: error.statusCode, body: error.body };
  if (error instanceof ListParseError) {
    // Line 0 means the problem is the file as a whole (or a parameter about it): no line to name.
    const where = error.line > 0 ? { line: error.line } : {};
    return { status: 400, body: { error: 'invalid-list-file', message: error.message, file: error.file, ...where, ...(error.record === undefined ? {} : { record: error.record }) } };
  }
  if (error instanceof MissingCompanionFilesError) {
    return { status: 422, body: { error: 'missing-companion-files', message: error.message, missingFiles: error.missingFiles, lastImportFiles: error.lastImportFiles } };
  }
  if (error instanceof ImportRefusedError) return { status: 422, body: { error: 'import-refused', message: error.message, refusals: error.refusals } };
  if (error instanceof ImportIncompleteError) {
    return { status: 409, body: { error: 'import-incomplete', message: error.message, appendedCommands: error.appendedCommands, remainingCommands: error.remainingCommands } };
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return { status: 415, body: { error: 'unsupported-media-type', message: `send the list file as one of ${CONTENT_TYPES.join(', ')}, or multipart/form-data` } };
  }
  if (fastifyError.code === 'FST_REQ_FILE_TOO_LARGE') return { status: 413, body: { error: 'payload-too-large', message: fastifyError.message } };
  // @fastify/multipart's own limits answer 413 "reach parts limit": say what to send instead.
  if (fastifyError.code === 'FST_FILES_LIMIT' || fastifyError.code === 'FST_PARTS_LIMIT') return errorAnswer(tooManyFiles(), request);
  if (fastifyError.code === 'FST_FIELDS_LIMIT') return errorAnswer(fieldRefused('(field)'), request);
  if (fastifyError.statusCode !== undefined && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return { status: fastifyError.statusCode, body: { error: 'bad-request', message: fastifyError.message } };
  }
  if (isAbort(error, request)) {
    request.log.warn({ code: (error as NodeJS.ErrnoException).code }, 'upload aborted by the client; its spooled part is removed');
    return { status: 400, body: { error: 'upload-aborted', message: 'the upload ended before its last byte' } };
  }
  request.log.error({ err: error }, 'import failed');
  return { status: 500, body: { error: 'internal', message: 'the import failed on the server; the request id helps the operators', requestId: request.id } };
}

export const importRoute: FastifyPluginAsync<ImportRouteOptions> = async (app, options) => {
  const limit = options.bodyLimit ?? DEFAULT_IMPORT_BODY_LIMIT;
  const root = options.tmpDir ?? tmpdir();
  const swept = await sweepStaleSpools(root);
  if (swept.length > 0) app.log.info({ spools: swept.length }, 'removed uploads left by a killed import');
  // One import at a time per process: two files of one list interleaving would diff against a moving view.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(run: () => Promise<T>): Promise<T> => {
    const next = queue.then(run, run);
    queue = next.catch(() => undefined);
    return next;
  };

  // Encapsulated in this plugin: the server's other routes keep refusing multipart bodies.
  // One field part is let through so that spoolParts can refuse it by name; a second is the plugin's FIELDS_LIMIT.
  await app.register(multipart, { limits: { fileSize: limit, files: MAX_FILES, fields: 1, parts: MAX_FILES + 1 } });
  // Registered inside this plugin, so the JSON-only server keeps refusing these types on its other routes.
  app.addContentTypeParser(CONTENT_TYPES, async (request: FastifyRequest, payload: Readable) => {
    refuseCompressed(request);
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
    const { format } = request.params as { format: Format };
    return spoolBody(payload, fileNameOf(FORMATS.includes(format) ? format : 'un-xml', request.query as ImportQuery), limit, root);
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
        summary: 'import an official list file (raw body, or multipart/form-data for a set of files): diff against the ledger and record the changes',
        params: { type: 'object', properties: { format: { type: 'string', enum: [...FORMATS] } }, required: ['format'] },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            publishedOn: { type: 'string', format: 'date', description: 'YYYY-MM-DD; required for ofac-csv' },
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
      let upload = isUpload(request.body) ? request.body : undefined;
      let answer: Answer;
      try {
        const query = checkedQuery(request.query);
        if (upload === undefined && request.isMultipart()) {
          refuseCompressed(request);
          upload = await spoolParts(request, limit, root);
        }
        answer = { status: 200, body: (await handle(request.params.format, query, upload)) as unknown as Record<string, unknown> };
      } catch (error) {
        answer = errorAnswer(error, request);
      } finally {
        // Before answering, so a client that sees the answer never finds the upload still on disk.
        if (upload !== undefined) await rm(upload.dir, { recursive: true, force: true });
      }
      return reply.code(answer.status).send(answer.body);
    },
  );

  async function handle(formatParam: string, query: CheckedQuery, upload: Upload | undefined) {
    const format = formatParam as Format;
    if (!FORMATS.includes(format)) throw new UploadRefusedError(404, { error: 'not-found', message: `unknown format ${JSON.stringify(formatParam)}: use one of ${FORMATS.join(', ')}` });
    // Another content type was parsed by a parser of the enclosing server (JSON...): not a list file.
    if (upload === undefined) {
      throw new UploadRefusedError(415, { error: 'unsupported-media-type', message: `send the list file as the body, as one of ${CONTENT_TYPES.join(', ')}, or the files as multipart/form-data` });
    }
    if (query.list !== undefined && query.list !== 'OFAC-SDN' && query.list !== 'OFAC-CONS') throw badParameter('list', 'list must be OFAC-SDN or OFAC-CONS');
    if (query.retrievedAt !== undefined && !Instant.is(query.retrievedAt)) throw badParameter('retrievedAt', 'retrievedAt must be a UTC instant such as 2024-12-17T09:30:00.000Z');
    const provenance = provenanceProblem({ ...(query.retrievedAt === undefined ? {} : { retrievedAt: query.retrievedAt }), ...(query.sourceUrl === undefined ? {} : { url: query.sourceUrl }) });
    if (provenance !== undefined) {
      const parameter = provenance.option === 'url' ? 'sourceUrl' : 'retrievedAt';
      throw badParameter(parameter, `${parameter}: ${provenance.message}`);
    }
    if (query.publishedOn !== undefined && !IsoDate.is(query.publishedOn)) throw badParameter('publishedOn', `publishedOn must be a real calendar date YYYY-MM-DD, not ${JSON.stringify(query.publishedOn.slice(0, 40))}`);
    const dryRun = flag(query);
    return serially(async () => {
      await options.projector.catchUp();
      refuseMissingCompanions(options.projector.db, format, upload.paths);
      return importFiles({ ledger: options.ledger, projector: options.projector }, format, [...upload.paths], {
        dryRun,
        ...(query.publishedOn === undefined ? {} : { publishedOn: query.publishedOn }),
        ...(query.list === undefined ? {} : { list: query.list as 'OFAC-SDN' | 'OFAC-CONS' }),
        ...(query.retrievedAt === undefined ? {} : { retrievedAt: query.retrievedAt }),
        ...(query.sourceUrl === undefined ? {} : { url: query.sourceUrl }),
        ...(options.documents === undefined ? {} : { documents: options.documents }),
      });
    });
  }
};
