/**
 * JSON nested thousands of levels deep overflows the stack of whatever walks it later (codecs, canonical
 * JSON), so the CLI and the HTTP API refuse it before parsing. Commands nest about 5 levels.
 */
export const MAX_JSON_DEPTH = 64;

/** True when arrays/objects in the JSON text nest deeper than max (strings skipped); one pass, no parse. */
export function nestedDeeperThan(text: string, max: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
