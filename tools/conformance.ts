/**
 * `trident conformance`: runs the conformance checks against a running implementation (ours or
 * anyone's that claims the contracts), or with --self against our own servers started here.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { devSecret, tokenAudience, tokenIssuer } from '../src/runtime/auth.ts';
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

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, log: (text: string) => void = (text) => console.log(text)): Promise<number> {
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
      const secret = env.TRIDENT_JWT_SECRET;
      if (!secret) log("Signing tokens with Trident's dev key (servers in dev mode accept them); set TRIDENT_JWT_SECRET or pass --token ROLE=JWT for others.");
      tokens = mintingTokens({ secret: secret ?? devSecret, orgId: org, users, issuer: env.TRIDENT_JWT_ISSUER ?? tokenIssuer, audience: env.TRIDENT_JWT_AUDIENCE ?? tokenAudience });
    }
    const apis = self?.apis ?? loadedApis ?? [];
    const target = connect({ httpUrl: self?.httpUrl ?? values.http, grpcAddress: self?.grpcAddress ?? values.grpc, apis, tokens, root });
    log(`Checking ${target.httpUrl} (REST, GraphQL) and ${target.grpcAddress} (gRPC) against ${(values.api?.length ? values.api : apis.map((loaded) => loaded.key)).join(', ')}; seed ${seed}, ${runs} runs per property.`);
    try {
      const summary = await runConformance({
        target,
        seed,
        runs,
        ...(values.api ? { apis: values.api } : {}),
        ...(values.area ? { areas: values.area as Area[] } : {}),
        flows: (values.flow ?? []).map((path) => readFlow(resolve(path))),
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
