import fc from 'fast-check';
import { buildClientSchema, buildSchema, getIntrospectionQuery, lexicographicSortSchema, printSchema, type IntrospectionQuery } from 'graphql';
import { serverAudits } from 'graphql-http';
import { graphqlRequest } from './callers/graphql.ts';
import { propertySeed, type RunContext } from './context.ts';
import { expectThat, fail, skip } from './model.ts';
import { apiKey } from './target.ts';
import { callSignal } from './time-limit.ts';
import { rolesOf } from '../compiler/ir.ts';
import { keyOfRoles } from './tokens.ts';

interface GraphqlPayload {
  data?: unknown;
  errors?: Array<{ message?: unknown; extensions?: Record<string, unknown> }>;
}

/** Posts one GraphQL request; the payload is undefined when the body is not JSON. */
async function post(url: string, body: unknown, token: string | undefined): Promise<{ status: number; payload: GraphqlPayload | undefined; text: string; type: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: callSignal(),
  });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  try {
    return { status: response.status, payload: JSON.parse(text) as GraphqlPayload, text, type };
  } catch {
    return { status: response.status, payload: undefined, text, type };
  }
}

/**
 * What is wrong with the errors of a payload: each needs `extensions.code`, none may carry a stack
 * trace. A request refused before GraphQL reads it (a body the HTTP layer rejects) may answer
 * problem+json instead, as GraphQL over HTTP allows for a request that is not well-formed.
 */
export function judgeGraphqlErrors(text: string, payload: GraphqlPayload | undefined, type = 'application/json'): string[] {
  const problems: string[] = [];
  if (/\n\s+at .+:\d+:\d+|"(stack|stacktrace)"\s*:/.test(text)) problems.push('an error carries a stack trace');
  if (type.startsWith('application/problem+json')) return problems;
  if (!payload) return [`the response is not JSON: ${text.slice(0, 80)}`];
  for (const error of payload.errors ?? []) {
    if (typeof error.extensions?.code !== 'string') problems.push(`error '${String(error.message).slice(0, 80)}' has no extensions.code`);
  }
  return problems;
}

// Everything introspection can say, so the comparison misses nothing the SDL carries.
const introspectionOptions = { descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true };

/** Normalises an SDL for comparison: the same schema prints the same, whatever the order. */
const canonical = (sdl: string): string => printSchema(lexicographicSortSchema(buildSchema(sdl)));

/**
 * Item 2: the served schema (by introspection) is the generated SDL; the graphql-http audits of
 * GraphQL over HTTP pass with our auth in place; errors carry `extensions.code` and no stack
 * traces; variables of the wrong shape never give a 5xx.
 */
export async function graphqlChecks(context: RunContext): Promise<void> {
  const { checks, target } = context;
  for (const loaded of context.apis) {
    const api = loaded.api;
    const key = apiKey(api);
    const url = `${target.httpUrl}${target.graphqlPath(api)}`;
    const reader = api.operations.find((operation) => operation.kind === 'query' && operation.result.kind === 'json');
    // A role the contract lets read; not the reader's prepared call, which may need seed data that is missing.
    const readerRole = reader?.security[0] ? keyOfRoles(rolesOf(reader.security[0])) || undefined : undefined;
    const readerToken = readerRole === undefined ? undefined : await target.tokens.token('valid', readerRole);
    const token = typeof readerToken === 'string' ? readerToken : undefined;

    await checks.run('graphql', key, 'introspection equals the generated SDL', 'schema', async () => {
      const { payload, text } = await post(url, { query: getIntrospectionQuery(introspectionOptions) }, token);
      if (!payload?.data) fail(`introspection failed: ${text.slice(0, 200)}`);
      const served = printSchema(lexicographicSortSchema(buildClientSchema(payload!.data as IntrospectionQuery)));
      const expected = canonical(loaded.sdl);
      if (served !== expected) fail(firstDifference(expected, served));
    });

    const audits = serverAudits({
      url,
      fetchFn: (input: RequestInfo, init: RequestInit = {}) => fetch(input, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), ...(token ? { authorization: `Bearer ${token}` } : {}) }, signal: callSignal() }),
    });
    for (const audit of audits) {
      await checks.run('graphql', key, `graphql-http audit: ${audit.name}`, audit.id, async () => {
        const result = await audit.fn();
        if (result.status === 'ok') return undefined;
        const reason = 'reason' in result ? result.reason : '';
        // Only a failed MUST fails the check; SHOULD and MAY are noted beside the pass.
        if (result.status !== 'error') return `${result.status}: ${reason}`;
        return fail(reason);
      });
    }

    await checks.run('graphql', key, 'errors carry extensions.code and no stack trace', 'errors', async () => {
      const probes: Array<[string, unknown, string | undefined]> = [
        ['a syntax error', { query: '{ nope(' }, token],
        ['an unknown field', { query: '{ noSuchField }' }, token],
        ['a missing operation', { query: '' }, token],
      ];
      for (const operation of api.operations.filter((candidate) => candidate.result.kind === 'json')) {
        const prepared = await context.prepared(api, operation);
        const { document, variables } = graphqlRequest(api, operation, prepared.input);
        if (operation.security.length > 0) probes.push([`${operation.id} without a token`, { query: document, variables }, undefined]);
        if (operation.kind === 'query' && prepared.refersToResource) {
          const other = await target.tokens.token('other_org', prepared.role);
          if (typeof other === 'string') probes.push([`${operation.id} of another organisation`, { query: document, variables }, other]);
        }
      }
      const problems: string[] = [];
      for (const [name, body, probeToken] of probes) {
        const { status, payload, text, type } = await post(url, body, probeToken);
        if (status >= 500) problems.push(`${name}: HTTP ${status}`);
        if (!payload?.errors?.length) problems.push(`${name}: no error reported`);
        problems.push(...judgeGraphqlErrors(text, payload, type).map((problem) => `${name}: ${problem}`));
      }
      expectThat(problems.length === 0, problems.slice(0, 5).join('\n'));
      return `${probes.length} erroneous requests`;
    });

    for (const operation of api.operations.filter((candidate) => candidate.result.kind === 'json' || candidate.result.kind === 'empty')) {
      await checks.run('graphql', key, 'variables of the wrong shape never give a 5xx', operation.id, async () => {
        if (operation.body?.kind === 'binary') skip('an upload: its variables are files');
        const prepared = await context.prepared(api, operation);
        const valid = await target.tokens.token('valid', prepared.role);
        if (typeof valid !== 'string') skip(valid.skipped);
        const { document, variables } = graphqlRequest(api, operation, prepared.input);
        const names = Object.keys(variables);
        if (names.length === 0) skip('the operation takes no variables');
        const seed = propertySeed(context.seed, `${key} ${operation.id} graphql variables`);
        const problems: string[] = [];
        await fc.assert(
          fc.asyncProperty(fc.constantFrom(...names), fc.jsonValue({ maxDepth: 2 }), async (name, value) => {
            const { status, payload, text, type } = await post(url, { query: document, variables: { ...variables, [name]: value } }, valid as string);
            if (status >= 500) problems.push(`$${name} = ${JSON.stringify(value)?.slice(0, 60)}: HTTP ${status}`);
            if (payload?.errors?.length) problems.push(...judgeGraphqlErrors(text, payload, type).map((problem) => `$${name} = ${JSON.stringify(value)?.slice(0, 60)}: ${problem}`));
          }),
          { seed, numRuns: Math.max(5, Math.floor(context.runs / 2)), endOnFailure: true },
        );
        expectThat(problems.length === 0, `${problems.slice(0, 3).join('\n')}\n(property seed ${seed})`);
      });
    }
  }
}

function firstDifference(expected: string, served: string): string {
  const a = expected.split('\n');
  const b = served.split('\n');
  for (let index = 0; index < Math.max(a.length, b.length); index += 1) {
    if (a[index] !== b[index]) return `the served schema differs from the generated SDL at line ${index + 1}:\n  generated: ${a[index] ?? '(end)'}\n  served:    ${b[index] ?? '(end)'}`;
  }
  return 'the schemas differ';
}

