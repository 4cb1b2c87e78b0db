/**
 * The web pages (issue 15, DESIGN.md section 14) as a Fastify plugin: serves the built bundle (`web/dist`, from
 * `npm run build:web`) under `/ui/`. The pages' files are public (they hold no data); every data call they make
 * carries the bearer token the sign-in page keeps in sessionStorage, so the API's own checks still apply.
 *
 *   await app.register(webPages);
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

export const WEB_PREFIX = '/ui/';
export const DEFAULT_WEB_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../web/dist');

export interface WebPagesOptions {
  /** The built bundle; default `web/dist` of this checkout. */
  readonly root?: string;
}

// Not wrapped in fastify-plugin on purpose: the onRoute hook must stay inside this plugin's own routes.
export const webPages: FastifyPluginAsync<WebPagesOptions> = async (app, options) => {
  const root = options.root ?? DEFAULT_WEB_ROOT;
  // Routes of this plugin only: the auth hook reads `config.access`, and a page's HTML/JS/CSS needs no token.
  app.addHook('onRoute', (route) => {
    route.config = { ...(route.config ?? {}), access: 'public' };
  });
  // Pages are not API: kept out of the OpenAPI document (whose tests require a token on every read there).
  const hidden = { schema: { hide: true } };
  app.get('/ui', hidden, async (_request, reply) => reply.redirect(WEB_PREFIX));
  if (!existsSync(join(root, 'index.html'))) {
    // A checkout whose bundle was never built: say how to build it rather than answer a bare 404.
    app.get('/ui/*', hidden, async (_request, reply) =>
      reply.code(503).type('text/plain; charset=utf-8').send('The web pages are not built: run `npm run build:web` (npm start does it when needed).\n'),
    );
    return;
  }
  await app.register(fastifyStatic, { root, prefix: WEB_PREFIX, decorateReply: false, index: ['index.html'] });
};
