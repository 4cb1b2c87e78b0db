/** Commands on a list's own stream: the importer records each file it imported (events/list-events.ts). */
import type * as t from 'io-ts';
import { ListFileImportedData } from '../../../events';

/** The command carries exactly what the event records: the importer has already planned and counted. */
export const RecordListFileImport = ListFileImportedData;
export type RecordListFileImport = t.TypeOf<typeof RecordListFileImport>;

export const listStream = (list: string) => `list-${list}`;
