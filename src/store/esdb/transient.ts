/** Errors after which an EventStoreDB connection may come back (leader election, network blip): retried, never final. */
import { CancelledError, DeadlineExceededError, NotLeaderError, TimeoutError, UnavailableError } from '@eventstore/db-client';
import { StoreDeadlineExceededError } from '../event-store';

export function isTransient(error: unknown): boolean {
  return (
    error instanceof UnavailableError ||
    error instanceof CancelledError ||
    error instanceof DeadlineExceededError ||
    error instanceof StoreDeadlineExceededError ||
    error instanceof TimeoutError ||
    error instanceof NotLeaderError
  );
}
