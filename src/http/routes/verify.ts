/**
 * `POST /verify`: recompute every hash chain (DESIGN.md section 6). It reads the whole log, so it is a writer's
 * (operator's) action and a POST, not a GET that a crawler or a dashboard could fire at will; concurrent calls
 * share one run instead of each starting another full scan.
 */
import type { FastifyInstance } from 'fastify';
import type { VerifyReport } from '../../audit/verify';
import type { Ledger } from '../../ledger';
import { checkKnownParameters, type RawQuery } from '../query-params';
import { errorResponses } from '../schemas';

export async function verifyRoutes(app: FastifyInstance, options: { ledger: Ledger }): Promise<void> {
  let running: Promise<VerifyReport> | undefined;

  app.post(
    '/verify',
    {
      config: { access: 'write' },
      schema: {
        tags: ['operations'],
        summary: 'recompute every hash chain and report the first altered, missing or reordered event (writer role)',
        security: [{ bearer: [] }],
        response: {
          200: {
            description: 'the report: ok true when every chain is intact, otherwise firstBreak says where',
            type: 'object',
            properties: { ok: { type: 'boolean' }, eventsChecked: { type: 'integer' }, streamsChecked: { type: 'integer' }, firstBreak: { type: 'object', additionalProperties: true } },
          },
          ...errorResponses(401, 403),
        },
      },
    },
    async (request) => {
      checkKnownParameters(request.query as RawQuery, []);
      // A broken chain is the answer to the question asked, not a failed request: 200 with ok false.
      running ??= options.ledger.verify().finally(() => {
        running = undefined;
      });
      return running;
    },
  );
}
