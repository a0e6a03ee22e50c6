import type { Api, Operation } from '../compiler/ir.ts';
import { appendPointer, getAtPointer } from '../compiler/pointer.ts';
import { words } from '../compiler/names.ts';
import { singular } from '../compiler/singular.ts';
import { inputSchema } from '../runtime/validate.ts';
import { resolveSchema } from './generate-inputs.ts';
import { apiKey } from './target.ts';

/** An operation that creates a resource, and the path parameter that the created id fills. */
export interface Creator {
  /** `notes/v1` */
  api: string;
  operation: Operation;
  /** The path parameter of other operations that the created id fills, e.g. `noteId`. */
  parameter: string;
  /** The path of the created item when the paths show it (`/notes/{noteId}`); absent when only the schemas do. */
  item?: string;
  /** The property of the result that holds the id: `id`, or one named as the parameter. */
  property: string;
  /** `a note`, as a skipped check names what it needed. */
  noun: string;
}

type Schema = Record<string, unknown>;

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const pathParameters = (path: string): string[] => [...path.matchAll(/\{([^}/]+)\}/g)].map((match) => match[1]!);

/** The properties of an operation's JSON result, `$ref`s and `allOf` followed. */
function resultProperties(api: Api, operation: Operation): Schema {
  if (operation.result.kind !== 'json') return {};
  const response = resolveSchema(api, getAtPointer(api.document, appendPointer(operation.pointer, 'responses', operation.result.status)));
  const content = (response.content ?? {}) as Record<string, { schema?: unknown }>;
  const media = content[operation.result.mediaTypes[0] ?? 'application/json'] ?? Object.values(content)[0];
  const properties = resolveSchema(api, media?.schema).properties;
  return properties !== null && typeof properties === 'object' ? (properties as Schema) : {};
}

/** The schema of each path parameter of an API version (the first that declares it), resolved. */
function pathParameterSchemas(api: Api): Map<string, Schema> {
  const schemas = new Map<string, Schema>();
  for (const operation of api.operations) {
    const path = (inputSchema(api, operation).properties as { path?: { properties: Record<string, unknown> } }).path?.properties ?? {};
    for (const [name, schema] of Object.entries(path)) if (!schemas.has(name)) schemas.set(name, resolveSchema(api, schema));
  }
  return schemas;
}

/**
 * `a note` for `noteId`, `an assessment` for `assessmentId`; a parameter named only `id` is named
 * by the collection above it (`/notes/{id}`: a note).
 */
export function nounOf(parameter: string, item?: string): string {
  const parts = [...words(parameter)];
  if (parts.length > 1 && parts.at(-1) === 'id') parts.pop();
  let noun = parts.join(' ');
  if (noun === 'id' || noun === '') {
    const segment = item?.split('/').filter((part) => part !== '' && !part.startsWith('{')).at(-1);
    // `singular` names a word that is no plural `<word>Item`; such a segment is kept as it is.
    const one = segment === undefined ? undefined : singular(segment);
    noun = segment === undefined ? 'resource' : words(one!.endsWith('Item') ? segment : one!).join(' ');
  }
  // `an` before a vowel sound: `an assessment`, `an upload`, but `a user`, `a unit`.
  const vowel = /^[aeio]/.test(noun) || /^u[^aeiou][^aeiou]/.test(noun);
  return `${vowel ? 'an' : 'a'} ${noun}`;
}

/**
 * The operations of an API version that create resources, each with the path parameter its
 * created id fills: a POST answering a JSON object with an `id` (or a property named as the
 * parameter) that fills `{P}` where the paths put the new item below the POST's own path
 * (`POST /notes` beside `/notes/{noteId}`), or where that id has the parameter's very pattern.
 * An operation whose own path has `{P}` acts on an existing one and creates none. The creators of
 * one parameter come in order of preference: those the paths show first.
 */
export function findCreators(api: Api): Creator[] {
  const parameters = pathParameterSchemas(api);
  const found: Creator[] = [];
  for (const operation of api.operations) {
    if (operation.method.toUpperCase() !== 'POST' || operation.result.kind !== 'json' || !operation.result.status.startsWith('2')) continue;
    const properties = resultProperties(api, operation);
    const own = new Set(pathParameters(operation.path));
    const below = new RegExp(`^${escapeRegExp(operation.path)}/\\{([^}/]+)\\}(/|$)`);
    const items = new Map<string, string>();
    for (const other of api.operations) {
      const parameter = below.exec(other.path)?.[1];
      if (parameter !== undefined && !own.has(parameter)) items.set(parameter, `${operation.path}/{${parameter}}`);
    }
    for (const [parameter, schema] of parameters) {
      if (own.has(parameter)) continue;
      const property = 'id' in properties ? 'id' : parameter in properties ? parameter : undefined;
      if (property === undefined) continue;
      const item = items.get(parameter);
      const pattern = resolveSchema(api, properties[property]).pattern;
      const samePattern = typeof schema.pattern === 'string' && pattern === schema.pattern;
      if (item !== undefined || samePattern || property === parameter) found.push({ api: apiKey(api), operation, parameter, property, noun: nounOf(parameter, item), ...(item !== undefined ? { item } : {}) });
    }
  }
  return found.sort((a, b) => Number(a.item === undefined) - Number(b.item === undefined));
}

/** The path of `operation` up to and including `{parameter}`: the item the parameter names there. */
const itemOf = (operation: Operation, parameter: string): string | undefined => {
  const at = operation.path.indexOf(`{${parameter}}`);
  return at < 0 ? undefined : operation.path.slice(0, at + parameter.length + 2);
};

const versionOf = (key: string): number => Number(/\/v(\d+)$/.exec(key)?.[1] ?? 0);
const nameOf = (key: string): string => key.replace(/\/v\d+$/, '');

/**
 * Which creator's resource fills a value, by the rules a reader would follow: for a path parameter,
 * the creator of the item that path names (`/notes/{id}` and `/tasks/{id}` are different `id`s);
 * else a creator of the parameter in the same API version; else one in another version, preferring
 * the same API, then a version under test, then the latest major.
 */
export class Providers {
  readonly creators: readonly Creator[];
  private readonly underTest: ReadonlySet<string>;

  constructor(creators: readonly Creator[], underTest: ReadonlySet<string>) {
    this.creators = creators;
    this.underTest = underTest;
  }

  /** The creator whose id fills `parameter` for `api` (a path parameter of `operation` when given), if any. */
  of(api: string | undefined, parameter: string, operation?: Operation): Creator | undefined {
    const item = operation ? itemOf(operation, parameter) : undefined;
    const exact = item === undefined ? undefined : this.creators.find((creator) => creator.api === api && creator.item === item);
    if (exact) return exact;
    const named = this.creators.filter((creator) => creator.parameter === parameter);
    const own = named.find((creator) => creator.api === api);
    if (own) return own;
    const rank = (creator: Creator): Array<number | string> => [
      api !== undefined && nameOf(creator.api) === nameOf(api) ? 0 : 1,
      this.underTest.has(creator.api) ? 0 : 1,
      -versionOf(creator.api),
      creator.api,
    ];
    const compare = (a: Creator, b: Creator): number => {
      const [left, right] = [rank(a), rank(b)];
      const index = left.findIndex((value, position) => value !== right[position]);
      return index < 0 ? 0 : left[index]! < right[index]! ? -1 : 1;
    };
    return [...named].sort(compare)[0];
  }

  /**
   * What an operation needs that a creator makes: its path parameters, and the required top-level
   * properties of its JSON body named as a created parameter (`studyId` of an image), each with
   * the creator that fills it.
   */
  needsOf(api: Api, operation: Operation): Array<{ parameter: string; creator: Creator }> {
    const key = apiKey(api);
    const needs: Array<{ parameter: string; creator: Creator }> = [];
    for (const parameter of pathParameters(operation.path)) {
      const creator = this.of(key, parameter, operation);
      if (creator) needs.push({ parameter, creator });
    }
    for (const name of requiredBodyProperties(api, operation)) {
      const creator = name === 'id' ? undefined : this.of(key, name);
      if (creator) needs.push({ parameter: name, creator });
    }
    return needs;
  }
}

/** The required top-level properties of an operation's JSON body. */
export function requiredBodyProperties(api: Api, operation: Operation): string[] {
  if (operation.body?.kind !== 'json') return [];
  const body = resolveSchema(api, (inputSchema(api, operation).properties as { body?: unknown }).body);
  return Array.isArray(body.required) ? (body.required as string[]) : [];
}

/** One step of the seed data: a creator, and the steps whose ids it needs first. */
export interface PlannedStep {
  creator: Creator;
  needs: Creator[];
}

/**
 * The seed data a run creates, in order: for every API version under test, the resources its
 * operations need (path parameters, ids in create bodies, and `wanted` names such as those a flow
 * written down uses), and the resources those need in turn, from any API version of the contracts.
 * `declared` gives the needs of creators whose seed is written down; others need what their
 * path and body name. A creator that needs itself, directly or not, is left to fail when it runs.
 */
export function planSeed(apis: readonly Api[], underTest: ReadonlySet<string>, declared: (creator: Creator) => string[] | undefined = () => undefined, wanted: readonly string[] = []): { providers: Providers; steps: PlannedStep[] } {
  const providers = new Providers(apis.flatMap(findCreators), underTest);
  const apiOf = new Map(apis.map((api) => [apiKey(api), api]));
  const steps: PlannedStep[] = [];
  const visiting = new Set<Creator>();
  const needsOf = (creator: Creator): Creator[] => {
    const names = declared(creator);
    const found = names ? names.map((name) => providers.of(creator.api, name)) : providers.needsOf(apiOf.get(creator.api)!, creator.operation).map((need) => need.creator);
    return [...new Set(found.filter((need): need is Creator => need !== undefined && need !== creator))];
  };
  const visit = (creator: Creator): void => {
    if (visiting.has(creator) || steps.some((step) => step.creator === creator)) return;
    visiting.add(creator);
    const needs = needsOf(creator);
    for (const need of needs) visit(need);
    visiting.delete(creator);
    steps.push({ creator, needs });
  };
  for (const api of apis.filter((candidate) => underTest.has(apiKey(candidate)))) {
    for (const operation of api.operations) for (const need of providers.needsOf(api, operation)) visit(need.creator);
  }
  for (const name of wanted) {
    const creator = providers.of(undefined, name);
    if (creator) visit(creator);
  }
  return { providers, steps };
}
