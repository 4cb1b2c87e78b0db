/**
 * Backpressure for one SSE stream. Node buffers what the socket cannot take yet; waiting for 'drain' whenever
 * write() reports a full buffer keeps that buffer at about its high-water mark (16 KiB) plus one event, so a
 * client that stops reading costs bounded memory (the kernel's socket buffers aside, which the OS bounds). A
 * client that has not drained for `maxWaitMs` is disconnected: it would otherwise hold a connection slot and
 * its place in the log for ever; it reconnects with Last-Event-ID and resumes after the last event it received.
 */
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';

/** Writes `chunk`; false when the client was too slow and its connection has been destroyed. */
export async function writeOrDrop(res: ServerResponse, chunk: string | Uint8Array, maxWaitMs: number, signal: AbortSignal): Promise<boolean> {
  if (res.write(chunk) || signal.aborted) return true;
  const gaveUp = AbortSignal.timeout(maxWaitMs);
  try {
    await once(res, 'drain', { signal: AbortSignal.any([signal, gaveUp]) });
    return true;
  } catch {
    if (!gaveUp.aborted || signal.aborted) return true; // the client went away by itself
    res.destroy();
    return false;
  }
}
