/**
 * The JSON body parser: Fastify's own (secure-json-parse, refusing `__proto__` and `constructor.prototype`
 * keys), but with a 400 that says what is wrong and where. Fastify's default reports only "Body is not valid
 * JSON", which leaves a client with a 50 KB command to hunt for the stray comma.
 */
import type { FastifyInstance } from 'fastify';
import { HttpError } from './errors';
import { firstDuplicateKey } from '../json/duplicate-keys';
import { MAX_JSON_DEPTH, nestedDeeperThan } from '../json/nesting';
import { decodeUtf8, InvalidUtf8Error } from '../text/utf8';

const BODILESS_METHODS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);
const malformed = (message: string) => new HttpError(400, { error: 'malformed-json', message });

export function registerJsonParser(app: FastifyInstance, bodyLimit: number): void {
  const secureParse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (request, body, done) => {
    let text: string;
    try {
      text = decodeUtf8(body as Buffer);
    } catch (error) {
      if (!(error instanceof InvalidUtf8Error)) throw error;
      return done(malformed(`the body is not UTF-8, as JSON must be (RFC 8259): ${error.message}`), undefined);
    }
    if (text.trim() === '') {
      // Many clients label a bodiless DELETE or GET as JSON; those routes read no body, so nothing is wrong.
      if (BODILESS_METHODS.has(request.method)) return done(null, undefined);
      return done(malformed('the body is empty; send a JSON object'), undefined);
    }
    if (nestedDeeperThan(text, MAX_JSON_DEPTH)) return done(malformed(`the body nests arrays or objects deeper than ${MAX_JSON_DEPTH} levels`), undefined);
    secureParse(request, text, (error, value) => {
      if (error === null) {
        const duplicate = firstDuplicateKey(text);
        if (duplicate !== undefined) return done(malformed(`the body gives the key ${duplicate} twice; give each key once`), undefined);
        return done(null, value);
      }
      try {
        JSON.parse(text);
      } catch (parseError) {
        return done(malformed(`the request body is not valid JSON: ${describe(parseError as Error, text)}`), undefined);
      }
      // Plain JSON.parse accepted it, so the secure parser refused a prototype-poisoning key.
      return done(malformed('the body sets "__proto__" or "constructor.prototype", which is refused'), undefined);
    });
  });
}

/** V8's message, plus line and column when it gives a position (easier to find than an offset). */
function describe(error: Error, text: string): string {
  const position = /at position (\d+)/.exec(error.message)?.[1];
  if (position === undefined) return error.message;
  const before = text.slice(0, Number(position));
  const line = before.split('\n').length;
  const column = Number(position) - before.lastIndexOf('\n');
  return `${error.message} (line ${line}, column ${column})`;
}
