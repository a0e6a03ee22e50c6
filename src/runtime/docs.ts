import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ServedApi } from './operation.ts';

const require = createRequire(import.meta.url);

// The installed package carries Scalar's script in dist/assets; a checkout reads it from node_modules.
const bundledScript = join(import.meta.dirname, '..', '..', 'assets', 'api-reference.js');
const scalarScript = (): string => (existsSync(bundledScript) ? bundledScript : require.resolve('@scalar/api-reference/browser/standalone.js'));

/**
 * Scalar's settings for a page that reaches no host but this server: no web fonts from
 * fonts.scalar.com (the system's fonts), no request proxy (proxy.scalar.com; "Try it" calls the
 * API directly, as the same origin), no AI agent ("Ask AI"), no toolbar offering to deploy or
 * share the document through Scalar's services, no telemetry. An offline clinic has none of them.
 */
export const referenceConfiguration = {
  withDefaultFonts: false,
  proxyUrl: '',
  agent: { disabled: true },
  showDeveloperTools: 'never',
  telemetry: false,
} as const;

/**
 * Serves each contract's bundled OpenAPI document at `<base>/openapi.json` and, unless `reference`
 * is off, an API reference page at `/docs<base>`, rendered by Scalar from its bundled script with
 * `referenceConfiguration`, so the page fetches nothing from the internet and offers nothing that
 * would. The index at `/docs` links GraphiQL where it is on.
 */
export function registerDocs(app: FastifyInstance, apis: Array<{ api: ServedApi; openapi: string }>, pages: { reference: boolean; graphiql: boolean } = { reference: true, graphiql: true }): void {
  for (const { api, openapi } of apis) app.get(`${api.basePath}/openapi.json`, async (_request, reply) => reply.type('application/json').send(openapi));
  if (!pages.reference) return;
  let script: string | undefined;
  app.get('/docs/assets/api-reference.js', async (_request, reply) => {
    script ??= readFileSync(scalarScript(), 'utf8');
    return reply.type('application/javascript').header('cache-control', 'public, max-age=3600').send(script);
  });
  for (const { api } of apis) {
    const title = `${api.api.title} v${api.api.version}`;
    app.get(`/docs${api.basePath}`, async (_request, reply) =>
      reply.type('text/html').send(`<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>${escapeHtml(title)}</title><meta name="viewport" content="width=device-width, initial-scale=1"></head>
  <body>
    <script id="api-reference" data-url="${api.basePath}/openapi.json" data-configuration="${escapeHtml(JSON.stringify(referenceConfiguration))}"></script>
    <script src="/docs/assets/api-reference.js"></script>
  </body>
</html>
`),
    );
  }
  app.get('/docs', async (_request, reply) =>
    reply.type('text/html').send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>API reference</title></head><body><h1>API reference</h1><ul>${apis
      .map(({ api }) => `<li><a href="/docs${api.basePath}">${escapeHtml(api.api.title)} v${api.api.version}</a> ${pages.graphiql ? ` (<a href="${api.basePath}/graphql">GraphiQL</a>)` : ''}</li>`)
      .join('')}</ul></body></html>`),
  );
}

function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}
