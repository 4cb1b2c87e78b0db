/**
 * A local publisher for the sync tests: a real HTTP server on 127.0.0.1 serving real list files at fixed paths,
 * as a publisher would over time (replace a path's document to publish the next file), with strong ETags and
 * Last-Modified, conditional GETs answered 304, and the faults a real publisher or network produces.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  | { readonly kind: 'status'; readonly status: number; readonly retryAfter?: string }
  | { readonly kind: 'hang' } // headers, then silence
  | { readonly kind: 'reset-mid-body' }
  | { readonly kind: 'truncated' } // Content-Length says more than is sent, then a clean close
  | { readonly kind: 'html' }
  | { readonly kind: 'endless' } // no Content-Length, streams until the client gives up
  | { readonly kind: 'redirect'; readonly to: string };

interface Document {
  readonly bytes: Buffer;
  readonly etag: string;
  readonly lastModified: string;
}

export class LocalPublisher {
  private readonly docs = new Map<string, Document>();
  private readonly faults = new Map<string, Fault>();
  readonly requests: { path: string; conditional: boolean }[] = [];
  private server!: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Publishes `bytes` (or the file at a path) at `path`, last modified at `modified`; the ETag is a digest unless given. */
  publish(path: string, content: Buffer | string, modified: Date = new Date(), etag?: string): void {
    const bytes = typeof content === 'string' ? readFileSync(content) : content;
    this.docs.set(path, { bytes, etag: etag ?? `"${createHash('sha256').update(bytes).digest('hex').slice(0, 20)}"`, lastModified: modified.toUTCString() });
  }

  fault(path: string, fault: Fault | undefined): void {
    if (fault === undefined) this.faults.delete(path);
    else this.faults.set(path, fault);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    this.requests.push({ path, conditional: req.headers['if-none-match'] !== undefined || req.headers['if-modified-since'] !== undefined });
    const fault = this.faults.get(path);
    const doc = this.docs.get(path);
    if (fault?.kind === 'status') {
      res.writeHead(fault.status, fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter });
      res.end(`error ${fault.status}`);
      return;
    }
    if (fault?.kind === 'redirect') {
      res.writeHead(302, { location: fault.to });
      res.end();
      return;
    }
    if (fault?.kind === 'html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!DOCTYPE html><html><head><title>Service unavailable</title></head><body><h1>Maintenance</h1></body></html>');
      return;
    }
    if (fault?.kind === 'endless') {
      res.writeHead(200, { 'content-type': 'application/xml' });
      const chunk = Buffer.alloc(64 * 1024, '<a/>');
      res.write('<?xml version="1.0"?><root>');
      const pump = () => {
        while (res.write(chunk)) if (res.destroyed) return;
        res.once('drain', pump);
      };
      res.on('close', () => res.removeAllListeners('drain'));
      pump();
      return;
    }
    if (doc === undefined) {
      res.writeHead(404);
      res.end('not found');
      return;
    }
    if (fault?.kind === 'hang') {
      res.writeHead(200, { 'content-type': 'application/xml', 'content-length': doc.bytes.length });
      res.write(doc.bytes.subarray(0, 1024));
      return; // never more: the client's read timeout must end it
    }
    if (fault?.kind === 'reset-mid-body' || fault?.kind === 'truncated') {
      res.writeHead(200, { 'content-type': 'application/xml', 'content-length': doc.bytes.length });
      res.write(doc.bytes.subarray(0, Math.floor(doc.bytes.length / 2)), () => {
        if (fault.kind === 'reset-mid-body') req.socket.resetAndDestroy();
        else req.socket.end();
      });
      return;
    }
    if (req.headers['if-none-match'] === doc.etag || (req.headers['if-none-match'] === undefined && req.headers['if-modified-since'] === doc.lastModified)) {
      res.writeHead(304, { etag: doc.etag, 'last-modified': doc.lastModified });
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': doc.bytes.length, etag: doc.etag, 'last-modified': doc.lastModified });
    res.end(doc.bytes);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
