import { fragmentToPointer, parsePointer } from '../../compiler/pointer.ts';

/**
 * What a document is cut into for the gate's focus (see ./index.ts): its parts (path items,
 * webhooks, components), each compared with its namesake on the other side, and the rest, which
 * must be equal.
 */

export type Node = Record<string, unknown>;

export const isNode = (value: unknown): value is Node => value !== null && typeof value === 'object' && !Array.isArray(value);

// The maps whose entries are the parts: path items by path, webhooks by name (`x-webhooks` is how
// OpenAPI 3.0 documents write them), components by section and name. Security schemes are named,
// not referred to by `$ref`: they stay whole.
export const partMaps: readonly string[] = ['paths', 'webhooks', 'x-webhooks'];
export const componentSections: readonly string[] = ['schemas', 'responses', 'parameters', 'examples', 'requestBodies', 'headers', 'links', 'callbacks', 'pathItems'];

// Prose, where an OpenAPI or schema object has it: no rule reads it.
export const prose = new Set(['description', 'summary', 'externalDocs']);
// Maps whose keys are names chosen by the author: a property may be called `description`.
export const namedMaps = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas', 'dependentRequired', 'schemas', 'responses', 'parameters', 'examples', 'requestBodies', 'headers', 'securitySchemes', 'links', 'callbacks', 'pathItems', 'paths', 'content', 'encoding', 'variables', 'mapping', 'webhooks', 'scopes']);
// Keywords whose values are data, compared whole: examples, defaults and enum values, and security
// requirements (keyed by scheme names). Extensions (`x-...`) are data too: their keys are the
// author's (`x-proto-numbers` by enum value).
export const dataKeywords = new Set(['example', 'examples', 'default', 'const', 'enum', 'value', 'security']);

/**
 * How the keys and values of an object are read: an OpenAPI or schema object (prose skipped), a
 * map of names to such objects, data compared whole, or a discriminator's mapping (tag to target).
 */
export type Mode = 'object' | 'named' | 'data' | 'mapping';

// What a key of an OpenAPI or schema object holds, when it is not another such object: one lookup per key.
const keyKinds = new Map<string, Mode | 'prose'>([
  ...[...namedMaps].map((key): [string, Mode] => [key, 'named']),
  ['mapping', 'mapping'],
  ...[...dataKeywords].map((key): [string, Mode] => [key, 'data']),
  ...[...prose].map((key): [string, 'prose'] => [key, 'prose']),
]);

/**
 * What the value of `key` is in an object read in `mode`: prose (in an OpenAPI or schema object
 * only), or the mode its own keys are read in.
 */
export function kindOf(mode: Mode, key: string): Mode | 'prose' {
  if (mode === 'data') return 'data';
  if (mode !== 'object') return 'object';
  return keyKinds.get(key) ?? (key.startsWith('x-') ? 'data' : 'object');
}

/** A part's key: `paths /studies`, `schemas Study`. */
export type PartKey = string;

/** One document cut into parts. */
export interface DocumentParts {
  /** The whole document. */
  readonly document: Node;
  /** Every part by key, in document order. */
  readonly parts: ReadonlyMap<PartKey, unknown>;
  /** The document but for its parts and `info` (save `info.x-sunset`, which every operation inherits). */
  readonly remainder: Node;
  /** Whether every operation of the paths and webhooks has an operationId that no other one has. */
  readonly ownOperationIds: boolean;
  /** The document with only these parts, each where it was; the rest as it is. */
  narrowed(kept: ReadonlySet<PartKey>): Node;
}

/**
 * The parts references lead to; undefined when one points anywhere but into a part (`#/info`,
 * another document): the documents are then compiled whole. `known` keeps the part of each
 * reference read, since one is written the same way hundreds of times.
 */
export function partsReferred(refs: readonly string[], known: Map<string, PartKey | null>): Set<PartKey> | undefined {
  const found = new Set<PartKey>();
  for (const ref of refs) {
    let key = known.get(ref);
    if (key === undefined) {
      key = partOfRef(ref) ?? null;
      known.set(ref, key);
    }
    if (key === null) return undefined;
    found.add(key);
  }
  return found;
}

function partOfRef(ref: string): PartKey | undefined {
  if (!ref.startsWith('#/')) return undefined;
  const [first = '', second, third] = parsePointer(fragmentToPointer(ref));
  if (partMaps.includes(first) && second !== undefined) return `${first} ${second}`;
  if (first === 'components' && second !== undefined && third !== undefined && componentSections.includes(second)) return `${second} ${third}`;
  return undefined;
}
