/**
 * Command ids the importer derives and then reads back as state (src/importers/import/command-builders.ts and
 * retraction-ids.ts): `import:<list>:<date>:...` tells which publication a list was last imported from,
 * `retract:<list>:<date>:...` that an import was withdrawn. A client command under such an id would forge that
 * state (lock a list with a date of 2099, or unlock it by a fake retraction), so only the importer may use them.
 */
import type { InvalidCommand } from './outcomes';
import { invalid } from './outcomes';

export const RESERVED_COMMAND_ID_PREFIXES = ['import:', 'retract:'] as const;

/** The refusal of a client's command id in a reserved namespace, or undefined when the id is the client's to use. */
export function reservedCommandId(metadata: unknown): InvalidCommand | undefined {
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  const { commandId } = metadata as { commandId?: unknown };
  if (typeof commandId !== 'string') return undefined;
  const prefix = RESERVED_COMMAND_ID_PREFIXES.find((p) => commandId.startsWith(p));
  if (prefix === undefined) return undefined;
  return invalid([{ path: 'commandId', expected: `an id not starting with ${RESERVED_COMMAND_ID_PREFIXES.join(' or ')} (reserved for the importer)`, actual: JSON.stringify(commandId.slice(0, 60)) }]);
}
