/** Who issues a command and from which source: required on every command (DESIGN.md section 5). */
import * as t from 'io-ts';
import { Actor, NonEmptyString, Source } from '../../events';

/** The longest command, correlation or causation id: ids are copied into every event and notification. */
export const MAX_COMMAND_ID_LENGTH = 200;

/** A caller-chosen id: visible, printable, bounded (a 700 KB id once halted every notification). */
const CommandRef = t.refinement(
  NonEmptyString,
  (s) => s.length <= MAX_COMMAND_ID_LENGTH && !/[\p{C}]/u.test(s),
  `an id of at most ${MAX_COMMAND_ID_LENGTH} printable characters`,
);

export const CommandMetadata = t.exact(
  t.intersection([
    t.type({ actor: Actor, source: Source }),
    t.partial({ commandId: CommandRef, correlationId: CommandRef, causationId: CommandRef }),
  ]),
  'CommandMetadata',
);
export type CommandMetadata = t.TypeOf<typeof CommandMetadata>;
