/** How `sanctions-ledger screen` reads its options. */

/** A number option as typed: "abc" stays a string so the codec names the option instead of screening at NaN. */
export const numberOrText = (value: string) => (/^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value);

/** The fields that were given: commander leaves an option that was not given undefined, the codecs want it absent. */
export const givenOnly = (fields: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
