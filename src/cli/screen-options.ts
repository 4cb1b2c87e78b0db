/** How `sanctions-ledger screen` names its options in messages, and how it reads number options. */
const OPTION_OF: Record<string, string> = { asOf: '--as-of', knownAt: '--known-at', regimes: '--regime', birthDate: '--birth-date', identifiers: '--identifier' };
export const optionName = (path: string) => OPTION_OF[path.split('.')[0]!] ?? `--${path.split('.')[0]}`;

/** A number option as typed: "abc" stays a string so the codec names the option instead of screening at NaN. */
export const numberOrText = (value: string) => (/^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value);

/** The fields that were given: commander leaves an option that was not given undefined, the codecs want it absent. */
export const givenOnly = (fields: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
