/**
 * Reads a list file as a stream of chunks while hashing it, so parsing, the sha256 fingerprint and progress
 * reporting all come from one pass over the bytes (the files are read once and never held whole in memory).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { SourceFileDigest } from '../listing';

// Each chunk is parsed in one go on the event loop: 64 KiB keeps that to a few milliseconds (issue 10 item 10).
const CHUNK_BYTES = 64 * 1024;

/** Cumulative byte counter shared by all files of a set, reporting to the caller's onProgress. */
export class Progress {
  private read = 0;
  private constructor(
    private readonly total: number,
    private readonly report: ((bytesRead: number, totalBytes: number) => void) | undefined,
  ) {}

  static async forFiles(paths: readonly string[], report?: (bytesRead: number, totalBytes: number) => void): Promise<Progress> {
    const sizes = await Promise.all(paths.map(async (p) => (await stat(p)).size));
    return new Progress(
      sizes.reduce((a, b) => a + b, 0),
      report,
    );
  }

  advance(bytes: number): void {
    this.read += bytes;
    this.report?.(this.read, this.total);
  }
}

export class SourceFile {
  readonly name: string;
  private readonly hash = createHash('sha256');
  private bytes = 0;
  private finished = false;

  constructor(
    readonly path: string,
    private readonly progress: Progress,
  ) {
    this.name = basename(path);
  }

  /** The file's bytes, chunk by chunk; consume it once. */
  async *chunks(): AsyncGenerator<Buffer> {
    for await (const chunk of createReadStream(this.path, { highWaterMark: CHUNK_BYTES })) {
      const buf = chunk as Buffer;
      this.hash.update(buf);
      this.bytes += buf.length;
      this.progress.advance(buf.length);
      yield buf;
    }
    this.finished = true;
  }

  /** Fingerprint of the bytes read; only meaningful once chunks() has run to the end. */
  digest(): SourceFileDigest {
    if (!this.finished) throw new Error(`${this.name} was not read to the end`);
    return { name: this.name, sha256: this.hash.digest('hex'), bytes: this.bytes };
  }
}
