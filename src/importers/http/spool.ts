/**
 * Uploads are spooled to disk (never held whole in memory), one directory per request under the spool root:
 * `sanctions-import-<pid>-<random>/`. The pid in the name lets a restarted service remove what a killed one left
 * behind (a SIGKILL runs no cleanup) without touching the live uploads of another service sharing the root.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const PREFIX = 'sanctions-import-';
const GZIP_MAGIC = [0x1f, 0x8b];

/** A refusal of the upload itself (size, compression): the route answers it with the status and body. */
export class UploadRefusedError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.message));
  }
}

export const tooLarge = (limit: number) =>
  new UploadRefusedError(413, { error: 'payload-too-large', message: `the file is larger than the ${limit} byte limit of this route` });

/** A multipart set is bounded as a whole: four parts each under the limit must not add up to four times it. */
export const tooLargeInTotal = (limit: number) =>
  new UploadRefusedError(413, { error: 'payload-too-large', message: `the files are larger than the ${limit} byte limit of this route (all files together)` });

export const compressed = () =>
  new UploadRefusedError(415, { error: 'unsupported-media-type', message: 'compressed content is not supported; send the XML or CSV file itself' });

export const newSpoolDir = (root: string) => mkdtemp(join(root, `${PREFIX}${process.pid}-`));

/**
 * Streams one file to `<dir>/<name>`, refusing it past `limit` bytes or when it starts with the gzip magic
 * bytes (a .gz sent as octet-stream would otherwise fail as "line 1: not XML").
 */
export async function spoolFile(payload: Readable, dir: string, name: string, limit: number, refusal: () => UploadRefusedError = () => tooLarge(limit)): Promise<string> {
  const path = join(dir, name);
  let bytes = 0;
  await pipeline(
    payload,
    async function* (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        if (bytes === 0 && chunk[0] === GZIP_MAGIC[0] && (chunk.length < 2 || chunk[1] === GZIP_MAGIC[1])) throw compressed();
        bytes += chunk.length;
        if (bytes > limit) throw refusal();
        yield chunk;
      }
    },
    createWriteStream(path),
  );
  return path;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Removes the spool directories of processes that no longer run; returns their names. */
export async function sweepStaleSpools(root: string): Promise<string[]> {
  const names = await readdir(root).catch(() => [] as string[]);
  const stale = names.filter((name) => {
    const pid = new RegExp(`^${PREFIX}(\\d+)-`).exec(name)?.[1];
    return pid !== undefined && Number(pid) !== process.pid && !alive(Number(pid));
  });
  await Promise.all(stale.map((name) => rm(join(root, name), { recursive: true, force: true })));
  return stale;
}
