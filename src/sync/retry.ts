/**
 * Retries with exponential backoff and full jitter (a random wait in [0, base * 2^attempt], capped), so that
 * many ledgers failing at once do not come back in step; a server's Retry-After wins when it says longer.
 */
import { FetchError } from './fetch-errors';

export interface RetryPolicy {
  readonly attempts: number;
  readonly baseMs: number;
  readonly maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseMs: 500, maxMs: 30_000 };

export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(policy.maxMs, policy.baseMs * 2 ** attempt));
}

export async function withRetries<T>(run: () => Promise<T>, policy: RetryPolicy, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof FetchError) || !error.retryable || attempt + 1 >= policy.attempts) throw error;
      await sleep(Math.min(policy.maxMs, Math.max(backoffMs(attempt, policy), error.retryAfterMs ?? 0)));
    }
  }
}
