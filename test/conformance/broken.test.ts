import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Authenticator } from '../../src/runtime/auth.ts';
import { ApiError } from '../../src/runtime/errors.ts';
import { devAuthenticator } from '../../src/runtime/auth.ts';
import type { LoadedApi } from '../../src/runtime/load.ts';
import { runConformance, type RunOptions } from '../../src/conformance/run.ts';
import type { CheckResult } from '../../src/conformance/model.ts';
import type { Caller } from '../../src/conformance/callers/caller.ts';
import { consoleReport } from '../../src/conformance/report/console.ts';
import { repoRoot } from '../e2e/workspace.ts';
import { grpcCaller } from '../../src/conformance/callers/grpc.ts';
import { openBench, startProxy, wrapHandlers, type Bench } from './bench.ts';

// Item 9: implementations broken on purpose, each in one place; the run must report exactly there.
let bench: Bench;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  bench = await openBench();
}, 120_000);

afterAll(async () => {
  for (const close of closers) await close();
  await bench?.close();
});

const failures = (results: CheckResult[]) => results.filter((result) => result.status === 'fail');
const describeFailures = (results: CheckResult[]) => failures(results).map((result) => `${result.area} ${result.api} ${result.subject}: ${result.name}: ${result.detail ?? ''}`).join('\n');

async function run(httpUrl: string, grpcAddress: string, options: Omit<RunOptions, 'target'>, apis?: LoadedApi[]): Promise<CheckResult[]> {
  const summary = await runConformance({ target: bench.target(httpUrl, grpcAddress, apis), seed: 11, runs: 8, ...options });
  return summary.results;
}

describe('conformance reports a deliberately broken implementation where it is broken', () => {
  it("the README's example: getStudy answering its description in capitals", async () => {
    const implementations = wrapHandlers(bench.services, 'study/v2', {
      getStudy: (getStudy) => async (input, context) => {
        const study = await getStudy(input, context);
        return { ...study, description: String(study.description).toUpperCase() };
      },
    });
    const shouting = await bench.start({ implementations });
    const summary = await runConformance({ target: bench.target(shouting.httpUrl, shouting.grpcAddress), seed: 1234, apis: ['study/v2'] });
    const printed = consoleReport(summary);
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const shown = /```text\n(area +api +passed[\s\S]*?)```/.exec(readme.slice(readme.indexOf('## Conformance')))?.[1] ?? '';
    // The example is its rows and its failures: how many checks pass or are skipped grows with the
    // contract, so those counts are not compared (an operation added to study v2 adds checks).
    const rows = (text: string) =>
      text.slice(text.indexOf('area'), text.indexOf('\n\n', text.indexOf('area'))).trim().split('\n')
        .filter((line) => !line.startsWith('-'))
        .map((line) => line.trim().split(/\s+/))
        .map((cells) => (cells[0] === 'total' ? `total failed ${cells[2]}` : `${cells[0]} ${cells[1]} failed ${cells[3]}`));
    expect(rows(shown)).toContain('total failed 4');
    expect(rows(printed)).toEqual(rows(shown));
    const headings = (text: string) => text.split('\n').filter((line) => line.trim().startsWith('FAIL')).map((line) => line.trim());
    for (const heading of headings(shown)) expect(headings(printed)).toContain(heading);
    expect(printed).toMatch(/^\d+ checks: \d+ passed, 4 failed, \d+ skipped/m);
    expect(shown).toMatch(/^\d+ checks: \d+ passed, 4 failed, \d+ skipped/m);
  });

  it('the real servers pass the same checks, so every failure below is the fault put in', async () => {
    const results = await run(bench.real.httpUrl, bench.real.grpcAddress, { apis: ['study/v2'], areas: ['rest', 'auth', 'cross'] });
    expect(describeFailures(results)).toBe('');
    expect(results.filter((result) => result.status === 'pass').length).toBeGreaterThan(40);
  });

  it('a seed replays the same random cases; another seed gives others', async () => {
    const sent = async (seed: number): Promise<string[]> => {
      const target = bench.target(bench.real.httpUrl, bench.real.grpcAddress);
      const rest = target.callers.rest;
      const log: string[] = [];
      (target.callers as { rest: Caller }).rest = { protocol: 'rest', call: (api, operationId, input, token) => (log.push(`${operationId} ${JSON.stringify(input)}`), rest.call(api, operationId, input, token)) };
      await runConformance({ target, seed, runs: 5, apis: ['study/v2'], areas: ['rest'] });
      // Created resources carry fresh markers; the generated cases are what must repeat.
      return log.map((line) => line.replace(/CONF-[\w-]+/g, 'CONF').replace(/\b(stu|img|rev|asm)_[0-9A-Za-z]{16,32}/g, '$1_'));
    };
    const first = await sent(77);
    expect(await sent(77)).toEqual(first);
    expect(await sent(78)).not.toEqual(first);
  });

  it('an undeclared field in a REST response', async () => {
    const proxy = await startProxy({
      upstream: bench.real.httpUrl,
      rewrite: (exchange) => {
        if (exchange.method !== 'GET' || !/^\/study\/v2\/studies\/stu_[^/]+$/.test(exchange.path) || exchange.status !== 200) return undefined;
        const body = JSON.parse(exchange.body.toString()) as Record<string, unknown>;
        return { ...exchange, body: Buffer.from(JSON.stringify({ ...body, internalNote: 'leaked' })) };
      },
    });
    closers.push(proxy.close);
    const results = await run(proxy.url, bench.real.grpcAddress, { apis: ['study/v2'], areas: ['rest'] });
    const failed = failures(results);
    expect(failed.map((result) => `${result.subject}: ${result.name}`)).toEqual(['getStudy: a valid request is accepted and answered as documented']);
    expect(failed[0]?.detail).toContain('/internalNote');
  });

  it('a wrong status code', async () => {
    const proxy = await startProxy({
      upstream: bench.real.httpUrl,
      rewrite: (exchange) => (exchange.method === 'POST' && exchange.path === '/study/v2/studies' && exchange.status === 201 ? { ...exchange, status: 200 } : undefined),
    });
    closers.push(proxy.close);
    const results = await run(proxy.url, bench.real.grpcAddress, { apis: ['study/v2'], areas: ['rest'] });
    const failed = failures(results);
    expect(failed.map((result) => `${result.subject}: ${result.name}`)).toEqual(['registerStudy: a valid request is accepted and answered as documented']);
    expect(failed[0]?.detail).toContain('status 200 is not documented for registerStudy');
  });

  it('a missing auth check in one protocol (gRPC accepts any signature)', async () => {
    const real = devAuthenticator();
    const lax: Authenticator = {
      mode: 'dev',
      // Reads the claims without checking the signature or the expiry: the fault.
      verify: async (token) => {
        const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { sub: string; org: string; roles: string[] };
        return token.split('.').length === 3 ? { userId: claims.sub, orgId: claims.org, roles: claims.roles } : real.verify(token);
      },
    };
    const laxServers = await bench.start({ authenticator: lax });
    const results = await run(bench.real.httpUrl, laxServers.grpcAddress, { apis: ['study/v2'], areas: ['auth'] });
    const failed = failures(results);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((result) => result.area === 'auth' && (result.name.startsWith('bad_signature') || result.name.startsWith('expired')))).toBe(true);
    expect(failed.map((result) => result.subject)).toContain('getStudy');
    expect(failed[0]?.detail).toMatch(/rest unauthenticated, graphql unauthenticated, grpc (ok|not_found|invalid_argument|conflict|precondition_failed)/);
  });

  it('roles read as alternatives where one security requirement lists them all', async () => {
    // The contract checked against asks for doctor and org_admin together on getStudy; the server
    // serves the repository's contract, where either suffices: the mistake of reading the roles of
    // one Security Requirement Object as alternatives.
    const both = { schemes: [{ scheme: 'bearerAuth', roles: ['doctor', 'org_admin'] }] };
    const strict = bench.apis.map((loaded): LoadedApi => {
      if (loaded.key !== 'study/v2') return loaded;
      const operations = loaded.api.operations.map((operation) => (operation.id === 'getStudy' ? { ...operation, security: [both] } : operation));
      return { ...loaded, api: { ...loaded.api, operations } };
    });
    const results = await run(bench.real.httpUrl, bench.real.grpcAddress, { apis: ['study/v2'], areas: ['auth'] }, strict);
    const failed = failures(results);
    expect(failed.map((result) => `${result.subject}: ${result.name}`)).toContain('getStudy: missing_role: the same decision in every protocol');
    expect(failed.every((result) => result.subject === 'getStudy' && /^(missing_role|wrong_role):/.test(result.name))).toBe(true);
    expect(failed.find((result) => result.name.startsWith('missing_role'))?.detail).toBe('expected permission_denied; got rest ok, graphql ok, grpc ok');
    // The check runs only where a requirement lists several roles, and the real contract passes it.
    const real = await run(bench.real.httpUrl, bench.real.grpcAddress, { apis: ['study/v2'], areas: ['auth'] });
    expect(real.filter((result) => result.name.startsWith('missing_role'))).toEqual([]);
    expect(failures(real)).toEqual([]);
  });

  it('a GraphQL resolver that skips a pattern check', async () => {
    // The GraphQL side serves a copy of study v2 whose contract lost the pattern of studyId.
    const loose = bench.apis.map((loaded): LoadedApi => {
      if (loaded.key !== 'study/v2') return loaded;
      const document = structuredClone(loaded.api.document);
      const loosen = (node: unknown): void => {
        if (node === null || typeof node !== 'object') return;
        const record = node as Record<string, unknown>;
        if (typeof record.pattern === 'string' && record.pattern.startsWith('^stu_')) delete record.pattern;
        for (const value of Object.values(record)) loosen(value);
      };
      loosen(document);
      return { ...loaded, api: { ...loaded.api, document } };
    });
    const looseServers = await bench.start({ apis: loose });
    const proxy = await startProxy({ upstream: bench.real.httpUrl, graphqlUpstream: looseServers.httpUrl });
    closers.push(proxy.close);
    const results = await run(proxy.url, bench.real.grpcAddress, { apis: ['study/v2'], areas: ['rest'] });
    const failed = failures(results);
    expect(failed.length).toBeGreaterThan(0);
    for (const result of failed) {
      expect(result.area).toBe('cross');
      expect(result.name).toBe('GraphQL and gRPC reject what REST rejects (patterns, ranges, lengths)');
      expect(result.detail).toMatch(/bad_pattern at \/path\/studyId[^\n]*graphql: /);
      expect(result.detail).not.toContain('grpc: ');
    }
  });

  it('a stricter implementation: a rule the contract does not state (date-times in UTC only)', async () => {
    const implementations = wrapHandlers(bench.services, 'study/v2', {
      listStudies: (listStudies) => async (input, context) => {
        for (const name of ['startedAfter', 'startedBefore'] as const) {
          const value = input.query[name];
          // The fault: an offset other than Z is refused, though the contract's pattern admits it.
          if (value !== undefined && !/[Zz]$/.test(value)) throw new ApiError('invalid_argument', 'Times must be in UTC.', [{ pointer: `/query/${name}`, message: 'must end in Z' }]);
        }
        return listStudies(input, context);
      },
    });
    const strict = await bench.start({ implementations });
    const results = await run(strict.httpUrl, strict.grpcAddress, { apis: ['study/v2'], areas: ['rest'], runs: 40 });
    const failed = failures(results);
    expect(failed.map((result) => `${result.area} ${result.subject}: ${result.name}`)).toEqual([
      'rest listStudies: valid requests generated from the contract are accepted, never 400/422',
      'cross listStudies: GraphQL and gRPC accept the valid requests generated from the contract',
    ]);
    // Each names the parameter, the value and the answer of each protocol.
    expect(failed[0]?.detail).toMatch(/^\/query\/started(After|Before) = "[^"]*[+-]\d\d:?\d\d": rest answered 400 invalid_argument: Times must be in UTC\.$/m);
    expect(failed[1]?.detail).toMatch(/^\/query\/started(After|Before) = "[^"]*[+-]\d\d:?\d\d": (graphql|grpc) answered invalid_argument invalid_argument: Times must be in UTC\.$/m);
  });

  it('a passed gRPC deadline is DEADLINE_EXCEEDED and stops the work', async () => {
    let aborted: boolean | undefined;
    const implementations = wrapHandlers(bench.services, 'study/v2', {
      listStudies: (listStudies) => async (input, context) => {
        // Slow work that watches its signal, as long handlers should.
        aborted = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), 5000);
          context.signal.addEventListener('abort', () => (clearTimeout(timer), resolve(true)), { once: true });
        });
        return listStudies(input, context);
      },
    });
    const slow = await bench.start({ implementations });
    const caller = grpcCaller(slow.grpcAddress, bench.apis, 300);
    const target = bench.target(slow.httpUrl, slow.grpcAddress);
    const token = (await target.tokens.token('valid', 'doctor')) as string;
    const started = Date.now();
    const outcome = await caller.call(bench.apis.find((loaded) => loaded.key === 'study/v2')!.api, 'listStudies', { query: {} }, token);
    caller.close();
    expect(outcome).toMatchObject({ ok: false, code: 'deadline_exceeded', exchange: { status: 4 } });
    const deadline = Date.now() + 3000;
    while (aborted === undefined && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(aborted).toBe(true);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a handler that answers differently through one protocol', async () => {
    const implementations = wrapHandlers(bench.services, 'study/v2', {
      getStudy: (getStudy) => async (input, context) => {
        const study = await getStudy(input, context);
        return context.protocol === 'grpc' ? { ...study, description: `${String(study.description)} (via gRPC)` } : study;
      },
    });
    const skewed = await bench.start({ implementations });
    const results = await run(bench.real.httpUrl, skewed.grpcAddress, { apis: ['study/v2'], areas: ['cross'] });
    const failed = failures(results);
    expect(failed.map((result) => result.name)).toContain('the same read gives the same result in every protocol');
    expect(failed.find((result) => result.subject === 'getStudy')?.detail).toContain('rest and grpc differ at /description');
  });
});
