import fc from 'fast-check';
import type { Operation } from '../compiler/ir.ts';
import { errorCatalog, type ErrorCode } from '../runtime/errors.ts';
import type { Outcome } from './callers/caller.ts';
import { probeGraphqlStream } from './callers/graphql.ts';
import { streamProbe } from './rest.ts';
import { propertySeed, type RunContext } from './context.ts';
import { resolveSchema, satisfying } from './generate-inputs.ts';
import { expectThat, fail, skip } from './model.ts';
import { difference, normalise } from './normalise.ts';
import { findResources } from './resources.ts';
import { apiKey } from './target.ts';
import { inputSchema } from '../runtime/validate.ts';

export const protocols = ['rest', 'graphql', 'grpc'] as const;
export type Protocol = (typeof protocols)[number];

/** Whether the wire status of a failed call is the one the error catalog gives its code. */
export function catalogMismatch(protocol: Protocol, outcome: Outcome): string | undefined {
  if (outcome.ok) return undefined;
  const entry = errorCatalog[outcome.code as ErrorCode] as (typeof errorCatalog)[ErrorCode] | undefined;
  if (!entry) return `${protocol}: '${outcome.code}' is not a catalogued error`;
  const exchange = outcome.exchange;
  if (!exchange) return undefined;
  if (protocol === 'rest' && exchange.status !== entry.http) return `rest: ${outcome.code} answered HTTP ${exchange.status}, the catalog says ${entry.http}`;
  if (protocol === 'grpc' && exchange.status !== entry.grpc) return `grpc: ${outcome.code} answered status ${exchange.status}, the catalog says ${entry.grpc} (${entry.grpcName})`;
  if (protocol === 'graphql') {
    const code = (exchange.body as { errors?: Array<{ extensions?: { code?: unknown } }> } | undefined)?.errors?.[0]?.extensions?.code;
    if (code !== entry.graphql) return `graphql: ${outcome.code} has extensions.code ${String(code)}, the catalog says ${entry.graphql}`;
  }
  return undefined;
}

/** The protocols an operation can be called through with the generic callers. */
export const protocolsOf = (operation: Operation): Protocol[] =>
  operation.result.kind === 'stream' ? [] : operation.result.kind === 'binary' ? ['rest', 'grpc'] : [...protocols];

/**
 * Item 4: the same read gives the same result through all three protocols; a write through any
 * one is visible, identically, through the others; a domain error (here: an unknown id) has the
 * catalog's status in each protocol.
 */
export async function crossChecks(context: RunContext): Promise<void> {
  const { checks, target } = context;
  for (const loaded of context.apis) {
    const api = loaded.api;
    const key = apiKey(api);
    for (const operation of api.operations.filter((candidate) => candidate.kind === 'query' && candidate.result.kind === 'json')) {
      await checks.run('cross', key, 'the same read gives the same result in every protocol', operation.id, async () => {
        const prepared = await context.prepared(api, operation);
        const token = await target.tokens.token('valid', prepared.role);
        if (typeof token !== 'string') skip(token.skipped);
        const results = new Map<Protocol, unknown>();
        for (const protocol of protocols) {
          const outcome = await target.callers[protocol].call(api, operation.id, prepared.input, token as string);
          if (!outcome.ok) fail(`${protocol} failed: ${outcome.code}: ${outcome.message}`);
          results.set(protocol, normalise((outcome as { value: unknown }).value));
        }
        for (const protocol of ['graphql', 'grpc'] as const) {
          const diff = difference(results.get('rest'), results.get(protocol));
          expectThat(diff === '', `rest and ${protocol} differ at ${diff}`);
        }
      });
      const idParameter = operation.parameters.find((parameter) => parameter.in === 'path');
      if (!idParameter) continue;
      await checks.run('cross', key, 'an unknown id is not_found with the catalog status in every protocol', operation.id, async () => {
        const prepared = await context.prepared(api, operation);
        const token = await target.tokens.token('valid', prepared.role);
        if (typeof token !== 'string') skip(token.skipped);
        const schema = resolveSchema(api, (inputSchema(api, operation) as { properties: { path: { properties: Record<string, unknown> } } }).properties.path.properties[idParameter.name]);
        const pattern = typeof schema.pattern === 'string' ? new RegExp(schema.pattern) : /^[a-z]{24}$/;
        const seed = propertySeed(context.seed, `${key} ${operation.id} unknown`);
        const ids = satisfying(fc.stringMatching(pattern), (text) => text.length >= 8 && text.length <= 64 && !/[/?#%]/.test(text), seed);
        if (!ids) skip(`no id of 8 to 64 characters matching ${pattern.source} could be generated`);
        const [unknownId] = fc.sample(ids!, { numRuns: 1, seed });
        const input = { ...prepared.input, path: { ...prepared.input.path, [idParameter.name]: unknownId } };
        const problems: string[] = [];
        for (const protocol of protocolsOf(operation)) {
          const outcome = await target.callers[protocol].call(api, operation.id, input, token as string);
          if (outcome.ok || outcome.code !== 'not_found') problems.push(`${protocol}: ${outcome.ok ? 'a result' : outcome.code}`);
          const mismatch = catalogMismatch(protocol, outcome);
          if (mismatch) problems.push(mismatch);
        }
        expectThat(problems.length === 0, `${idParameter.name} = ${String(unknownId)}: ${problems.join('; ')}`);
      });
    }
    for (const operation of api.operations.filter((candidate) => candidate.result.kind === 'stream')) {
      await checks.run('cross', key, 'an event stream starts through every protocol', operation.id, async () => {
        const prepared = await context.prepared(api, operation);
        const token = await target.tokens.token('valid', prepared.role);
        if (typeof token !== 'string') skip(token.skipped);
        const rest = await streamProbe(context, api, operation, prepared.input, token as string);
        const graphql = await probeGraphqlStream(`${target.httpUrl}${target.graphqlPath(api)}`, api, operation, prepared.input, token as string);
        const grpc = await target.grpc.probe(api, operation.id, prepared.input, token as string);
        const problems = [
          ...(rest.status === 200 ? [] : [`rest answered ${rest.status}`]),
          ...(graphql.ok ? [] : [`graphql: ${graphql.code}: ${graphql.message}`]),
          ...(grpc.ok ? [] : [`grpc: ${grpc.code}: ${grpc.message}`]),
        ];
        expectThat(problems.length === 0, problems.join('; '));
      });
    }
    for (const resource of findResources(api)) {
      for (const via of protocols) {
        await checks.run('cross', key, `a write through ${via} is visible through all three`, resource.create.id, async () => {
          const prepared = await context.prepared(api, resource.create, true);
          const token = await target.tokens.token('valid', prepared.role);
          if (typeof token !== 'string') skip(token.skipped);
          const created = await target.callers[via].call(api, resource.create.id, prepared.input, token as string);
          if (!created.ok) fail(`create through ${via} failed: ${created.code}: ${created.message}`);
          const id = ((created as { value: { id?: unknown } }).value ?? {}).id;
          expectThat(typeof id === 'string', `the created resource has no id`);
          const reader = await context.prepared(api, resource.get);
          const readToken = await target.tokens.token('valid', reader.role);
          if (typeof readToken !== 'string') skip(readToken.skipped);
          const reads = new Map<Protocol, unknown>();
          for (const protocol of protocols) {
            const read = await target.callers[protocol].call(api, resource.get.id, { path: { [resource.idParameter]: id } }, readToken as string);
            if (!read.ok) fail(`${protocol} cannot read ${String(id)}: ${read.code}: ${read.message}`);
            reads.set(protocol, normalise((read as { value: unknown }).value));
          }
          const createdValue = normalise((created as { value: unknown }).value);
          for (const protocol of protocols) {
            const diff = difference(createdValue, reads.get(protocol));
            expectThat(diff === '', `what ${via} created and what ${protocol} reads differ at ${diff}`);
          }
        });
      }
    }
  }
}

