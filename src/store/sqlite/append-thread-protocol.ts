/**
 * Messages between the store and its append thread (append-thread.ts, append-worker.ts). An append travels as
 * `events` messages of a few hundred events each (so that no single copy holds the event loop long), then one
 * `write` naming the streams; the thread answers the write with what AppendWriter answered, or with the error.
 */
import { CommandIdInUseError, WrongExpectedRevisionError, type ExpectedRevision } from '../event-store';
import type { SerialisedEvent, WrittenBatch } from './append-writer';

export type ToAppendThread =
  | { readonly kind: 'events'; readonly id: number; readonly events: readonly SerialisedEvent[] }
  /** The streams in order, each taking the next `count` of the events sent under this id. */
  | { readonly kind: 'write'; readonly id: number; readonly streams: readonly StreamOfWrite[]; readonly now: Date | undefined }
  /** Forget the events sent under this id: the append was abandoned before its write. */
  | { readonly kind: 'discard'; readonly id: number }
  /** Close the connection and end the thread. */
  | { readonly kind: 'close' };

export interface StreamOfWrite {
  readonly streamId: string;
  readonly expectedRevision: ExpectedRevision;
  readonly count: number;
}

export type FromAppendThread = { readonly id: number; readonly ok: true; readonly written: WrittenBatch } | { readonly id: number; readonly ok: false; readonly error: ThreadError };

/** An error as it crosses threads: the store's own errors keep their class and fields, others their name, message and SQLite code. */
export type ThreadError =
  | { readonly kind: 'wrong-revision'; readonly streamId: string; readonly expected: ExpectedRevision; readonly actual: number | 'no-stream' }
  | { readonly kind: 'command-id-in-use'; readonly commandId: string; readonly boundTo: string; readonly streamId: string }
  | { readonly kind: 'failed'; readonly name: string; readonly message: string; readonly code: string | undefined };

export function toThreadError(error: unknown): ThreadError {
  if (error instanceof WrongExpectedRevisionError) return { kind: 'wrong-revision', streamId: error.streamId, expected: error.expected, actual: error.actual };
  if (error instanceof CommandIdInUseError) return { kind: 'command-id-in-use', commandId: error.commandId, boundTo: error.boundTo, streamId: error.streamId };
  const { name, message, code } = error instanceof Error ? (error as Error & { code?: unknown }) : { name: 'Error', message: String(error), code: undefined };
  return { kind: 'failed', name, message, code: typeof code === 'string' ? code : undefined };
}

/** A failure with a SQLite code (SQLITE_BUSY, SQLITE_FULL...) from the append thread. */
export class AppendThreadError extends Error {
  constructor(
    name: string,
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = name;
  }
}

export function fromThreadError(error: ThreadError): Error {
  switch (error.kind) {
    case 'wrong-revision':
      return new WrongExpectedRevisionError(error.streamId, error.expected, error.actual);
    case 'command-id-in-use':
      return new CommandIdInUseError(error.commandId, error.boundTo, error.streamId);
    case 'failed':
      return new AppendThreadError(error.name, error.message, error.code);
  }
}
