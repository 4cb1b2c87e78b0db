/**
 * The three commands an import issues, built from a list entry and the ledger's current view, each with a
 * command id derived from its content: the same file imported twice, or an import re-run after a crash,
 * produces the same ids, and the command handler appends nothing for an id already in the stream.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../audit/canonical-json';
import type { DesignationAttributes } from '../../../projections/designation-state';
import type { Listing, ListSnapshot } from '../listing';
import type { AmendableField } from './designation-attributes';
import type { CurrentDesignation } from './current-view';
import { snapshotRef } from './provenance';

export type Action = 'designate' | 'amend' | 'delist';

export interface PlannedCommand {
  /** The entry's authority reference (QDi.168, 12345...). */
  readonly entry: string;
  readonly subjectId: string;
  readonly regime: string;
  readonly action: Action;
  readonly effectiveFrom: string;
  /** For amendments: the fields that changed. */
  readonly fields?: readonly AmendableField[];
  readonly command: { readonly type: 'DesignateSubject' | 'AmendDesignation' | 'DelistSubject'; readonly data: Record<string, unknown> };
  readonly commandId: string;
}

type Snapshot = Pick<ListSnapshot, 'list' | 'authority' | 'publishedOn' | 'files'>;

const fileNames = (snapshot: Snapshot) => snapshot.files.map((f) => f.name).join(' + ');

/**
 * `import:<list>:<publishedOn>:<entry>:<regime>:<action>:<hash>`. Content, not position in the file: list,
 * entry, regime and action name the command, the hash pins what it says. The publication date sits at a fixed
 * place so the view can find earlier imports' dates in the history's command_id column without parsing JSON.
 */
export const commandIdPrefix = (list: string) => `import:${list}:`;

function planned(snapshot: Snapshot, base: Omit<PlannedCommand, 'commandId'>): PlannedCommand {
  const hash = createHash('sha256').update(canonicalJson(base.command)).digest('hex').slice(0, 16);
  return { ...base, commandId: `${commandIdPrefix(snapshot.list)}${snapshot.publishedOn}:${base.entry}:${base.regime}:${base.action}:${hash}` };
}

export function designateCommand(snapshot: Snapshot, subjectId: string, listing: Listing, regime: string, attributes: DesignationAttributes, effectiveFrom: string): PlannedCommand {
  return planned(snapshot, {
    entry: listing.authorityReference,
    subjectId,
    regime,
    action: 'designate',
    effectiveFrom,
    command: {
      type: 'DesignateSubject',
      data: {
        subjectId,
        kind: listing.kind,
        regime,
        authority: snapshot.authority,
        identity: attributes.identity,
        measures: attributes.measures,
        legalBasis: attributes.legalBasis,
        effectiveFrom,
        authorityReference: attributes.authorityReference,
        publishedOn: snapshot.publishedOn,
        ...(attributes.reasons === undefined ? {} : { reasons: attributes.reasons }),
      },
    },
  });
}

export function amendCommand(snapshot: Snapshot, target: CurrentDesignation, entry: string, changes: Partial<DesignationAttributes>, fields: readonly AmendableField[], effectiveFrom: string): PlannedCommand {
  const ref = snapshotRef(snapshot);
  return planned(snapshot, {
    entry,
    subjectId: target.subjectId,
    regime: target.regime,
    action: 'amend',
    effectiveFrom,
    fields,
    command: {
      type: 'AmendDesignation',
      data: {
        subjectId: target.subjectId,
        regime: target.regime,
        designationId: target.designationId,
        effectiveFrom,
        changes,
        legalBasis: [ref],
        publishedOn: snapshot.publishedOn,
        reason: `Entry ${entry} changed (${fields.join(', ')}) in the ${snapshot.list} list published ${snapshot.publishedOn} (${fileNames(snapshot)}); the file does not name the amending act, so the legal basis recorded is the snapshot reference ${ref}.`,
      },
    },
  });
}

export function delistCommand(snapshot: Snapshot, target: CurrentDesignation, entry: string, effectiveFrom: string, entryStillListed: boolean): PlannedCommand {
  const ref = snapshotRef(snapshot);
  const what = entryStillListed ? `Entry ${entry} is no longer listed under ${target.regime}` : `Entry ${entry} is absent`;
  return planned(snapshot, {
    entry,
    subjectId: target.subjectId,
    regime: target.regime,
    action: 'delist',
    effectiveFrom,
    command: {
      type: 'DelistSubject',
      data: {
        subjectId: target.subjectId,
        regime: target.regime,
        designationId: target.designationId,
        effectiveFrom,
        legalBasis: [ref],
        publishedOn: snapshot.publishedOn,
        reason: `${what} in the ${snapshot.list} list published ${snapshot.publishedOn} (${fileNames(snapshot)}), the first import where it is missing; the file does not name the delisting act, so the legal basis recorded is the snapshot reference ${ref}.`,
      },
    },
  });
}
