/**
 * Bearer tokens from configuration (DESIGN.md section 10: reader and writer roles).
 *
 *   LEDGER_TOKENS="screening:reader:<token>,alice:writer:<token>"     (kind: service; no expiry)
 *   LEDGER_TOKENS_FILE=./tokens.json
 *     { "tokens": [ { "name": "alice", "role": "writer", "kind": "person", "token": "<token>",
 *                     "expiresAt": "2026-01-01T00:00:00Z" },
 *                   { "name": "screening", "role": "reader", "sha256": "<hex digest of the token>" } ] }
 *
 * Only SHA-256 digests are kept in memory: matching compares digests in constant time, so neither a token's
 * bytes nor its length leak through timing, and a file may hold digests instead of the secrets themselves.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { fieldErrors, formatFieldErrors, Instant, Sha256 } from '../../events';

export type Role = 'reader' | 'writer';
export type PrincipalKind = 'service' | 'person';

export interface TokenEntry {
  readonly name: string;
  readonly role: Role;
  readonly kind: PrincipalKind;
  readonly digest: Buffer;
  /** Epoch milliseconds after which the token is refused. */
  readonly expiresAt?: number;
}

export interface AuthConfig {
  readonly tokens: readonly TokenEntry[];
  /** LEDGER_PUBLIC_READS=true: GET queries need no token (writes and verify still do). */
  readonly publicReads: boolean;
}

export class AuthConfigError extends Error {
  override readonly name = 'AuthConfigError';
}

/** Short secrets can be guessed; configuration mistakes should fail at startup, not in production. */
const MIN_TOKEN_LENGTH = 16;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/;

export function digestOf(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

function checkSecret(token: string, where: string): Buffer {
  if (token.length < MIN_TOKEN_LENGTH) throw new AuthConfigError(`${where}: token shorter than ${MIN_TOKEN_LENGTH} characters`);
  if (/\s/.test(token)) throw new AuthConfigError(`${where}: token contains whitespace`);
  // The bearer header is parsed with RFC 6750's b64token alphabet (auth.ts): a token outside it could never be
  // presented, so it is refused at start rather than failing every request.
  if (!/^[A-Za-z0-9\-._~+/]+=*$/.test(token)) throw new AuthConfigError(`${where}: token has characters a bearer token cannot carry (RFC 6750: letters, digits, - . _ ~ + / and trailing =)`);
  return digestOf(token);
}

function checkName(name: string, where: string): string {
  if (!NAME.test(name)) throw new AuthConfigError(`${where}: token name "${name}" must be letters, digits, . _ @ -`);
  return name;
}

function checkRole(role: string, where: string): Role {
  if (role !== 'reader' && role !== 'writer') throw new AuthConfigError(`${where}: role must be reader or writer, not "${role}"`);
  return role;
}

/** `name:role:token,...`; the token is everything after the second colon, so it may itself hold colons. */
export function parseTokenList(value: string): TokenEntry[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map((item, index) => {
      const where = `LEDGER_TOKENS entry ${index + 1}`;
      const first = item.indexOf(':');
      const second = item.indexOf(':', first + 1);
      if (first < 0 || second < 0) throw new AuthConfigError(`${where}: expected name:role:token`);
      return {
        name: checkName(item.slice(0, first), where),
        role: checkRole(item.slice(first + 1, second), where),
        kind: 'service' as const,
        digest: checkSecret(item.slice(second + 1), `${where} (${item.slice(0, first)})`),
      };
    });
}

const FileToken = t.intersection([
  t.type({ name: t.string, role: t.keyof({ reader: null, writer: null }) }),
  t.partial({ token: t.string, sha256: Sha256, kind: t.keyof({ service: null, person: null }), expiresAt: Instant }),
]);
const TokenFile = t.union([t.type({ tokens: t.array(FileToken) }), t.array(FileToken)]);

export function parseTokenFile(text: string, fileName = 'LEDGER_TOKENS_FILE'): TokenEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new AuthConfigError(`${fileName}: not valid JSON (${(error as Error).message})`);
  }
  const decoded = TokenFile.decode(json);
  if (E.isLeft(decoded)) throw new AuthConfigError(`${fileName}: ${formatFieldErrors(fieldErrors(decoded.left))}`);
  const items = Array.isArray(decoded.right) ? decoded.right : decoded.right.tokens;
  return items.map((item, index) => {
    const where = `${fileName} token ${index + 1}`;
    if ((item.token === undefined) === (item.sha256 === undefined)) throw new AuthConfigError(`${where}: give exactly one of token or sha256`);
    return {
      name: checkName(item.name, where),
      role: item.role,
      kind: item.kind ?? 'service',
      digest: item.token === undefined ? Buffer.from(item.sha256!, 'hex') : checkSecret(item.token, `${where} (${item.name})`),
      ...(item.expiresAt === undefined ? {} : { expiresAt: Date.parse(item.expiresAt) }),
    };
  });
}

/** Both sources may be used together; a name or a secret given twice is a mistake worth stopping for. */
export function authConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AuthConfig {
  const tokens = [
    ...(env.LEDGER_TOKENS ? parseTokenList(env.LEDGER_TOKENS) : []),
    ...(env.LEDGER_TOKENS_FILE ? parseTokenFile(readTokenFile(env.LEDGER_TOKENS_FILE), env.LEDGER_TOKENS_FILE) : []),
  ];
  const names = new Set<string>();
  const digests = new Set<string>();
  for (const token of tokens) {
    if (names.has(token.name)) throw new AuthConfigError(`token name "${token.name}" is configured twice`);
    if (digests.has(token.digest.toString('hex'))) throw new AuthConfigError(`token "${token.name}" reuses another token's secret`);
    names.add(token.name);
    digests.add(token.digest.toString('hex'));
  }
  const publicReads = (env.LEDGER_PUBLIC_READS ?? 'false').toLowerCase();
  if (publicReads !== 'true' && publicReads !== 'false') {
    throw new AuthConfigError(`LEDGER_PUBLIC_READS must be true or false, not "${env.LEDGER_PUBLIC_READS}"`);
  }
  return { tokens, publicReads: publicReads === 'true' };
}

function readTokenFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new AuthConfigError(`LEDGER_TOKENS_FILE: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

export type TokenMatch = { readonly ok: true; readonly token: TokenEntry } | { readonly ok: false; readonly reason: 'unknown' | 'expired' };

/**
 * Finds the token whose digest equals the presented one. Every configured digest is compared (no early exit),
 * each with timingSafeEqual over equal-length SHA-256 digests, so timing reveals neither which token matched
 * nor how much of one did.
 */
export function matchToken(config: AuthConfig, presented: string, now = Date.now()): TokenMatch {
  const digest = digestOf(presented);
  let found: TokenEntry | undefined;
  for (const token of config.tokens) {
    if (timingSafeEqual(token.digest, digest) && found === undefined) found = token;
  }
  if (found === undefined) return { ok: false, reason: 'unknown' };
  if (found.expiresAt !== undefined && now >= found.expiresAt) return { ok: false, reason: 'expired' };
  return { ok: true, token: found };
}
