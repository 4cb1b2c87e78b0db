/**
 * Content-addressed store of the files behind events (DESIGN.md section 11: an auditor gets the document behind
 * any event). A file lives at `<dir>/<first two hex>/<sha256>`, read-only. Writing goes to a temporary file in
 * the archive's own folder (same file system, so the rename is atomic), is fsynced, re-read and hashed, and only
 * then renamed into place and the folder fsynced: a reader sees either no file or the complete, verified one,
 * and a crash leaves at most a stray `.tmp-*` file that no path ever points to. Putting the same bytes twice is
 * a no-op returning the same result.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { chmod, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { assertDocumentId } from './document-id';

export interface ArchivedDocument {
  readonly sha256: string;
  readonly size: number;
  /** Absolute path of the archived (read-only) file. */
  readonly path: string;
}

/** What was written differs from what was meant (a disk or concurrency fault): nothing is left in place. */
export class DocumentArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DocumentArchiveError';
  }
}

const CHUNK_BYTES = 256 * 1024;
const READ_ONLY = 0o444;

export class DocumentArchive {
  private constructor(readonly dir: string) {}

  /** Opens (creating if needed) the archive in `dir`. */
  static open(dir: string): DocumentArchive {
    const absolute = resolve(dir);
    mkdirSync(absolute, { recursive: true });
    return new DocumentArchive(absolute);
  }

  /** Archives `bytes`; atomic and idempotent. */
  put(bytes: Uint8Array): Promise<ArchivedDocument> {
    return this.write(async (out) => {
      await out.write(bytes);
      return sha256Of([bytes]);
    });
  }

  /** Archives the file at `path`, streamed (never held whole in memory); same result as put(its bytes). */
  putFile(path: string): Promise<ArchivedDocument> {
    return this.write(async (out) => {
      const hash = createHash('sha256');
      for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) {
        const buf = chunk as Buffer;
        hash.update(buf);
        await out.write(buf);
      }
      return hash.digest('hex');
    });
  }

  /** Whether the document is archived. Throws InvalidDocumentIdError for a malformed id. */
  has(sha256: string): boolean {
    return existsSync(this.locate(sha256));
  }

  /** Path of the archived document, or undefined. Throws InvalidDocumentIdError for a malformed id. */
  pathOf(sha256: string): string | undefined {
    const path = this.locate(sha256);
    return existsSync(path) ? path : undefined;
  }

  /** Size of the archived document, or undefined (for Content-Length without reading it). */
  sizeOf(sha256: string): number | undefined {
    const path = this.pathOf(sha256);
    return path === undefined ? undefined : statSync(path).size;
  }

  /**
   * The archived bytes as a stream, or undefined when absent. The stream re-hashes what it reads and fails at
   * the end if the file no longer matches its name (altered on disk), so a damaged copy never passes silently.
   */
  read(sha256: string): Readable | undefined {
    const path = this.pathOf(sha256);
    if (path === undefined) return undefined;
    const hash = createHash('sha256');
    const verify = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        done(null, chunk);
      },
      flush(done) {
        const actual = hash.digest('hex');
        done(actual === sha256 ? null : new DocumentArchiveError(`archived document ${sha256} is damaged: its bytes hash to ${actual}`));
      },
    });
    const source = createReadStream(path, { highWaterMark: CHUNK_BYTES });
    source.on('error', (error) => verify.destroy(error));
    return source.pipe(verify);
  }

  private locate(sha256: string): string {
    const id = assertDocumentId(sha256);
    return join(this.dir, id.slice(0, 2), id);
  }

  /** Writes through `fill` into a temp file, verifies it, then moves it to its content address. */
  private async write(fill: (out: FileHandle) => Promise<string>): Promise<ArchivedDocument> {
    const tmp = join(this.dir, `.tmp-${process.pid}-${randomBytes(8).toString('hex')}`);
    const out = await open(tmp, 'wx', 0o600);
    let moved = false;
    try {
      let sha256: string;
      try {
        sha256 = await fill(out);
        await out.sync();
      } finally {
        await out.close();
      }
      const written = await hashFile(tmp);
      if (written.sha256 !== sha256) {
        throw new DocumentArchiveError(`archived bytes hash to ${written.sha256}, expected ${sha256}: not archived`);
      }
      const target = this.locate(sha256);
      const existing = await stat(target).catch(() => undefined);
      if (existing !== undefined) {
        // Already archived (by us earlier or by another process just now): same name means same bytes.
        if (existing.size !== written.size) {
          throw new DocumentArchiveError(`archived ${sha256} has ${existing.size} bytes, not ${written.size}: the archive is damaged`);
        }
        return { sha256, size: written.size, path: target };
      }
      await chmod(tmp, READ_ONLY);
      await mkdir(join(this.dir, sha256.slice(0, 2)), { recursive: true });
      await rename(tmp, target);
      moved = true;
      await syncDirectory(join(this.dir, sha256.slice(0, 2)));
      return { sha256, size: written.size, path: target };
    } finally {
      if (!moved) await unlink(tmp).catch(() => undefined);
    }
  }
}

function sha256Of(chunks: readonly Uint8Array[]): string {
  const hash = createHash('sha256');
  for (const c of chunks) hash.update(c);
  return hash.digest('hex');
}

async function hashFile(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) {
    const buf = chunk as Buffer;
    hash.update(buf);
    size += buf.length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** Makes the rename itself durable (the new directory entry), not only the file's bytes. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
