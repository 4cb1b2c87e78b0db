/**
 * The decider of a list's stream. Its one rule is about the evidence itself: the digest recorded for the file
 * set must be the one its files give (file-digest.ts), so the evidence of a file can be checked against the
 * archived document. Order of publications is the importer's rule (it refuses an older file before planning),
 * not repeated here: a retracted import lets an earlier date in again, which this stream alone cannot know.
 */
import type { ListEvent } from '../../../events';
import { accept, refuse, type Decider } from '../decider';
import type { RecordListFileImport } from './commands';
import { fileSetDigest } from './file-digest';

export interface ListStreamState {
  /** publishedOn -> sha256 of every file recorded, in order. */
  readonly files: readonly { readonly publishedOn: string; readonly sha256: string }[];
}

export type ListCommand = { readonly type: 'RecordListFileImport'; readonly data: RecordListFileImport };

export const listDecider: Decider<ListCommand, ListEvent, ListStreamState> = {
  initialState: () => ({ files: [] }),
  evolve: (state, event) => ({ files: [...state.files, { publishedOn: event.data.publishedOn, sha256: event.data.sha256 }] }),
  decide: (command) => {
    const { data } = command;
    const expected = fileSetDigest(data.files);
    if (data.sha256 !== expected) {
      return refuse('file-digest-mismatch', 'sha256', `sha256 ${data.sha256} is not the digest of the files recorded (${expected})`);
    }
    return accept({ type: 'ListFileImported' as const, data });
  },
};
