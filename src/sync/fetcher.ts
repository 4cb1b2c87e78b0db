/**
 * One HTTP GET of one publisher file with undici: conditional (ETag / If-Modified-Since of the last successful
 * fetch), a size limit enforced while streaming, connect and read timeouts, redirects followed by hand (bounded,
 * a loop named), the body spooled to a temp file and hashed as it arrives. Node's fetch has no body timeout and
 * no way to stop at N bytes before buffering, hence undici's request.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { once } from 'node:events';
import { Agent, request } from 'undici';
import { FetchError } from './fetch-errors';
import { sniffProblem, type Expected } from './sniff';

export interface FetchLimits {
  readonly maxBytes: number;
  readonly connectTimeoutMs: number;
  /** Longest silence while waiting for headers or between body chunks. */
  readonly readTimeoutMs: number;
  readonly maxRedirects: number;
}

export const DEFAULT_LIMITS: FetchLimits = { maxBytes: 512 * 1024 * 1024, connectTimeoutMs: 10_000, readTimeoutMs: 60_000, maxRedirects: 5 };

export interface Validators {
  readonly etag?: string;
  readonly lastModified?: string;
}

export type FetchOutcome =
  | { readonly kind: 'not-modified'; readonly url: string }
  | { readonly kind: 'fetched'; readonly url: string; readonly path: string; readonly sha256: string; readonly size: number; readonly validators: Validators };

const RETRY_AFTER_CAP_MS = 5 * 60_000;

function retryAfterMs(header: string | string[] | undefined, now: number): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), RETRY_AFTER_CAP_MS) : undefined;
}

const header = (headers: Record<string, string | string[] | undefined>, name: string) => {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Network-level failures in one line, without undici's stack or cause chain. */
function describeNetworkError(error: unknown, url: string, limits: FetchLimits): FetchError {
  const code = (error as { code?: string }).code ?? '';
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return new FetchError(`connect timeout after ${limits.connectTimeoutMs} ms: ${url}`, true);
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return new FetchError(`read timeout (no data for ${limits.readTimeoutMs} ms): ${url}`, true);
  if (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET') return new FetchError(`connection reset before the body was complete: ${url}`, true);
  if (code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') return new FetchError(`truncated body (shorter than its Content-Length): ${url}`, true);
  if (code === 'ECONNREFUSED') return new FetchError(`connection refused: ${url}`, true);
  return new FetchError(`${code || 'network error'}: ${(error as Error).message.split('\n')[0]}: ${url}`, true);
}

export async function fetchDocument(startUrl: string, spoolPath: string, expected: Expected, validators: Validators, limits: FetchLimits = DEFAULT_LIMITS): Promise<FetchOutcome> {
  const dispatcher = new Agent({ connect: { timeout: limits.connectTimeoutMs }, headersTimeout: limits.readTimeoutMs, bodyTimeout: limits.readTimeoutMs });
  try {
    const seen = new Set<string>();
    let url = startUrl;
    for (let hop = 0; ; hop++) {
      seen.add(url);
      const headers: Record<string, string> = { 'user-agent': 'sanctions-ledger-sync', accept: expected === 'xml' ? 'application/xml, text/xml' : 'text/csv, text/plain' };
      if (validators.etag !== undefined) headers['if-none-match'] = validators.etag;
      if (validators.lastModified !== undefined) headers['if-modified-since'] = validators.lastModified;
      let response;
      try {
        response = await request(url, { method: 'GET', headers, dispatcher });
      } catch (error) {
        throw describeNetworkError(error, url, limits);
      }
      const { statusCode } = response;
      if (statusCode >= 300 && statusCode < 400 && statusCode !== 304) {
        await response.body.dump();
        const location = header(response.headers, 'location');
        if (location === undefined) throw new FetchError(`HTTP ${statusCode} without a Location: ${url}`, false);
        const next = new URL(location, url).toString();
        if (seen.has(next)) throw new FetchError(`redirect loop: ${url} -> ${next}`, false);
        if (hop + 1 > limits.maxRedirects) throw new FetchError(`more than ${limits.maxRedirects} redirects from ${startUrl}`, false);
        url = next;
        continue;
      }
      if (statusCode === 304) {
        await response.body.dump();
        return { kind: 'not-modified', url };
      }
      if (statusCode !== 200) {
        await response.body.dump().catch(() => {});
        const retryable = statusCode >= 500 || statusCode === 429;
        throw new FetchError(`HTTP ${statusCode}: ${url}`, retryable, retryable ? retryAfterMs(response.headers['retry-after'], Date.now()) : undefined);
      }
      const declared = header(response.headers, 'content-length');
      if (declared !== undefined && Number(declared) > limits.maxBytes) {
        response.body.destroy();
        throw new FetchError(`body of ${declared} bytes is over the limit of ${limits.maxBytes}: ${url}`, false);
      }
      const body = await spool(response.body, spoolPath, expected, limits, url);
      if (declared !== undefined && Number(declared) !== body.size) {
        await rm(spoolPath, { force: true });
        throw new FetchError(`truncated body: ${body.size} of ${declared} bytes: ${url}`, true);
      }
      const etag = header(response.headers, 'etag');
      const lastModified = header(response.headers, 'last-modified');
      return { kind: 'fetched', url, path: spoolPath, ...body, validators: { ...(etag === undefined ? {} : { etag }), ...(lastModified === undefined ? {} : { lastModified }) } };
    }
  } finally {
    await dispatcher.close().catch(() => {});
  }
}

/** Streams the body to disk, hashing as it goes; stops at the size limit and at an HTML page. */
async function spool(body: AsyncIterable<Buffer> & { destroy(): void }, path: string, expected: Expected, limits: FetchLimits, url: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  // A disk error, or a write still in flight when a failed download destroys the stream (ERR_STREAM_DESTROYED),
  // is emitted as 'error': without a listener that is an uncaught exception that takes the process down.
  let writeError: Error | undefined;
  out.on('error', (error) => {
    writeError ??= error;
  });
  let size = 0;
  let head: Buffer | undefined = Buffer.alloc(0);
  try {
    for await (const chunk of body) {
      size += chunk.length;
      if (size > limits.maxBytes) throw new FetchError(`body over the limit of ${limits.maxBytes} bytes: ${url}`, false);
      if (head !== undefined) {
        head = Buffer.concat([head, chunk]);
        if (head.length >= 512) {
          const problem = sniffProblem(head, expected);
          if (problem !== undefined) throw new FetchError(`${problem}: ${url}`, false);
          head = undefined;
        }
      }
      hash.update(chunk);
      if (!out.write(chunk)) await once(out, 'drain');
    }
    if (head !== undefined) {
      const problem = sniffProblem(head, expected);
      if (problem !== undefined) throw new FetchError(`${problem}: ${url}`, false);
    }
    if (writeError !== undefined) throw writeError;
    out.end();
    await once(out, 'finish');
    return { sha256: hash.digest('hex'), size };
  } catch (error) {
    body.destroy();
    out.destroy();
    await rm(path, { force: true });
    if (error instanceof FetchError) throw error;
    throw describeNetworkError(error, url, limits);
  }
}
