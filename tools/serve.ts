import { credentials, loadPackageDefinition, Metadata, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { join, resolve } from 'node:path';
import { authenticatorFromEnv, type Authenticator } from '../src/runtime/auth.ts';
import { loadApis, protoLoaderOptions, writeProtoTree, type LoadedApi } from '../src/runtime/load.ts';
import { startServers, type RunningServers } from '../src/runtime/server.ts';
import { createServices, secretsFromMasterKey, seedDemo, type DemoSeed } from '../src/services/index.ts';
import { openStore, storeOptionsFromEnv } from '../src/store/index.ts';
import { generate } from './generate.ts';

export interface ServeOptions {
  root: string;
  env?: NodeJS.ProcessEnv;
  /** Start, check each protocol once against the demo study, print the result and stop. */
  selfCheck?: boolean;
  log?: (line: string) => void;
}

// A fixed pseudonym key for local development only; production sets TRIDENT_PSEUDONYM_KEY.
const devPseudonymKey = 'trident-dev-only-pseudonym-key';

/**
 * `npm start`: brings generated/ up to date, opens the store (PGlite in `.trident/` unless
 * DATABASE_URL is set) and migrates it, seeds the demo organisation, serves every API version over
 * REST, GraphQL and gRPC, and prints where everything is. SIGTERM or SIGINT drains in-flight
 * requests, closes the database and exits 0.
 */
export async function serve(options: ServeOptions): Promise<number> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => console.log(line));
  const root = resolve(options.root);
  const fresh = await generate({ root, check: true, log: () => {} });
  if (!fresh.ok) {
    log('generated/ is out of date; regenerating.');
    const result = await generate({ root, log });
    if (!result.ok) return 1;
  }
  const authenticator = await authenticatorFromEnv(env);
  if (env.NODE_ENV === 'production' && !env.TRIDENT_PSEUDONYM_KEY) throw new Error('Set TRIDENT_PSEUDONYM_KEY in production.');
  const store = await openStore(storeOptionsFromEnv(env, join(root, '.trident')));
  const services = createServices({ db: store.db, blobs: store.blobs, secrets: secretsFromMasterKey(env.TRIDENT_PSEUDONYM_KEY ?? devPseudonymKey) });
  const seed = await seedDemo(store.db, services);
  const apis = await loadApis(root);
  const servers = await startServers({
    apis,
    implementations: services as unknown as Record<string, object>,
    authenticator,
    host: env.HOST ?? '127.0.0.1',
    httpPort: Number(env.PORT ?? (options.selfCheck ? 0 : 8080)),
    grpcPort: Number(env.GRPC_PORT ?? (options.selfCheck ? 0 : 50051)),
    logger: env.TRIDENT_LOG ?? false,
  });
  const shutdown = async (): Promise<void> => {
    await servers.close();
    await store.close();
  };
  log(await banner(servers, seed, authenticator, store.db.kind));
  if (options.selfCheck) {
    try {
      const ok = await selfCheck(servers, apis, seed, authenticator, log);
      return ok ? 0 : 1;
    } finally {
      await shutdown();
    }
  }
  await new Promise<void>((done) => {
    const stop = (signal: string): void => {
      log(`${signal}: finishing in-flight requests, then stopping.`);
      void shutdown().then(done);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return 0;
}

async function banner(servers: RunningServers, seed: DemoSeed, authenticator: Authenticator, database: string): Promise<string> {
  const lines = ['', `Trident is serving (database: ${database === 'pglite' ? 'embedded PGlite' : 'PostgreSQL'}).`, ''];
  for (const api of servers.served) {
    lines.push(`${api.api.title} v${api.api.version}`);
    lines.push(`  REST       ${servers.httpUrl}${api.basePath}`);
    lines.push(`  reference  ${servers.httpUrl}${api.docs}`);
    lines.push(`  GraphiQL   ${servers.httpUrl}${api.graphql}`);
    lines.push(`  gRPC       ${servers.grpcAddress} ${api.grpcService}`);
  }
  lines.push('', `Demo study: ${seed.studyId} (organisation ${seed.orgId})`);
  if (authenticator.issue) {
    lines.push('', 'Dev mode: tokens are signed with a built-in key that is only for local use.');
    for (const [role, userId] of Object.entries(seed.users)) {
      lines.push(`  ${role.padEnd(16)} ${await authenticator.issue({ userId, orgId: seed.orgId, roles: [role] })}`);
    }
    const token = await authenticator.issue({ userId: seed.users.doctor, orgId: seed.orgId, roles: ['doctor'] });
    lines.push('', 'Try:', `  curl -H "Authorization: Bearer ${token}" ${servers.httpUrl}/study/v2/studies/${seed.studyId}`);
    lines.push(`  buf curl --protocol grpc --http2-prior-knowledge -H "Authorization: Bearer ${token}" -d '{"studyId":"${seed.studyId}"}' http://${servers.grpcAddress}/trident.study.v2.StudyService/GetStudy`);
  }
  return lines.join('\n');
}

// Reads the demo study once per protocol and checks the three agree, as a start-up smoke test.
async function selfCheck(servers: RunningServers, apis: LoadedApi[], seed: DemoSeed, authenticator: Authenticator, log: (line: string) => void): Promise<boolean> {
  const token = await authenticator.issue?.({ userId: seed.users.doctor, orgId: seed.orgId, roles: ['doctor'] });
  if (!token) throw new Error('the self-check needs dev mode to issue a token');
  const rest = (await (await fetch(`${servers.httpUrl}/study/v2/studies/${seed.studyId}`, { headers: { authorization: `Bearer ${token}` } })).json()) as Record<string, unknown>;
  const graphqlResponse = await fetch(`${servers.httpUrl}/study/v2/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: 'query($id: String!) { getStudy(studyId: $id) { id version description } }', variables: { id: seed.studyId } }),
  });
  const graphql = ((await graphqlResponse.json()) as { data?: { getStudy?: Record<string, unknown> } }).data?.getStudy;
  const grpc = await grpcGetStudy(servers, apis, token, seed.studyId);
  const agree = rest.id === seed.studyId && graphql?.id === rest.id && grpc?.id === rest.id && graphql?.description === rest.description && grpc?.description === rest.description;
  log(`self-check: getStudy ${seed.studyId} over REST, GraphQL and gRPC ${agree ? 'agree' : 'DISAGREE'}.`);
  return agree;
}

async function grpcGetStudy(servers: RunningServers, apis: LoadedApi[], token: string, studyId: string): Promise<Record<string, unknown> | undefined> {
  const tree = writeProtoTree(apis);
  try {
    const loaded = loadPackageDefinition(loadSync(tree.files, { ...protoLoaderOptions, includeDirs: [tree.dir] })) as Record<string, never>;
    const Service = (loaded.trident as unknown as Record<string, Record<string, Record<string, new (address: string, creds: unknown) => Client>>>).study?.v2?.StudyService;
    if (!Service) return undefined;
    const client = new Service(servers.grpcAddress, credentials.createInsecure()) as Client & { GetStudy: (request: object, metadata: Metadata, callback: (error: ServiceError | null, response: { body?: Record<string, unknown> }) => void) => void };
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    const response = await new Promise<{ body?: Record<string, unknown> }>((done, fail) => client.GetStudy({ study_id: studyId }, metadata, (error, value) => (error ? fail(error) : done(value))));
    client.close();
    return response.body;
  } finally {
    tree.dispose();
  }
}
