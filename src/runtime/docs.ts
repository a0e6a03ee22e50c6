import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { isWorkTree } from '../breaking/history/git.ts';
import { changelogFiles, isChangelogDocument, type ChangelogDocument } from '../breaking/history/model.ts';
import { renderChangelogHtml } from '../breaking/history/render.ts';
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

/** Where the changelog pages are read, and how a missing one is answered. */
export interface ChangelogPages {
  /** The project root: `<output>/changelog/` is read there, and the git history around it. */
  root: string;
  /** The problem+json body of a 404 with this detail, in the server's problem shape. */
  notFound: (detail: string, instance: string) => object;
}

/**
 * Serves each contract's bundled OpenAPI document at `<base>/openapi.json` and, unless `reference`
 * is off, an API reference page at `/docs<base>`, rendered by Scalar from its bundled script with
 * `referenceConfiguration`, so the page fetches nothing from the internet and offers nothing that
 * would. Beside it, `/docs<base>/changelog` shows the version's changelog (see `serveChangelog`)
 * when `changelog` says where to read it. The index at `/docs` links GraphiQL where it is on.
 */
export function registerDocs(app: FastifyInstance, apis: Array<{ api: ServedApi; openapi: string }>, pages: { reference: boolean; graphiql: boolean } = { reference: true, graphiql: true }, changelog?: ChangelogPages): void {
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
    if (changelog) serveChangelog(app, api, changelog);
  }
  app.get('/docs', async (_request, reply) =>
    reply.type('text/html').send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>API reference</title></head><body><h1>API reference</h1><ul>${apis
      .map(({ api }) => `<li><a href="/docs${api.basePath}">${escapeHtml(api.api.title)} v${api.api.version}</a> ${pages.graphiql ? ` (<a href="${api.basePath}/graphql">GraphiQL</a>)` : ''}${changelog ? ` (<a href="/docs${api.basePath}/changelog">changelog</a>)` : ''}</li>`)
      .join('')}</ul></body></html>`),
  );
}

/**
 * `/docs<base>/changelog`: the version's changelog as HTML, rendered from the JSON that
 * `trident changelog <api>/v<n> --write` puts in `changelog/<api>/v<n>/CHANGELOG.json`
 * (read on each request, so a new one shows without a restart). Without that file, in a git work
 * tree where the compiler is installed (a checkout in dev mode), it is read from the history of
 * the contract once, on the first request. Otherwise the answer is a 404 problem saying how to
 * produce the file.
 */
function serveChangelog(app: FastifyInstance, api: ServedApi, pages: ChangelogPages): void {
  const { name, version } = api.api;
  const key = `${name}/v${version}`;
  const reference = `/docs${api.basePath}`;
  let computed: Promise<ChangelogDocument | string> | undefined;
  // Whether the root is a git work tree does not change while serving; git is asked once.
  let workTree: boolean | undefined;
  app.get(`${reference}/changelog`, async (request, reply) => {
    const root = resolve(pages.root);
    const files = changelogFiles(name, version);
    const produce = `run \`trident changelog ${key} --write\` where the contracts' git history is, and serve ${files.json} with the generated code`;
    const missing = (why: string): FastifyReply =>
      reply.code(404).type('application/problem+json').send(JSON.stringify(pages.notFound(`No changelog of ${key}: ${why}; ${produce}.`, request.url.split('?')[0] ?? request.url)));
    let document: ChangelogDocument | string;
    if (existsSync(join(root, files.json))) {
      document = readChangelogFile(join(root, files.json), files.json);
    } else if ((workTree ??= isWorkTree(root))) {
      computed ??= historyOf(root, name, version);
      // A failure is not kept: the next request tries again.
      document = await computed.catch((error: unknown) => {
        computed = undefined;
        throw error;
      });
    } else {
      document = `${files.json} does not exist, and the project is not a git work tree to read its history from`;
    }
    if (typeof document === 'string') return missing(document);
    return reply.type('text/html').send(renderChangelogHtml(document, reference));
  });
}

// A written changelog, or why it cannot be shown: a file that is not one is answered, not thrown.
function readChangelogFile(path: string, shown: string): ChangelogDocument | string {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return isChangelogDocument(parsed) ? parsed : `${shown} is not a changelog (format trident-changelog/1)`;
  } catch (error) {
    return `${shown} cannot be read (${(error as Error).message.split('\n')[0] ?? ''})`;
  }
}

// The changelog from git history, or why it cannot be made here. The history needs the compiler,
// which a production install leaves out.
async function historyOf(root: string, api: string, version: number): Promise<ChangelogDocument | string> {
  let history: typeof import('../breaking/history/index.ts');
  try {
    history = await import('../breaking/history/index.ts');
  } catch {
    return `it is not generated, and reading it from git history needs the compiler, which this installation lacks`;
  }
  const result = await history.changelogHistory({ root, api, version });
  return history.isHistoryError(result) ? `it is not generated, and the git history cannot give it (${result.error})` : result.document;
}

function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}
