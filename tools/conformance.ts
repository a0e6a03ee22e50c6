/**
 * `trident conformance`: runs the conformance checks against a running implementation (ours or
 * anyone's that claims the contracts), or with --self against our own servers started here.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { devSecret, tokenAudience, tokenIssuer, tokenPolicyFromEnv } from '../src/runtime/auth.ts';
import { loadApis } from '../src/runtime/load.ts';
import { loadConfig } from '../src/config/index.ts';
import { devIdentities } from '../src/runtime/app.ts';
import { conformanceUsage } from './conformance-usage.ts';
import { connect, consoleReport, givenTokens, junitReport, mintingTokens, readFlow, runConformance, startSelf, type Area, type SelfServers, type TokenSource } from '../src/conformance/index.ts';

const areas: Area[] = ['rest', 'graphql', 'grpc', 'cross', 'auth', 'flow'];

const pairs = (values: string[] | undefined, what: string): Record<string, string> =>
  Object.fromEntries(
    (values ?? []).map((value) => {
      const at = value.indexOf('=');
      if (at <= 0) throw new Error(`${what} takes ROLE=VALUE, got '${value}'`);
      return [value.slice(0, at), value.slice(at + 1)];
    }),
  );

/**
 * Where REST and GraphQL answer: the origin of --http, and the base path of the one API version
 * checked when --http has a path or --base-path is given (`/` for the root); else each API
 * version's base path comes from its contract's `servers`. A message when the options disagree.
 */
export function httpLocation(options: { http: string; basePath: string | undefined; apis: string[] | undefined; self: boolean }): { httpUrl: string; basePaths: Record<string, string> } | string {
  let url: URL;
  try {
    url = new URL(options.http);
  } catch {
    return `--http takes a URL such as http://127.0.0.1:8080, not '${options.http}'`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `--http takes a URL such as http://127.0.0.1:8080, not '${options.http}'`;
  const inUrl = url.pathname.replace(/\/+$/, '');
  if (inUrl !== '' && options.basePath !== undefined) return `give the base path once: in --http (${url.pathname}) or with --base-path`;
  if (options.basePath !== undefined && !options.basePath.startsWith('/')) return `--base-path takes a path such as /study/v2, or / for the root; not '${options.basePath}'`;
  const basePath = options.basePath ?? (inUrl === '' ? undefined : inUrl);
  if (basePath === undefined) return { httpUrl: url.origin, basePaths: {} };
  if (options.self) return 'a base path (a path in --http, or --base-path) is for another server; --self starts ours at their own paths';
  if (options.apis?.length !== 1) return 'a base path (a path in --http, or --base-path) is that of one API version: give exactly one --api';
  return { httpUrl: url.origin, basePaths: { [options.apis[0]!]: basePath.replace(/\/+$/, '') } };
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, log: (text: string) => void = (text) => console.log(text), progress: (text: string) => void = (text) => void process.stderr.write(`${text}\n`)): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        http: { type: 'string', default: 'http://127.0.0.1:8080' },
        grpc: { type: 'string', default: '127.0.0.1:50051' },
        self: { type: 'boolean', default: false },
        api: { type: 'string', multiple: true },
        area: { type: 'string', multiple: true },
        seed: { type: 'string' },
        runs: { type: 'string', default: '25' },
        junit: { type: 'string' },
        flow: { type: 'string', multiple: true },
        token: { type: 'string', multiple: true },
        org: { type: 'string' },
        user: { type: 'string', multiple: true },
        root: { type: 'string', default: process.cwd() },
        'base-path': { type: 'string' },
        'check-timeout': { type: 'string', default: '10000' },
      },
    }));
  } catch (error) {
    console.error(`trident conformance: ${(error as Error).message}\nusage:\n${conformanceUsage}`);
    return 2;
  }
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
  const runs = Number(values.runs);
  const unknownAreas = (values.area ?? []).filter((area) => !areas.includes(area as Area));
  const problems = [
    Number.isInteger(seed) ? '' : `--seed takes a whole number, not '${values.seed}'`,
    Number.isInteger(runs) && runs >= 1 ? '' : `--runs takes a positive whole number, not '${values.runs}'`,
    unknownAreas.length === 0 ? '' : `--area takes ${areas.join(', ')}, not '${unknownAreas.join("', '")}'`,
  ].filter(Boolean);
  if (problems.length > 0) {
    console.error(`trident conformance: ${problems.join('; ')}\nusage:\n${conformanceUsage}`);
    return 2;
  }
  const location = httpLocation({ http: values.http, basePath: values['base-path'], apis: values.api, self: values.self });
  const checkTimeoutMs = Number(values['check-timeout']);
  if (typeof location === 'string' || !Number.isInteger(checkTimeoutMs) || checkTimeoutMs < 1) {
    console.error(`trident conformance: ${typeof location === 'string' ? location : `--check-timeout takes a positive whole number of milliseconds, not '${values['check-timeout']}'`}\nusage:\n${conformanceUsage}`);
    return 2;
  }
  const root = resolve(values.root);
  let self: SelfServers | undefined;
  try {
    let tokens: TokenSource;
    const config = loadConfig(root);
    const loadedApis = values.self ? undefined : await loadApis(root, config);
    const identities = loadedApis ? await devIdentities(config.serve.handlers, root, loadedApis) : undefined;
    const users: Record<string, string> = { ...identities?.users, ...pairs(values.user, '--user') };
    const org = values.org ?? identities?.orgId ?? 'org_dev';
    const given = pairs(values.token, '--token');
    if (values.self) {
      log(`Starting the project's servers (handler module ${config.serve.handlers}${env.DATABASE_URL ? ', DATABASE_URL set' : ''})...`);
      self = await startSelf({ root, config, ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}) });
      tokens = mintingTokens({ secret: devSecret, orgId: self.identities.orgId, users: self.identities.users, issuer: tokenIssuer, audience: tokenAudience });
    } else if (Object.keys(given).length > 0) {
      tokens = givenTokens(org, given);
    } else {
      const secret = env.TRIDENT_JWT_SECRET || undefined;
      if (!secret) log("Signing tokens with Trident's dev key (servers in dev mode accept them); set TRIDENT_JWT_SECRET or pass --token ROLE=JWT for others.");
      // Tokens live an hour, or less where TRIDENT_JWT_MAX_LIFETIME says the server refuses that.
      const lifetimeSeconds = Math.min(3600, tokenPolicyFromEnv(env).maxLifetimeSeconds);
      tokens = mintingTokens({ secret: secret ?? devSecret, orgId: org, users, issuer: env.TRIDENT_JWT_ISSUER ?? tokenIssuer, audience: env.TRIDENT_JWT_AUDIENCE ?? tokenAudience, lifetimeSeconds });
    }
    const apis = self?.apis ?? loadedApis ?? [];
    const target = connect({ httpUrl: self?.httpUrl ?? location.httpUrl, grpcAddress: self?.grpcAddress ?? values.grpc, apis, tokens, root, basePaths: location.basePaths });
    const based = Object.entries(location.basePaths).map(([key, path]) => ` (${key} at ${path || '/'})`).join('');
    log(`Checking ${target.httpUrl}${based} (REST, GraphQL) and ${target.grpcAddress} (gRPC) against ${(values.api?.length ? values.api : apis.map((loaded) => loaded.key)).join(', ')}; seed ${seed}, ${runs} runs per property, ${checkTimeoutMs} ms per check.`);
    try {
      const summary = await runConformance({
        target,
        seed,
        runs,
        ...(values.api ? { apis: values.api } : {}),
        ...(values.area ? { areas: values.area as Area[] } : {}),
        flows: (values.flow ?? []).map((path) => readFlow(resolve(path))),
        checkTimeoutMs,
        onProgress: progress,
      });
      log(consoleReport(summary));
      if (values.junit) {
        mkdirSync(dirname(resolve(values.junit)), { recursive: true });
        writeFileSync(resolve(values.junit), junitReport(summary));
        log(`JUnit report: ${values.junit}`);
      }
      return summary.results.some((result) => result.status === 'fail') ? 1 : 0;
    } finally {
      target.close();
    }
  } catch (error) {
    console.error(`conformance could not run: ${(error as Error).message}`);
    return 2;
  } finally {
    await self?.close();
  }
}
