/**
 * Every command the ledger accepts: its input codec, the stream it addresses and the decider that rules on it.
 * Adding a command means adding one entry here; the handler, CLI and HTTP API read this table.
 */
import type * as t from 'io-ts';
import type { LedgerEvent } from '../../events';
import type { Decider } from '../domain/decider';
import { AdoptResolution, AmendResolution, RepealResolution } from '../domain/resolution/commands';
import { resolutionDecider } from '../domain/resolution/decider';
import { AmendDesignation, CorrectDesignation, DelistSubject, DesignateSubject } from '../domain/subject/commands';
import { subjectDecider } from '../domain/subject/decider';
import { RecordListFileImport, listStream } from '../domain/list/commands';
import { listDecider } from '../domain/list/decider';

export const subjectStream = (subjectId: string) => `subject-${subjectId}`;
export const resolutionStream = (resolutionId: string) => `resolution-${resolutionId}`;

interface CommandSpec<C extends t.Mixed> {
  readonly codec: C;
  readonly streamOf: (data: t.TypeOf<C>) => string;
  // The deciders are typed per stream; the handler treats them uniformly.
  readonly decider: Decider<any, any, any>;
  readonly summary: string;
}

function spec<C extends t.Mixed>(s: CommandSpec<C>): CommandSpec<C> {
  return s;
}

export const commandCatalogue = {
  AdoptResolution: spec({
    codec: AdoptResolution,
    streamOf: (d) => resolutionStream(d.resolutionId),
    decider: resolutionDecider,
    summary: 'record a legal act (resolution, regulation, executive order...)',
  }),
  AmendResolution: spec({
    codec: AmendResolution,
    streamOf: (d) => resolutionStream(d.resolutionId),
    decider: resolutionDecider,
    summary: 'record a change to a legal act from an effective date',
  }),
  RepealResolution: spec({
    codec: RepealResolution,
    streamOf: (d) => resolutionStream(d.resolutionId),
    decider: resolutionDecider,
    summary: 'record that a legal act lapsed or was repealed',
  }),
  DesignateSubject: spec({
    codec: DesignateSubject,
    streamOf: (d) => subjectStream(d.subjectId),
    decider: subjectDecider,
    summary: 'list a subject under a regime',
  }),
  AmendDesignation: spec({
    codec: AmendDesignation,
    streamOf: (d) => subjectStream(d.subjectId),
    decider: subjectDecider,
    summary: 'record a legal change to a listing from an effective date',
  }),
  CorrectDesignation: spec({
    codec: CorrectDesignation,
    streamOf: (d) => subjectStream(d.subjectId),
    decider: subjectDecider,
    summary: 'fix what the ledger recorded wrongly, from the original effective date',
  }),
  DelistSubject: spec({
    codec: DelistSubject,
    streamOf: (d) => subjectStream(d.subjectId),
    decider: subjectDecider,
    summary: 'end a designation on an effective date',
  }),
  RecordListFileImport: spec({
    codec: RecordListFileImport,
    streamOf: (d) => listStream(d.list),
    decider: listDecider,
    summary: 'record that a list file was imported (the evidence of what the list said on its date)',
  }),
} as const;

export type CommandType = keyof typeof commandCatalogue;
export const COMMAND_TYPES = Object.keys(commandCatalogue) as CommandType[];

export function isCommandType(type: string): type is CommandType {
  return Object.prototype.hasOwnProperty.call(commandCatalogue, type);
}

export type DecidedEvents = readonly LedgerEvent[];
