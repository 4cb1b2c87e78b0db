/**
 * The client's catch-up subscription (`subscribeToAll` → `AllStreamSubscription`, dist/types/index.d.ts) is a Node
 * Readable in object mode (`ReadableSubscription<AllStreamResolvedEvent>`, with `unsubscribe(): Promise<void>`) that
 * also emits `caughtUp` and `fellBehind` (`CatchupSubscription`) as side events. Those side events are emitted from
 * the stream's `_transform` (dist/streams/utils/Subscription.js) at the moment the server's message is transformed,
 * which is NOT in step with the data: events pushed before it may still sit in the readable buffer. So a marker is
 * placed after `received + readableLength` events, i.e. after every event the server sent before it.
 *
 * Backpressure: events go into a bounded queue; at the high-water mark the stream is paused (its own buffer then
 * fills, the pipe from the gRPC call stops reading and HTTP/2 flow control holds the server back); it resumes once
 * the consumer has drained the queue to half.
 */
import type { Readable } from 'node:stream';
import type { AllStreamResolvedEvent } from '@eventstore/db-client';

/** What the wrapper needs of `AllStreamSubscription`. */
export interface SubscriptionStream extends Readable {
  unsubscribe(): Promise<void>;
}

export type SubscriptionSignal =
  | { readonly kind: 'event'; readonly resolved: AllStreamResolvedEvent }
  /**
   * `server`: the server said the subscription is live and everything before has been delivered.
   * `drained`: live, and every event received so far has been delivered (emitted once per batch).
   */
  | { readonly kind: 'caught-up'; readonly reason: 'server' | 'drained' };

type QueueItem = SubscriptionSignal | { readonly kind: 'fell-behind' };

export interface IterateOptions {
  /** Stops the iteration (then it unsubscribes and ends without error). */
  readonly signal: AbortSignal;
  /** Queue length at which the stream is paused. */
  readonly highWaterMark?: number;
  /**
   * The subscriber already caught up by reads before subscribing: live from the first event, so 'drained' markers
   * come without the server's CaughtUp (which servers before 23.10 never send).
   */
  readonly liveFromStart?: boolean;
  /** How long to wait for `unsubscribe()` when stopping. */
  readonly unsubscribeTimeoutMs?: number;
}

export async function* iterateSubscription(
  subscription: SubscriptionStream,
  options: IterateOptions,
): AsyncGenerator<SubscriptionSignal, void, undefined> {
  const { signal } = options;
  const highWater = Math.max(1, options.highWaterMark ?? 1000);
  const lowWater = Math.floor(highWater / 2);
  const queue: QueueItem[] = [];
  const markers: Array<{ readonly at: number; readonly item: QueueItem }> = [];
  let received = 0;
  let failure: { readonly error: unknown } | undefined;
  let ended = false;
  let wake: (() => void) | undefined;

  const notify = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const releaseMarkers = () => {
    while (markers.length > 0 && markers[0]!.at <= received) queue.push(markers.shift()!.item);
  };
  const onData = (resolved: AllStreamResolvedEvent) => {
    received += 1;
    queue.push({ kind: 'event', resolved });
    releaseMarkers();
    if (queue.length >= highWater && !subscription.isPaused()) subscription.pause();
    notify();
  };
  const marker = (item: QueueItem) => () => {
    // Every event pushed so far is either received already or still in the readable buffer.
    markers.push({ at: received + subscription.readableLength, item });
    releaseMarkers();
    notify();
  };
  const onCaughtUp = marker({ kind: 'caught-up', reason: 'server' });
  const onFellBehind = marker({ kind: 'fell-behind' });
  const onError = (error: unknown) => {
    failure ??= { error };
    notify();
  };
  const onEnd = () => {
    ended = true;
    notify();
  };

  subscription.on('data', onData);
  subscription.on('caughtUp', onCaughtUp);
  subscription.on('fellBehind', onFellBehind);
  subscription.on('error', onError);
  subscription.on('end', onEnd);
  subscription.on('close', onEnd);
  signal.addEventListener('abort', notify, { once: true });

  let live = options.liveFromStart ?? false;
  let sinceCaughtUp = 0;
  try {
    for (;;) {
      if (signal.aborted) return;
      const item = queue.shift();
      if (item === undefined) {
        if (failure !== undefined) throw failure.error;
        if (ended) return;
        if (live && sinceCaughtUp > 0) {
          sinceCaughtUp = 0;
          yield { kind: 'caught-up', reason: 'drained' };
          continue;
        }
        if (subscription.isPaused()) subscription.resume();
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
      if (queue.length <= lowWater && subscription.isPaused()) subscription.resume();
      switch (item.kind) {
        case 'event':
          sinceCaughtUp += 1;
          yield item;
          break;
        case 'caught-up':
          live = true;
          sinceCaughtUp = 0;
          yield item;
          break;
        case 'fell-behind':
          live = false;
          break;
      }
    }
  } finally {
    signal.removeEventListener('abort', notify);
    subscription.off('data', onData);
    subscription.off('caughtUp', onCaughtUp);
    subscription.off('fellBehind', onFellBehind);
    subscription.off('error', onError);
    subscription.off('end', onEnd);
    subscription.off('close', onEnd);
    // A late error (e.g. the cancelled call) must not become an unhandled 'error' event.
    subscription.on('error', () => undefined);
    await stop(subscription, options.unsubscribeTimeoutMs ?? 2000);
  }
}

async function stop(subscription: SubscriptionStream, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
    timer.unref();
  });
  try {
    await Promise.race([subscription.unsubscribe().catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
    subscription.destroy();
  }
}
