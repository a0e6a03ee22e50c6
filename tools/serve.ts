import { credentials, makeGenericClientConstructor, type Client, type ServiceError } from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createSecureContext, getCACertificates, setDefaultCACertificates } from 'node:tls';
import { pascalCase } from '../src/compiler/names.ts';
import { contractIdentity, discoverContracts, loadConfig, type TridentConfig } from '../src/config/index.ts';
import { devIdentities, setUpProject, type DevIdentities, type ProjectSetup, type SelfCheckCall } from '../src/runtime/app.ts';
import { authenticatorFromEnv, type Authenticator } from '../src/runtime/auth.ts';
import { CorsConfigError, devOrigins, parseCorsOrigins } from '../src/runtime/cors.ts';
import type { LoadedApi } from '../src/runtime/load.ts';
import { loadGeneratedApis, StaleOutputError } from '../src/runtime/generated.ts';
import { ownPackage } from './own-package.ts';
import { missingToolPackages } from './tool-packages.ts';
import { OpsConfigError, operationsFromEnv, type OperationsSettings } from '../src/runtime/ops/env.ts';
import type { GraphiqlDefaults } from '../src/runtime/graphql/handler-factory.ts';
import { releaseStartupMemory } from './serve/heap.ts';
import { startServers, type PageSwitches, type RunningServers } from '../src/runtime/server.ts';
import { graphiqlDefaults } from './serve/graphiql.ts';
import { pageSwitches, SwitchError } from './serve/pages.ts';
import { graphqlLimitsFromEnv } from './serve/graphql-limits.ts';
import { stopWithParent } from './serve/parent.ts';

export interface ServeOptions {
  root: string;
  env?: NodeJS.ProcessEnv;
  /** Start, check each protocol once, print the result and stop. */
  selfCheck?: boolean;
  log?: (line: string) => void;
  config?: TridentConfig;
}

/** A start-up failure the user can fix, said in one line (no stack trace). */
export class ServeError extends Error {
  override name = 'ServeError';
}

/**
 * `trident serve`: brings the generated code up to date, sets up the project's handler module
 * (`serve.handlers` of the configuration), serves every API version over REST, GraphQL and gRPC,
 * and prints where everything is. SIGTERM or SIGINT drains in-flight requests, closes the handler
 * module's resources and exits 0; so does losing the npm process that started it (see ./serve/parent.ts).
 */
export async function serve(options: ServeOptions): Promise<number> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => console.log(line));
  const root = resolve(options.root);
  const config = options.config ?? loadConfig(root);
  const authenticator = await authenticatorFromEnv(env);
  const cors = corsAllowList(env, authenticator.mode);
  const operations = operationsSettings(env);
  const pages = switches(env, authenticator.mode);
  const tls = tlsFiles(env, root);
  const apis = await generatedApis(root, config, authenticator.mode, log);
  // What loading the contracts left behind is collected before the database and the servers add
  // theirs: with the young generation's floor (withServingHeap in ./cli.ts) this keeps the
  // start-up peak down (`npm run bench:memory`).
  releaseStartupMemory();
  if (apis === undefined) return 1;
  if (apis.length === 0) throw new ServeError(`no contract found under ${config.contracts}/ (expected ${config.contracts}/<api>/v<major>/openapi.yaml)`);
  const setup = await setUpProject(config.serve.handlers, { root, output: config.output, env, apis, ephemeral: false, mode: authenticator.mode, log });
  const identities = await devIdentities(config.serve.handlers, root, apis);
  // The tracing SDK is loaded only when export is on: otherwise spans are the API's no-ops.
  const traces = operations.traceExporters.length > 0 ? (await import('../src/runtime/ops/tracing.ts')).startTraceExport(operations.traceExporters) : undefined;
  let servers: RunningServers;
  try {
    servers = await listen(setup, apis, authenticator, env, options.selfCheck === true, pages.graphiql ? await graphiqlDefaults(apis, identities, authenticator) : {}, cors, pages, tls, operations);
  } catch (error) {
    await setup.close?.();
    await traces?.shutdown();
    throw error;
  }
  const shutdown = async (): Promise<void> => {
    await servers.close();
    await setup.close?.();
    await traces?.shutdown();
  };
  log(await banner(servers, apis, setup, identities, authenticator, cors, pages, operations));
  if (options.selfCheck) {
    try {
      // The self-check is a client of this server like any other: it must trust the served certificate.
      if (tls) setDefaultCACertificates([...getCACertificates('default'), tls.cert.toString()]);
      return (await selfCheck(servers, apis, setup, identities, authenticator, root, log, tls?.cert)) ? 0 : 1;
    } finally {
      await shutdown();
    }
  }
  releaseStartupMemory();
  await new Promise<void>((done) => {
    let stopping = false;
    const stop = (reason: string): void => {
      if (stopping) return;
      stopping = true;
      unwatch();
      log(`${reason}: finishing in-flight requests, then stopping.`);
      void shutdown().then(done);
    };
    const unwatch = stopWithParent(env, () => stop('npm, which started the server, is gone'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return 0;
}

/**
 * The origins that may call the APIs from a browser: `TRIDENT_CORS_ORIGINS` when set (empty for
 * none), else pages on this machine in dev mode and none in production mode.
 */
/**
 * The certificate chain and key that `TRIDENT_TLS_CERT` and `TRIDENT_TLS_KEY` name (PEM files,
 * relative to the project root), checked to form a usable pair; none when neither is set.
 */
function tlsFiles(env: NodeJS.ProcessEnv, root: string): { cert: Buffer; key: Buffer } | undefined {
  const certPath = env.TRIDENT_TLS_CERT || undefined;
  const keyPath = env.TRIDENT_TLS_KEY || undefined;
  if (certPath === undefined && keyPath === undefined) return undefined;
  if (certPath === undefined || keyPath === undefined) throw new ServeError(`TLS needs both TRIDENT_TLS_CERT (the certificate chain) and TRIDENT_TLS_KEY (its private key), PEM files; ${certPath === undefined ? 'TRIDENT_TLS_CERT' : 'TRIDENT_TLS_KEY'} is not set`);
  const read = (name: string, path: string): Buffer => {
    try {
      return readFileSync(resolve(root, path));
    } catch (error) {
      throw new ServeError(`${name}=${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): give the path of a PEM file`);
    }
  };
  const files = { cert: read('TRIDENT_TLS_CERT', certPath), key: read('TRIDENT_TLS_KEY', keyPath) };
  try {
    createSecureContext(files);
  } catch (error) {
    throw new ServeError(`TRIDENT_TLS_CERT and TRIDENT_TLS_KEY do not make a usable pair (${(error as Error).message}): give a PEM certificate chain and the private key it was issued for`);
  }
  return files;
}

function switches(env: NodeJS.ProcessEnv, mode: Authenticator['mode']): PageSwitches {
  try {
    return pageSwitches(env, mode);
  } catch (error) {
    if (error instanceof SwitchError) throw new ServeError(error.message);
    throw error;
  }
}

function corsAllowList(env: NodeJS.ProcessEnv, mode: Authenticator['mode']): readonly string[] {
  const configured = env.TRIDENT_CORS_ORIGINS;
  if (configured === undefined) return mode === 'dev' ? devOrigins : [];
  try {
    return parseCorsOrigins(configured);
  } catch (error) {
    if (error instanceof CorsConfigError) throw new ServeError(error.message);
    throw error;
  }
}

/**
 * The API versions as `trident generate` wrote them: nothing is compiled at start. In dev mode,
 * where the compiler is installed, what is stale is generated again first (undefined: that
 * failed, and said why); in production mode, or without the compiler, stale output stops the start.
 */
async function generatedApis(root: string, config: TridentConfig, mode: Authenticator['mode'], log: (line: string) => void): Promise<LoadedApi[] | undefined> {
  const contracts = discoverContracts(root, config.contracts).flatMap((path) => {
    const identity = contractIdentity(path, config.contracts);
    return identity ? [{ path, name: identity.name, version: identity.version }] : [];
  });
  const load = () => loadGeneratedApis(root, { output: config.output, contracts, trident: ownPackage().version });
  try {
    return load();
  } catch (error) {
    if (!(error instanceof StaleOutputError)) throw error;
    const missing = missingToolPackages();
    if (mode === 'production' || missing.length > 0) {
      const why = mode === 'production' ? 'production mode serves only what was generated and deployed' : `the compiler is not installed here (${missing.join(', ')} missing)`;
      throw new ServeError(`${error.summary}; ${why}: run \`trident generate\` where the contracts are edited and deploy ${config.output}/ with them.`);
    }
    log(`${config.output}/ is out of date (${error.reasons[0]}); regenerating.`);
  }
  const { generate } = await import('./generate.ts');
  const result = await generate({ root, config, log });
  return result.ok ? load() : undefined;
}

/** `/metrics`, the drain delay and trace export, from TRIDENT_METRICS*, TRIDENT_DRAIN_DELAY and OTEL_*. */
function operationsSettings(env: NodeJS.ProcessEnv): OperationsSettings {
  try {
    return operationsFromEnv(env);
  } catch (error) {
    if (error instanceof OpsConfigError) throw new ServeError(error.message);
    throw error;
  }
}

async function listen(setup: ProjectSetup, apis: LoadedApi[], authenticator: Authenticator, env: NodeJS.ProcessEnv, selfCheck: boolean, graphiql: Record<string, GraphiqlDefaults>, cors: readonly string[], pages: PageSwitches, tls: { cert: Buffer; key: Buffer } | undefined, operations: OperationsSettings): Promise<RunningServers> {
  const httpPort = port(env.PORT, 'PORT', selfCheck ? 0 : 8080);
  const grpcPort = port(env.GRPC_PORT, 'GRPC_PORT', selfCheck ? 0 : 50051);
  const host = env.HOST ?? '127.0.0.1';
  try {
    const probes = { ...(setup.ready ? { ready: setup.ready.bind(setup) } : {}), ...(setup.databasePool ? { pool: setup.databasePool.bind(setup) } : {}) };
    return await startServers({ apis, implementations: setup.implementations, authenticator, host, httpPort, grpcPort, logger: env.TRIDENT_LOG, graphiql, cors, pages, ...(tls ? { tls } : {}), graphqlLimits: graphqlLimitsFromEnv(env), operations: { ...probes, metrics: operations.metrics }, drainDelayMs: operations.drainDelayMs });
  } catch (error) {
    // Fastify says EADDRINUSE with the address; grpc-js says "No address added" for its port.
    const text = String((error as Error).message ?? error);
    const http = (error as { code?: string }).code === 'EADDRINUSE' || text.includes('EADDRINUSE');
    if (http || /No address added/.test(text)) {
      const [name, value] = http ? ['PORT', httpPort] : ['GRPC_PORT', grpcPort];
      throw new ServeError(`port ${value} on ${host} is in use: set ${name} to a free port (e.g. ${name}=${value + 1} npx trident serve, or ${name}=0 for any free one)`);
    }
    throw error;
  }
}

function port(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) throw new ServeError(`${name}=${value} is not a port number (0 to 65535; 0 picks a free one)`);
  return parsed;
}

async function banner(servers: RunningServers, apis: LoadedApi[], setup: ProjectSetup, identities: DevIdentities, authenticator: Authenticator, cors: readonly string[], pages: PageSwitches, operations: OperationsSettings): Promise<string> {
  const lines = ['', 'Trident is serving.', ''];
  for (const api of servers.served) {
    lines.push(`${api.api.title} v${api.api.version}`);
    lines.push(`  REST       ${servers.httpUrl}${api.basePath}`);
    if (api.docs !== undefined) lines.push(`  reference  ${servers.httpUrl}${api.docs}`);
    lines.push(`  ${pages.graphiql ? 'GraphiQL ' : 'GraphQL  '}  ${servers.httpUrl}${api.graphql}`);
    lines.push(`  gRPC       ${servers.grpcAddress} ${api.grpcService}`);
  }
  if (setup.banner?.length) lines.push('', ...setup.banner);
  const hidden = (Object.keys(pages) as Array<keyof PageSwitches>).filter((page) => !pages[page]);
  if (hidden.length > 0) lines.push('', `Off: ${hidden.map((page) => ({ graphiql: 'GraphiQL (TRIDENT_GRAPHIQL)', introspection: 'GraphQL introspection (TRIDENT_INTROSPECTION)', reference: 'the reference pages (TRIDENT_REFERENCE)' })[page]).join(', ')}.`);
  lines.push('', cors.length > 0 ? `Browsers may call from: ${cors.join(', ')} (TRIDENT_CORS_ORIGINS).` : 'No browser origin may call the APIs (set TRIDENT_CORS_ORIGINS to allow some).');
  const metrics = !operations.metrics.enabled ? 'metrics off (TRIDENT_METRICS)' : `metrics ${servers.httpUrl}/metrics${operations.metrics.token ? ' (with TRIDENT_METRICS_TOKEN)' : ''}`;
  const traces = operations.traceExporters.length > 0 ? `traces exported (${operations.traceExporters.join(', ')})` : 'traces not exported (set OTEL_EXPORTER_OTLP_ENDPOINT)';
  lines.push(`Health ${servers.httpUrl}/healthz, readiness ${servers.httpUrl}/readyz, ${metrics}; ${traces}.`);
  const limits = authenticator.policy ? ` Tokens must carry exp and live at most ${authenticator.policy.maxLifetimeSeconds} s (TRIDENT_JWT_MAX_LIFETIME), with ${authenticator.policy.clockSkewSeconds} s of clock skew allowed (TRIDENT_JWT_CLOCK_SKEW).` : '';
  if (!authenticator.issue) {
    lines.push('', `Production mode: tokens are verified with the configured key.${limits}`);
    return lines.join('\n');
  }
  lines.push('', `Dev mode: tokens are signed with a built-in key that is only for local use.${limits}`);
  for (const [role, userId] of Object.entries(identities.users)) {
    lines.push(`  ${role.padEnd(16)} ${await authenticator.issue({ userId, orgId: identities.orgId, roles: [role] })}`);
  }
  lines.push('', 'Try:');
  const call = setup.selfCheck;
  const loaded = call ? apis.find((candidate) => candidate.key === call.api) : undefined;
  const operation = loaded?.api.operations.find((candidate) => candidate.id === call?.operationId);
  const served = servers.served.find((candidate) => candidate.api === loaded?.api);
  if (call && loaded && operation && served) {
    const token = await authenticator.issue({ userId: identities.users[call.role] ?? `usr_dev_${call.role}`, orgId: identities.orgId, roles: [call.role] });
    const path = operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(call.input.path?.[name] ?? ''));
    const query = new URLSearchParams(call.input.query ?? {}).toString();
    const url = `${servers.httpUrl}${served.basePath}${path}`;
    lines.push(`  curl -H "Authorization: Bearer ${token}" ${query ? `'${url}?${query}'` : url}`);
    // The conformance callers spell a request as gRPC does; loaded only when there is one to print.
    const { grpcRequest } = await import('../src/conformance/callers/grpc.ts');
    const request = JSON.stringify(grpcRequest(loaded.api, operation, call.input));
    lines.push(`  buf curl --protocol grpc ${servers.tls ? '' : '--http2-prior-knowledge '}-H "Authorization: Bearer ${token}" -d '${request}' ${servers.tls ? 'https' : 'http'}://${servers.grpcAddress}/${served.grpcService}/${pascalCase(operation.id)}`);
  } else {
    for (const api of servers.served) lines.push(`  curl ${servers.httpUrl}${api.basePath}/openapi.json`);
    lines.push(`  buf curl --protocol grpc ${servers.tls ? '--list-services https' : '--http2-prior-knowledge --list-services http'}://${servers.grpcAddress}`);
  }
  return lines.join('\n');
}

/**
 * The start-up smoke test: every API version answers its bundled contract over REST and a GraphQL
 * query, the gRPC server reports SERVING; and where the handler module names a read, that read
 * gives the same answer over the three protocols.
 */
async function selfCheck(servers: RunningServers, apis: LoadedApi[], setup: ProjectSetup, identities: DevIdentities, authenticator: Authenticator, root: string, log: (line: string) => void, certificate: Buffer | undefined): Promise<boolean> {
  let ok = true;
  for (const api of servers.served) {
    const contract = await fetch(`${servers.httpUrl}${api.basePath}/openapi.json`);
    const graphql = await fetch(`${servers.httpUrl}${api.graphql}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    const typename = ((await graphql.json().catch(() => ({}))) as { data?: { __typename?: string } }).data?.__typename;
    const up = contract.status === 200 && typename === 'Query';
    log(`self-check: ${api.api.name} v${api.api.version} REST contract ${contract.status}, GraphQL ${typename ?? graphql.status}${up ? '' : ' FAILED'}.`);
    ok &&= up;
  }
  const health = await grpcHealth(servers.grpcAddress, certificate);
  log(`self-check: gRPC health ${health}.`);
  ok &&= health === 'SERVING';
  const call = setup.selfCheck;
  if (call) ok = (await sameAnswer(call, servers, apis, identities, authenticator, root, log, certificate)) && ok;
  else log(`self-check: no read compared over the three protocols (${authenticator.mode === 'production' ? 'production mode: the handler module set up no data to read, and tokens are issued in dev mode only' : 'the handler module names none'}).`);
  return ok;
}

async function sameAnswer(call: SelfCheckCall, servers: RunningServers, apis: LoadedApi[], identities: DevIdentities, authenticator: Authenticator, root: string, log: (line: string) => void, certificate: Buffer | undefined): Promise<boolean> {
  const loaded = apis.find((candidate) => candidate.key === call.api);
  if (!loaded || !authenticator.issue) {
    log(`self-check: ${call.api} ${call.operationId} cannot be called (${loaded ? 'tokens are issued in dev mode only' : 'no such API version'}).`);
    return false;
  }
  const token = await authenticator.issue({ userId: identities.users[call.role] ?? `usr_dev_${call.role}`, orgId: identities.orgId, roles: [call.role] });
  const [{ connect }, { givenTokens }] = await Promise.all([import('../src/conformance/target.ts'), import('../src/conformance/tokens.ts')]);
  const target = connect({ httpUrl: servers.httpUrl, grpcAddress: servers.grpcAddress, ...(certificate ? { grpcTls: { rootCerts: certificate } } : {}), apis, tokens: givenTokens(identities.orgId, { [call.role]: token }), root });
  try {
    const answers = await Promise.all([target.callers.rest, target.callers.graphql, target.callers.grpc].map((caller) => caller.call(loaded.api, call.operationId, call.input, token)));
    const values = answers.map((answer) => (answer.ok ? (answer.value as Record<string, unknown>) : undefined));
    const first = values[0];
    const agree = first !== undefined && values.every((value) => value !== undefined && call.compare.every((field) => JSON.stringify(value[field]) === JSON.stringify(first[field])));
    const subject = Object.values(call.input.path ?? {}).join(' ');
    log(`self-check: ${call.operationId} ${subject} over REST, GraphQL and gRPC ${agree ? 'agree' : 'DISAGREE'}.`);
    if (!agree) for (const [index, answer] of answers.entries()) if (!answer.ok) log(`  ${['REST', 'GraphQL', 'gRPC'][index]}: ${answer.code} ${answer.message}`);
    return agree;
  } finally {
    target.close();
  }
}

async function grpcHealth(address: string, rootCerts: Buffer | undefined): Promise<string> {
  const Health = makeGenericClientConstructor(healthService as never, 'Health');
  const client = new Health(address, rootCerts ? credentials.createSsl(rootCerts) : credentials.createInsecure()) as unknown as Client & { check(request: object, options: object, callback: (error: ServiceError | null, response: { status?: string | number }) => void): void };
  try {
    return await new Promise<string>((done) => client.check({ service: '' }, { deadline: Date.now() + 5000 }, (error, response) => done(error ? `failed (${error.details})` : String(response.status))));
  } finally {
    client.close();
  }
}

