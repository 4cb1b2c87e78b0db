/**
 * The CLI option a field or query parameter is given by, for messages: the codecs and the queries name fields as
 * the HTTP API does (asOf), while a CLI user typed --as-of.
 */
const OPTION_OF: Record<string, string> = { asOf: '--as-of', knownAt: '--known-at', regimes: '--regime', birthDate: '--birth-date', identifiers: '--identifier' };
export const optionName = (path: string) => OPTION_OF[path.split('.')[0]!] ?? `--${path.split('.')[0]}`;
