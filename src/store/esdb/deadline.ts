/**
 * Deadlines of the adapter's calls, kept on OUR monotonic timer. @eventstore/db-client 6.x puts no deadline of its own
 * on streaming reads and batch appends (their gRPC calls are opened with `deadline: Infinity`); the `deadline` option
 * it takes is sent to the server as an absolute time on the client's clock, which the server turns back into a
 * timeout against ITS clock and caps at its own write timeout. So the adapter sends that option (the server gives up
 * in about the same time when the clocks agree) and enforces the deadline itself: a call without an answer in time
 * fails with StoreDeadlineExceededError, whatever the clocks say.
 */
import type { StreamingRead } from '@eventstore/db-client';
import { StoreDeadlineExceededError } from '../event-store';

/** Default: the client's own default deadline (10 s), longer than the server's default write timeout (2 s). */
export const DEFAULT_DEADLINE_MS = 10_000;

/** `task` or, when it has not settled within `ms`, StoreDeadlineExceededError (after `onExpiry`, e.g. a cancel). */
export function withinDeadline<T>(
  ms: number,
  operation: string,
  task: Promise<T>,
  options: { readonly streamId?: string; readonly onExpiry?: () => void } = {},
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      options.onExpiry?.();
      reject(new StoreDeadlineExceededError(operation, ms, options.streamId));
    }, ms);
  });
  // A late rejection of the abandoned task must not become an unhandled rejection.
  task.catch(() => undefined);
  return Promise.race([task, expired]).finally(() => clearTimeout(timer));
}

/** Every item of a streaming read, within the deadline; an expired read is cancelled on the server. */
export function collectWithin<E>(ms: number, operation: string, read: StreamingRead<E>, streamId?: string): Promise<E[]> {
  const all = (async () => {
    const items: E[] = [];
    for await (const item of read) items.push(item);
    return items;
  })();
  return withinDeadline(ms, operation, all, {
    ...(streamId !== undefined ? { streamId } : {}),
    onExpiry: () => void read.cancel().catch(() => undefined),
  });
}

/**
 * The deadline a connection string asks for (`defaultDeadline=<ms>`, the client's own setting, matched as the client
 * matches it), else the default. A value that is not a positive integer is refused by name.
 */
export function deadlineFromConnectionString(connectionString: string): number {
  const query = connectionString.split('?')[1] ?? '';
  for (const pair of query.split('&')) {
    const [key, value = ''] = pair.split('=');
    // Matched as the client matches its options: case, '-' and '_' do not count.
    if (key?.trim().toLowerCase().replace(/[_-]/g, '') !== 'defaultdeadline') continue;
    const ms = Number(value);
    if (!Number.isSafeInteger(ms) || ms < 1) {
      throw new RangeError(`connection string: defaultDeadline must be a positive number of milliseconds, not "${value}"`);
    }
    return ms;
  }
  return DEFAULT_DEADLINE_MS;
}
