/**
 * Stream heads this store instance knows, so an append can skip reading the head. A stale head is harmless: the
 * batch is sealed for it and appended with it as the concrete expected revision, so the server refuses the append
 * (a conflict) and the store reads the real head and tries again. Bounded: the oldest entry goes first.
 */
import { GENESIS_HASH } from '../../../events';

export interface Head {
  readonly revision: number | 'no-stream';
  readonly hash: string;
  readonly recordedAt: string | undefined;
  /**
   * Set when the stream was soft-deleted and not written since: it reads as missing (revision 'no-stream' for the
   * caller), yet the server numbers the next event after `lastRevision`, and expects NO_STREAM.
   */
  readonly deleted?: { readonly lastRevision: number };
}

export const NO_HEAD: Head = { revision: 'no-stream', hash: GENESIS_HASH, recordedAt: undefined };

/** The stream read as missing (new, or soft-deleted: its metadata says which). */
export const MISSING = 'missing' as const;

export class HeadCache {
  private readonly heads = new Map<string, Head | typeof MISSING>();

  constructor(private readonly capacity: number) {}

  get(streamId: string): Head | typeof MISSING | undefined {
    return this.heads.get(streamId);
  }

  set(streamId: string, head: Head | typeof MISSING): void {
    if (this.capacity === 0) return;
    this.heads.delete(streamId); // re-inserted last: the most recently used goes last
    this.heads.set(streamId, head);
    if (this.heads.size > this.capacity) this.heads.delete(this.heads.keys().next().value!);
  }

  forget(streamId: string): void {
    this.heads.delete(streamId);
  }
}
