/** Who issues a command and from which source: required on every command (DESIGN.md section 5). */
import * as t from 'io-ts';
import { Actor, NonEmptyString, Source } from '../../events';

export const CommandMetadata = t.exact(
  t.intersection([
    t.type({ actor: Actor, source: Source }),
    t.partial({ commandId: NonEmptyString, correlationId: NonEmptyString, causationId: NonEmptyString }),
  ]),
  'CommandMetadata',
);
export type CommandMetadata = t.TypeOf<typeof CommandMetadata>;
