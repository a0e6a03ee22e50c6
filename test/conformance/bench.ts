import { request as httpRequest, createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devAuthenticator, devSecret, tokenAudience, tokenIssuer, type Authenticator } from '../../src/runtime/auth.ts';
import { loadApis, type LoadedApi } from '../../src/runtime/load.ts';
import { startServers, type RunningServers } from '../../src/runtime/server.ts';
import { createServices, secretsFromMasterKey, seedDemo, type DemoSeed, type Services } from '../../src/services/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { connect, type Target } from '../../src/conformance/target.ts';
import { mintingTokens } from '../../src/conformance/tokens.ts';
import { repoRoot } from '../e2e/workspace.ts';

/**
 * One store with the demo data and the real services, on which tests start servers: the real ones,
 * or deliberately broken ones (other implementations, another authenticator) over the same data.
 */
export interface Bench {
  apis: LoadedApi[];
  services: Services;
  seed: DemoSeed;
  real: RunningServers;
  start(options?: { implementations?: Services; authenticator?: Authenticator; apis?: LoadedApi[] }): Promise<RunningServers>;
  /**
   * A target on an HTTP URL (REST and GraphQL) and a gRPC address, with tokens of the demo
   * organisation, checked against `apis` (by default the repository's contracts).
   */
  target(httpUrl: string, grpcAddress: string, apis?: LoadedApi[]): Target;
  close(): Promise<void>;
}

export async function openBench(): Promise<Bench> {
  const blobDir = mkdtempSync(join(tmpdir(), 'trident-conformance-test-'));
  const store: Store = await openStore({ blobDir, ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}) });
  const services = createServices({ db: store.db, blobs: store.blobs, secrets: secretsFromMasterKey('conformance-test') });
  const seed = await seedDemo(store.db, services);
  const apis = await loadApis(repoRoot);
  const started: RunningServers[] = [];
  const start = async (options: { implementations?: Services; authenticator?: Authenticator; apis?: LoadedApi[] } = {}) => {
    // The runtime takes any implementations; `Services` has them typed by the generated `*Handlers`.
    const implementations = (options.implementations ?? services) as unknown as Record<string, object>;
    const servers = await startServers({ apis: options.apis ?? apis, implementations, authenticator: options.authenticator ?? devAuthenticator() });
    started.push(servers);
    return servers;
  };
  const real = await start();
  const targets: Target[] = [];
  return {
    apis,
    services,
    seed,
    real,
    start,
    target(httpUrl, grpcAddress, contracts = apis) {
      const target = connect({ root: repoRoot, httpUrl, grpcAddress, apis: contracts, tokens: mintingTokens({ secret: devSecret, orgId: seed.orgId, users: seed.users, issuer: tokenIssuer, audience: tokenAudience }) });
      targets.push(target);
      return target;
    },
    async close() {
      for (const target of targets) target.close();
      for (const servers of started) await servers.close(1000);
      await store.close();
      rmSync(blobDir, { recursive: true, force: true });
    },
  };
}

/** How a proxy changes one response: its status, headers and JSON body. */
export type Rewrite = (exchange: { method: string; path: string; status: number; headers: IncomingHttpHeaders; body: Buffer }) => { status: number; headers: IncomingHttpHeaders; body: Buffer } | undefined;

/**
 * An HTTP proxy in front of REST and GraphQL: requests go to `upstream` (or to `graphqlUpstream` for
 * GraphQL endpoints), and `rewrite` may change a response on its way back. It breaks an
 * implementation from the outside, the way a faulty binding would.
 */
export async function startProxy(options: { upstream: string; graphqlUpstream?: string; rewrite?: Rewrite }): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((incoming, outgoing) => {
    const base = incoming.url?.split('?')[0]?.endsWith('/graphql') && options.graphqlUpstream ? options.graphqlUpstream : options.upstream;
    const upstream = new URL(incoming.url ?? '/', base);
    const forwarded = httpRequest(upstream, { method: incoming.method, headers: { ...incoming.headers, host: upstream.host } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const exchange = { method: incoming.method ?? 'GET', path: incoming.url?.split('?')[0] ?? '/', status: response.statusCode ?? 502, headers: { ...response.headers }, body: Buffer.concat(chunks) };
        const changed = options.rewrite?.(exchange) ?? exchange;
        const headers = { ...changed.headers, 'content-length': String(changed.body.length) };
        delete headers['transfer-encoding'];
        outgoing.writeHead(changed.status, headers);
        outgoing.end(changed.body);
      });
    });
    forwarded.on('error', () => outgoing.writeHead(502).end());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Replacements of some handlers of one API version: each gets the real handler and returns the one to serve. */
export type HandlerChanges<Handlers> = { [Name in keyof Handlers]?: (handler: Handlers[Name]) => Handlers[Name] };

/**
 * The services with some handlers of one API version replaced, typed by that version's generated
 * `*Handlers` interface, so a replacement that drifts from the contract does not compile.
 */
export function wrapHandlers<Key extends keyof Services>(services: Services, key: Key, changes: HandlerChanges<Services[Key]>): Services {
  const replace = changes as Record<string, ((handler: unknown) => unknown) | undefined>;
  const wrapped = new Proxy(services[key], {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      const change = typeof name === 'string' ? replace[name] : undefined;
      if (change === undefined || typeof value !== 'function') return value;
      return change((value as (...args: unknown[]) => unknown).bind(target));
    },
  });
  return { ...services, [key]: wrapped };
}
