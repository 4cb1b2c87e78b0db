/**
 * Bearer-token authentication and the two roles (DESIGN.md section 10). Every route declares its access level
 * in `config.access`; a route that declares none is treated as a read, so forgetting it fails closed.
 *
 *   public  health, readiness, the OpenAPI document and /docs
 *   read    queries (reader or writer; no token at all when LEDGER_PUBLIC_READS=true)
 *   write   commands and verify (writer only)
 *
 * 401 (with WWW-Authenticate: Bearer, RFC 6750) for a missing, malformed, unknown or expired token; 403 for a
 * reader calling a write. The token itself is never logged: only the principal's name is attached to the log.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { matchToken, type AuthConfig, type PrincipalKind, type Role } from './auth-config';

export type Access = 'public' | 'read' | 'write';

export interface Principal {
  /** The token's name: recorded as the actor of every command it submits. */
  readonly id: string;
  readonly kind: PrincipalKind;
  readonly role: Role;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

const REALM = 'Bearer realm="sanctions-ledger"';
// RFC 6750 section 2.1: the scheme is case-insensitive, one space, then a token68 string.
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i;

function challenge(reply: FastifyReply, status: 401 | 403, error: string, description: string) {
  const header =
    error === 'missing' ? REALM : `${REALM}, error="${error}", error_description="${description.replace(/"/g, "'")}"`;
  return reply
    .code(status)
    .header('www-authenticate', header)
    .send({ error: status === 401 ? 'unauthorized' : 'forbidden', message: description });
}

export function registerAuth(app: FastifyInstance, config: AuthConfig): void {
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    // Unknown routes answer 404 whoever asks; there is nothing behind them to protect.
    if (request.is404) return;
    const access: Access = request.routeOptions.config.access ?? 'read';
    if (access === 'public') return;

    const header = request.headers.authorization;
    if (header === undefined || header === '') {
      if (access === 'read' && config.publicReads) return;
      return challenge(reply, 401, 'missing', 'this route needs a bearer token: Authorization: Bearer <token>');
    }
    const match = BEARER.exec(header);
    if (match === null) return challenge(reply, 401, 'invalid_request', 'the Authorization header must be "Bearer <token>"');
    const found = matchToken(config, match[1]!);
    if (!found.ok) {
      return challenge(reply, 401, 'invalid_token', found.reason === 'expired' ? 'the token has expired' : 'unknown token');
    }
    const principal: Principal = { id: found.token.name, kind: found.token.kind, role: found.token.role };
    if (access === 'write' && principal.role !== 'writer') {
      return challenge(reply, 403, 'insufficient_scope', `token "${principal.id}" has the reader role; this route needs a writer`);
    }
    request.principal = principal;
    // Who did what is worth having on every line of the request, including Fastify's "request completed".
    request.log = request.log.child({ principal: principal.id });
    reply.log = request.log;
  });
}
