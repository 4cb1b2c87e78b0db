/**
 * One Server-Sent Events response, as every feed of the service opens it (the change feed, a watchlist's): the
 * headers, an opening comment, a heartbeat comment that keeps proxies from closing an idle stream, a signal that
 * fires when the client goes away, and one way to end it.
 */
import type { ServerResponse } from 'node:http';

export interface EventStream {
  /** Aborted when the client disconnects. */
  readonly signal: AbortSignal;
  /** Tells the client, as an event, that the feed failed and it should reconnect to resume. */
  fail(message: string): void;
  /** Stops the heartbeat and ends the response (once the stream is done, however it ended). */
  close(): void;
}

export function openEventStream(res: ServerResponse, opening: string, heartbeatMs: number): EventStream {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    // nginx would otherwise buffer the stream.
    'x-accel-buffering': 'no',
  });
  res.write(`: ${opening}\n\n`);
  const disconnected = new AbortController();
  const onClose = () => disconnected.abort();
  res.on('close', onClose);
  const heartbeat = setInterval(() => {
    if (!res.writableEnded && !res.destroyed) res.write(': heartbeat\n\n');
  }, heartbeatMs);
  return {
    signal: disconnected.signal,
    fail(message) {
      if (!res.destroyed) res.write(`event: feed-error\ndata: ${JSON.stringify({ message })}\n\n`);
    },
    close() {
      clearInterval(heartbeat);
      res.off('close', onClose);
      if (!res.writableEnded) res.end();
    },
  };
}
