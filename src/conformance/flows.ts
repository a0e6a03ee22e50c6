import type { Api } from '../compiler/ir.ts';
import type { OperationInput } from '../runtime/handler.ts';
import type { Outcome } from './callers/caller.ts';
import type { RunContext } from './context.ts';
import { resolveSchema } from './generate-inputs.ts';
import { expectThat, fail, skip } from './model.ts';
import { difference, normalise } from './normalise.ts';
import { catalogMismatch, protocols, type Protocol } from './cross.ts';
import { findResources, type Resource } from './resources.ts';
import { apiKey } from './target.ts';
import { inputSchema } from '../runtime/validate.ts';

type Json = Record<string, unknown>;

/**
 * Item 5: the life of each resource the contract's paths describe, through REST: create, read,
 * update, update again with the stale ETag (a conflict in every protocol), cancel or delete, read.
 * A create that fails never leaves anything to read. Flows written down are in explicit-flows.ts.
 */
export async function flowChecks(context: RunContext): Promise<void> {
  for (const loaded of context.apis) {
    const api = loaded.api;
    for (const resource of findResources(api)) {
      await context.checks.run('flow', apiKey(api), 'create, get, update, stale update, end, get', resource.collection, () => lifecycle(context, api, resource));
      for (const via of protocols) {
        await context.checks.run('flow', apiKey(api), `a create that fails through ${via} leaves nothing to read`, resource.collection, () => failedCreate(context, api, resource, via));
      }
    }
  }
}

async function tokenFor(context: RunContext, role: string): Promise<string> {
  const token = await context.target.tokens.token('valid', role);
  if (typeof token !== 'string') skip(token.skipped);
  return token as string;
}

const valueOf = (outcome: Outcome, step: string): Json => {
  if (!outcome.ok) fail(`${step}: ${outcome.code}: ${outcome.message}`);
  return ((outcome as { value: unknown }).value ?? {}) as Json;
};

async function lifecycle(context: RunContext, api: Api, resource: Resource): Promise<string> {
  const { target } = context;
  const rest = target.callers.rest;
  const creating = await context.prepared(api, resource.create, true);
  const created = await rest.call(api, resource.create.id, creating.input, await tokenFor(context, creating.role));
  const createdValue = valueOf(created, 'create');
  const id = createdValue.id;
  expectThat(typeof id === 'string', 'create: the result has no id');
  const etagOf = (outcome: Outcome) => outcome.exchange?.headers.etag;
  const reader = await context.prepared(api, resource.get);
  const readToken = await tokenFor(context, reader.role);
  const path = { [resource.idParameter]: id };
  const read = await rest.call(api, resource.get.id, { path }, readToken);
  const diff = difference(normalise(createdValue), normalise(valueOf(read, 'get after create')));
  expectThat(diff === '', `get after create differs from what create returned at ${diff}`);
  if (etagOf(created) !== undefined) expectThat(etagOf(read) === etagOf(created), `get after create has ETag ${etagOf(read)}, create gave ${etagOf(created)}`);
  const steps = ['create', 'get'];
  let etag = etagOf(read) ?? (createdValue.version !== undefined ? `"${String(createdValue.version)}"` : undefined);
  if (resource.update) {
    const updating = await context.prepared(api, resource.update, true);
    const token = await tokenFor(context, updating.role);
    const input = (header: string | undefined): OperationInput => ({ ...updating.input, path: { ...updating.input.path, ...path }, ...(header !== undefined ? { header: { ...updating.input.header, 'If-Match': header } } : {}) });
    const updated = await rest.call(api, resource.update.id, input(etag), token);
    const updatedValue = valueOf(updated, 'update with the current ETag');
    if (createdValue.version !== undefined) expectThat(updatedValue.version !== createdValue.version, 'update: the version did not change');
    const stale = etag;
    etag = etagOf(updated) ?? (updatedValue.version !== undefined ? `"${String(updatedValue.version)}"` : etag);
    steps.push('update');
    if (stale !== undefined && resource.update.parameters.some((parameter) => parameter.name.toLowerCase() === 'if-match')) {
      const codes: string[] = [];
      for (const protocol of protocols) {
        const outcome = await target.callers[protocol].call(api, resource.update.id, input(stale), token);
        expectThat(!outcome.ok, `update with the stale ETag ${stale} through ${protocol} succeeded`);
        const code = (outcome as { code: string }).code;
        expectThat(code === 'conflict' || code === 'precondition_failed', `update with a stale ETag through ${protocol}: ${code}, expected conflict or precondition_failed`);
        const mismatch = catalogMismatch(protocol, outcome);
        expectThat(mismatch === undefined, mismatch ?? '');
        codes.push(code);
      }
      expectThat(new Set(codes).size === 1, `a stale ETag gives different codes: ${codes.join(', ')}`);
      steps.push(`stale update (${codes[0]})`);
    }
  }
  if (resource.end) {
    const ending = await context.prepared(api, resource.end, true);
    const input: OperationInput = { ...ending.input, path: { ...ending.input.path, ...path }, ...(ending.input.header?.['If-Match'] !== undefined && etag !== undefined ? { header: { ...ending.input.header, 'If-Match': etag } } : {}) };
    valueOf(await rest.call(api, resource.end.id, input, await tokenFor(context, ending.role)), resource.end.method === 'DELETE' ? 'delete' : 'cancel');
    const after = await rest.call(api, resource.get.id, { path }, readToken);
    if (resource.end.method === 'DELETE') expectThat(!after.ok && after.code === 'not_found', `get after delete: ${after.ok ? 'still readable' : after.code}`);
    else {
      const value = valueOf(after, 'get after cancel');
      if (typeof value.status === 'string') expectThat(value.status === 'cancelled', `get after cancel: status ${value.status}, expected cancelled`);
    }
    steps.push(resource.end.method === 'DELETE' ? 'delete' : 'cancel', 'get');
  }
  return steps.join(' -> ');
}

/** The first plain string property of a create body (no pattern, format or enum) that a marker fits in. */
function markerPlace(api: Api, schema: unknown, marker: string, depth = 0): string[] | undefined {
  const resolved = resolveSchema(api, schema);
  const properties = (resolved.properties ?? {}) as Record<string, unknown>;
  for (const [name, property] of Object.entries(properties)) {
    const inner = resolveSchema(api, property);
    const type = Array.isArray(inner.type) ? inner.type.find((item) => item !== 'null') : inner.type;
    if (type === 'string' && inner.pattern === undefined && inner.format === undefined && inner.enum === undefined && !inner.readOnly && (typeof inner.maxLength !== 'number' || inner.maxLength >= marker.length)) return [name];
    if (type === 'object' && depth < 2) {
      const nested = markerPlace(api, inner, marker, depth + 1);
      if (nested) return [name, ...nested];
    }
  }
  return undefined;
}

/**
 * Another property with a rule (an enum, a pattern or a length) and a value that breaks it. Not an
 * enum through gRPC: proto cannot carry a value its enum does not list, so the client drops it.
 */
function breakerPlace(api: Api, schema: unknown, avoid: string[], via: Protocol, prefix: string[] = []): { path: string[]; value: unknown } | undefined {
  const resolved = resolveSchema(api, schema);
  for (const [name, property] of Object.entries((resolved.properties ?? {}) as Record<string, unknown>)) {
    const path = [...prefix, name];
    if (path.join('.') === avoid.join('.')) continue;
    const inner = resolveSchema(api, property);
    if (inner.readOnly) continue;
    if (Array.isArray(inner.enum) && via !== 'grpc') return { path, value: 'not_a_listed_value' };
    if (typeof inner.pattern === 'string' && !new RegExp(inner.pattern).test('!')) return { path, value: '!' };
    // Up to 100 kB: an over-long text is still a small request.
    if (typeof inner.maxLength === 'number' && inner.maxLength < 100_000) return { path, value: 'x'.repeat(inner.maxLength + 1) };
    if (inner.properties && prefix.length < 2) {
      const nested = breakerPlace(api, inner, avoid, via, path);
      if (nested) return nested;
    }
  }
  return undefined;
}

async function failedCreate(context: RunContext, api: Api, resource: Resource, via: Protocol): Promise<string> {
  const { target } = context;
  if (!resource.list) skip('the resource has no list to look in');
  if (resource.create.body?.kind !== 'json') skip('the create takes no JSON body');
  const creating = await context.prepared(api, resource.create, true);
  const bodySchema = resolveSchema(api, (inputSchema(api, resource.create) as { properties: { body?: unknown } }).properties.body);
  const marker = context.fixtures.marker();
  const place = markerPlace(api, bodySchema, marker);
  if (!place) skip('the create body has no free-text property to mark');
  const breaker = breakerPlace(api, bodySchema, place!, via);
  if (!breaker) skip('no other property with a rule to break');
  const body = structuredClone(creating.input.body) as Json;
  let node = body;
  for (const name of place!.slice(0, -1)) node = (node[name] ??= {}) as Json;
  node[place!.at(-1)!] = marker;
  node = body;
  for (const name of breaker!.path.slice(0, -1)) node = (node[name] ??= {}) as Json;
  node[breaker!.path.at(-1)!] = breaker!.value;
  const outcome = await target.callers[via].call(api, resource.create.id, { ...creating.input, body }, await tokenFor(context, creating.role));
  expectThat(!outcome.ok, `a create with ${breaker!.path.join('.')} = ${JSON.stringify(breaker!.value).slice(0, 40)} through ${via} succeeded`);
  const listing = await context.prepared(api, resource.list!);
  const query: Json = { ...listing.input.query };
  for (const parameter of resource.list!.parameters) {
    const schema = resolveSchema(api, (inputSchema(api, resource.list!) as { properties: { query?: { properties: Record<string, unknown> } } }).properties.query?.properties[parameter.name]);
    if (/^(limit|pageSize|page_size|maxResults)$/.test(parameter.name) && typeof schema.maximum === 'number') query[parameter.name] = schema.maximum;
  }
  const list = await target.callers.rest.call(api, resource.list!.id, { ...listing.input, query }, await tokenFor(context, listing.role));
  const value = valueOf(list, 'list');
  expectThat(!JSON.stringify(value).includes(marker), `the list holds the resource whose create failed (${place!.join('.')} = ${marker})`);
  return `marked ${place!.join('.')}, broke ${breaker!.path.join('.')}: ${(outcome as { code: string }).code}`;
}

