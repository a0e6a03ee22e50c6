import type { Api, Operation } from '../compiler/ir.ts';
import { lifecycleHeaders } from '../runtime/lifecycle.ts';
import type { Exchange } from './callers/caller.ts';
import type { ContractSchemas } from './contract-schemas.ts';
import type { RunContext } from './context.ts';
import { expectThat, fail, skip } from './model.ts';
import { apiKey } from './target.ts';
import { callSignal } from './time-limit.ts';

const httpMethods = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH'] as const;

/** Whether the contract documents `status` for the operation (exactly, as `4XX`, or by `default`). */
export function documentedStatus(schemas: ContractSchemas, operation: Operation, status: number): boolean {
  return schemas.responseFor(operation, status) !== undefined;
}

/** What is wrong with a REST response, judged against the contract; empty when nothing is. */
export function judgeRestResponse(schemas: ContractSchemas, operation: Operation, exchange: Exchange): string[] {
  const problems: string[] = [];
  const declared = schemas.responseFor(operation, exchange.status);
  if (!declared) return [`status ${exchange.status} is not documented for ${operation.id} (documented: ${[...schemas.responses(operation).keys()].join(', ')})`];
  const type = (exchange.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
  const mediaTypes = Object.keys(declared.content);
  if (exchange.status >= 400 && type !== 'application/problem+json') problems.push(`an error answered ${type || 'no content type'}, not application/problem+json`);
  if (mediaTypes.length === 0) {
    if (exchange.status !== 204 && exchange.status !== 304 && type !== '' && exchange.body !== '' && exchange.body !== undefined) problems.push(`status ${exchange.status} declares no content, but the response has ${type}`);
  } else if (!mediaTypes.includes(type) && operation.result.kind !== 'stream') {
    problems.push(`content type ${type || '(none)'} is not one of ${mediaTypes.join(', ')}`);
  } else if (/json/.test(type)) {
    const schema = declared.content[type];
    problems.push(...schemas.validate(schema, exchange.body).map((error) => `body ${error}`));
    const extra = schemas.undeclared(schema, exchange.body);
    if (extra.length > 0) problems.push(`body has properties the contract does not declare: ${extra.join(', ')}`);
    if (exchange.status >= 400 && (exchange.body as { status?: unknown } | undefined)?.status !== exchange.status) problems.push(`problem status ${String((exchange.body as { status?: unknown })?.status)} differs from HTTP ${exchange.status}`);
  }
  for (const [name, header] of Object.entries(declared.headers)) {
    const value = exchange.headers[name.toLowerCase()];
    if (value === undefined) {
      if (header.required) problems.push(`required header ${name} is missing`);
      continue;
    }
    problems.push(...schemas.validate(header.schema, value).map((error) => `header ${name} ${error}`));
  }
  const version = (exchange.body as { version?: unknown } | undefined)?.version;
  if (exchange.status < 300 && 'ETag' in declared.headers && (typeof version === 'number' || typeof version === 'string')) {
    const etag = exchange.headers.etag;
    if (etag !== undefined && etag !== `"${version}"` && etag !== `W/"${version}"`) problems.push(`ETag ${etag} does not name the body's version ${String(version)}`);
  }
  const id = (exchange.body as { id?: unknown } | undefined)?.id;
  if ('Location' in declared.headers && exchange.headers.location !== undefined && typeof id === 'string' && !exchange.headers.location.endsWith(`/${id}`)) {
    problems.push(`Location ${exchange.headers.location} does not point at the new resource ${id}`);
  }
  return problems;
}

/** What is wrong with the deprecation headers of a response of a deprecated API version. */
export function judgeLifecycle(api: Api, exchange: Exchange): string[] {
  return Object.entries(lifecycleHeaders(api)).flatMap(([name, value]) => {
    const got = exchange.headers[name.toLowerCase()];
    return got === value ? [] : [`${name} is ${got === undefined ? 'missing' : `'${got}'`}, the contract says '${value}'`];
  });
}

/**
 * Item 1: each operation's valid call is accepted and answered as the contract says; without
 * credentials it answers 401; undeclared methods answer 405 with `Allow`; a deprecated version
 * sends Deprecation and Sunset on every response.
 */
export async function restChecks(context: RunContext): Promise<void> {
  const { checks, target } = context;
  for (const loaded of context.apis) {
    const api = loaded.api;
    const key = apiKey(api);
    const schemas = context.schemas(api);
    for (const operation of api.operations) {
      if (operation.security.length > 0) {
        await checks.run('rest', key, 'no credentials answer 401 problem+json', operation.id, async () => {
          const prepared = await context.prepared(api, operation);
          if (operation.result.kind === 'stream') {
            const response = await streamProbe(context, api, operation, prepared.input, undefined);
            expectThat(response.status === 401, `got ${response.status}, expected 401`);
            return;
          }
          const outcome = await target.callers.rest.call(api, operation.id, prepared.input, undefined);
          const exchange = outcome.exchange!;
          expectThat(exchange.status === 401, `got ${exchange.status}, expected 401`);
          const problems = judgeRestResponse(schemas, operation, exchange);
          expectThat(problems.length === 0, problems.join('; '));
        });
      }
      await checks.run('rest', key, 'a valid request is accepted and answered as documented', operation.id, async () => {
        const prepared = await context.prepared(api, operation, true);
        const token = await target.tokens.token('valid', prepared.role);
        if (typeof token !== 'string') skip(token.skipped);
        if (operation.result.kind === 'stream') {
          const response = await streamProbe(context, api, operation, prepared.input, token as string);
          expectThat(response.status === 200, `got ${response.status}, expected 200`);
          expectThat(response.type.startsWith('text/event-stream'), `content type ${response.type}, expected text/event-stream`);
          return;
        }
        const outcome = await target.callers.rest.call(api, operation.id, prepared.input, token as string);
        const exchange = outcome.exchange!;
        if (!outcome.ok) fail(`answered ${exchange.status} ${outcome.code}: ${outcome.message}`);
        const problems = [...judgeRestResponse(schemas, operation, exchange), ...judgeLifecycle(api, exchange)];
        expectThat(problems.length === 0, problems.join('; '));
        if (operation.result.kind === 'binary') await checkRange(context, api, operation, prepared.input, token as string);
      });
    }
    await checks.run('rest', key, 'errors carry Deprecation and Sunset too', '*', async () => {
      if (Object.keys(lifecycleHeaders(api)).length === 0) skip('this version is not deprecated');
      const operation = api.operations.find((candidate) => candidate.security.length > 0 && candidate.result.kind === 'json');
      if (!operation) skip('no secured JSON operation');
      const outcome = await target.callers.rest.call(api, operation!.id, (await context.prepared(api, operation!)).input, undefined);
      const problems = judgeLifecycle(api, outcome.exchange!);
      expectThat(problems.length === 0, problems.join('; '));
    });
    const paths = new Map<string, Operation[]>();
    for (const operation of api.operations) paths.set(operation.path, [...(paths.get(operation.path) ?? []), operation]);
    for (const [path, operations] of paths) {
      await checks.run('rest', key, 'undeclared methods answer 405 with Allow', path, async () => {
        const declared = operations.map((operation) => operation.method.toUpperCase());
        const undeclared = httpMethods.filter((method) => !declared.includes(method));
        if (undeclared.length === 0) skip('every method is declared');
        const prepared = await context.prepared(api, operations[0]!);
        const url = `${target.httpUrl}${target.basePath(api)}${path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(String(prepared.input.path?.[name] ?? 'x')))}`;
        const token = await target.tokens.token('valid', prepared.role);
        for (const method of undeclared) {
          const response = await fetch(url, { method, headers: typeof token === 'string' ? { authorization: `Bearer ${token}` } : {}, signal: callSignal() });
          await response.arrayBuffer();
          expectThat(response.status === 405, `${method} answered ${response.status}, expected 405`);
          const allow = (response.headers.get('allow') ?? '').split(',').map((item) => item.trim().toUpperCase()).filter(Boolean);
          const expected = declared.includes('GET') ? [...declared, 'HEAD'] : declared;
          expectThat(declared.every((item) => allow.includes(item)) && allow.every((item) => expected.includes(item)), `${method}: Allow is '${response.headers.get('allow') ?? ''}', the contract declares ${declared.join(', ')}`);
        }
      });
    }
  }
}

// A download answers a byte range with 206 and Content-Range, as the contract documents.
async function checkRange(context: RunContext, api: Api, operation: Operation, input: { path?: Record<string, unknown> }, token: string): Promise<void> {
  const declared = context.schemas(api).responses(operation);
  if (!declared.has('206')) return;
  const url = `${context.target.httpUrl}${context.target.basePath(api)}${operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(String(input.path?.[name])))}`;
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}`, range: 'bytes=0-3' }, signal: callSignal() });
  const body = Buffer.from(await response.arrayBuffer());
  expectThat(response.status === 206, `a range request answered ${response.status}, expected 206`);
  expectThat(body.length === 4 && /^bytes 0-3\/\d+$/.test(response.headers.get('content-range') ?? ''), `range 0-3 gave ${body.length} bytes and Content-Range '${response.headers.get('content-range') ?? ''}'`);
}

/** Opens an event stream over REST, reads the status and content type, and hangs up. */
export async function streamProbe(context: RunContext, api: Api, operation: Operation, input: { path?: Record<string, unknown> }, token: string | undefined): Promise<{ status: number; type: string }> {
  const url = `${context.target.httpUrl}${context.target.basePath(api)}${operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(String(input.path?.[name])))}`;
  const aborter = new AbortController();
  const timer = setTimeout(() => aborter.abort(), 10_000);
  try {
    const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.any([aborter.signal, callSignal()]) });
    const result = { status: response.status, type: response.headers.get('content-type') ?? '' };
    if (response.status >= 300) await response.text();
    return result;
  } finally {
    clearTimeout(timer);
    aborter.abort();
  }
}
