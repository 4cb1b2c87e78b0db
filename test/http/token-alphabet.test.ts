/** Tokens (issue 10, item 14): what the configuration accepts works end to end; what cannot travel is refused at start. */
import { describe, expect, it } from 'vitest';
import { parseTokenFile, parseTokenList, AuthConfigError } from '../../src/http/auth-config';
import { bearer, designation, testService } from './support';

describe('token alphabet', () => {
  it('given a writer token using the whole RFC 6750 alphabet, when it is configured and presented, then the write is accepted', async () => {
    const token = 'Az09-._~+/0123456789abcdef==';
    const service = await testService({ auth: { tokens: parseTokenList(`odd:writer:${token}`), publicReads: false } as never });
    try {
      const response = await service.app.inject({ method: 'POST', url: '/commands/DesignateSubject', headers: bearer(token), payload: designation('tok-1') });
      expect(response.statusCode).toBe(201);
    } finally {
      await service.close();
    }
  });

  for (const secret of ['a:b:0123456789abcdef-colons', 'bang!#$%0123456789abcdef']) {
    it(`given the token ${JSON.stringify(secret.slice(0, 6))}... in LEDGER_TOKENS, when parsed at start, then refused naming the name, never the token`, () => {
      expect(() => parseTokenList(`carol:writer:${secret}`)).toThrow(/carol.*RFC 6750/);
      expect(() => parseTokenList(`carol:writer:${secret}`)).not.toThrow(secret);
    });
  }

  it('given a non-ASCII token in LEDGER_TOKENS, when parsed at start, then refused naming the entry and name, never the token', () => {
    const secret = 'pässwörd-0123456789abcdef';
    expect(() => parseTokenList(`alice:writer:${secret}`)).toThrow(AuthConfigError);
    try {
      parseTokenList(`alice:writer:${secret}`);
    } catch (error) {
      expect((error as Error).message).toContain('alice');
      expect((error as Error).message).not.toContain(secret);
    }
  });

  it('given a non-ASCII token in the tokens file, when parsed at start, then refused naming the name, never the token', () => {
    const secret = 'tökén-0123456789abcdef-xyz';
    const text = JSON.stringify({ tokens: [{ name: 'bob', role: 'reader', token: secret }] });
    try {
      parseTokenFile(text);
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(AuthConfigError);
      expect((error as Error).message).toContain('bob');
      expect((error as Error).message).not.toContain(secret);
    }
  });
});
