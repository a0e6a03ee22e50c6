import { operationMethods } from '../compiler/operations.ts';
import { fragmentToPointer, parsePointer } from '../compiler/pointer.ts';

/**
 * The parts of two large documents the gate needs to compile: what changed between them, and what
 * that refers to. A path item, webhook or component is unchanged when the two sides are equal but
 * for their prose (`description`, `summary`, `externalDocs`), which no rule reads, and everything
 * it refers to is unchanged too. Such a part gives both compiles the same result and the diff
 * nothing to report, so both documents leave it out. Each side keeps the key order of its own
 * document, and every kept part keeps its pointer, so places and names are those of the whole.
 */
export interface Focus {
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  /** How many of the parts (path items, webhooks, components) each side keeps, of how many. */
  kept: { before: number; after: number; of: { before: number; after: number } };
}

type Node = Record<string, unknown>;

const isNode = (value: unknown): value is Node => value !== null && typeof value === 'object' && !Array.isArray(value);

// The maps whose entries are the parts: path items by path, webhooks by name (`x-webhooks` is how
// OpenAPI 3.0 documents write them), components by section and name. Security schemes are named,
// not referred to by `$ref`: they stay whole.
const partMaps = ['paths', 'webhooks', 'x-webhooks'] as const;
const componentSections = ['schemas', 'responses', 'parameters', 'examples', 'requestBodies', 'headers', 'links', 'callbacks', 'pathItems'] as const;

// Prose, where an OpenAPI or schema object has it: no rule reads it.
const prose = new Set(['description', 'summary', 'externalDocs']);
// Maps whose keys are names chosen by the author: a property may be called `description`.
const namedMaps = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas', 'schemas', 'responses', 'parameters', 'examples', 'requestBodies', 'headers', 'securitySchemes', 'links', 'callbacks', 'pathItems', 'paths', 'content', 'encoding', 'variables', 'mapping', 'webhooks']);
// Keywords whose values are data, compared whole.
const dataKeywords = new Set(['example', 'examples', 'default', 'const', 'enum', 'value']);

// How the keys and values of an object are read: an OpenAPI or schema object (prose skipped), a
// map of names to such objects, data compared whole, or a discriminator's mapping (tag to target).
type Mode = 'object' | 'named' | 'data' | 'mapping';

/**
 * Whether two values are equal but for prose, with key order (it orders fields and their numbers).
 * Every `$ref` and discriminator mapping target met on the first side is added to `refs`: when
 * the two are equal, those are both sides' references.
 */
function sameBut(a: unknown, b: unknown, mode: Mode, refs: string[]): boolean {
  if (a === b) {
    if (a !== null && typeof a === 'object') collectRefs(a, refs);
    return true;
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  const inner: Mode = mode === 'data' ? 'data' : 'object';
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let index = 0; index < a.length; index += 1) if (!sameBut(a[index], b[index], inner, refs)) return false;
    return true;
  }
  const left = Object.keys(a);
  const right = Object.keys(b);
  const skips = mode === 'object';
  let j = 0;
  for (let i = 0; i < left.length; i += 1) {
    const key = left[i] as string;
    if (skips && prose.has(key)) continue;
    while (skips && j < right.length && prose.has(right[j] as string)) j += 1;
    if (right[j] !== key) return false;
    j += 1;
    const x = (a as Node)[key];
    const y = (b as Node)[key];
    if (typeof x === 'string') {
      if (x !== y) return false;
      if (key === '$ref' || (mode === 'mapping' && x.startsWith('#'))) refs.push(x);
      continue;
    }
    const next: Mode = mode === 'data' ? 'data' : mode !== 'object' ? 'object' : dataKeywords.has(key) ? 'data' : key === 'mapping' ? 'mapping' : namedMaps.has(key) ? 'named' : 'object';
    if (!sameBut(x, y, next, refs)) return false;
  }
  while (skips && j < right.length && prose.has(right[j] as string)) j += 1;
  return j === right.length;
}

/** Every `$ref` in a value and every target in a discriminator's mapping (one written in an example too: it only keeps more). */
function collectRefs(value: unknown, refs: string[]): void {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const node = pending.pop();
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (const item of node) if (item !== null && typeof item === 'object') pending.push(item);
      continue;
    }
    for (const key of Object.keys(node)) {
      const child = (node as Node)[key];
      if (typeof child === 'string') {
        if (key === '$ref') refs.push(child);
      } else if (key === 'mapping' && isNode(child)) {
        for (const target of Object.values(child)) if (typeof target === 'string' && target.startsWith('#')) refs.push(target);
      } else if (child !== null && typeof child === 'object') {
        pending.push(child);
      }
    }
  }
}

/** A part's key: `paths /studies`, `schemas Study`. */
type PartKey = string;

/**
 * The parts references lead to; undefined when one points anywhere but into a part (`#/info`,
 * another document): the documents are then compiled whole.
 */
function partsReferred(refs: readonly string[]): Set<PartKey> | undefined {
  const found = new Set<PartKey>();
  for (const ref of refs) {
    const key = partOfRef(ref);
    if (key === undefined) return undefined;
    found.add(key);
  }
  return found;
}

function partOfRef(ref: string): PartKey | undefined {
  if (!ref.startsWith('#/')) return undefined;
  const tokens = parsePointer(fragmentToPointer(ref));
  const [first, second, third] = tokens;
  if ((partMaps as readonly string[]).includes(first ?? '') && second !== undefined) return `${first} ${second}`;
  if (first === 'components' && second !== undefined && third !== undefined && (componentSections as readonly string[]).includes(second)) return `${second} ${third}`;
  return undefined;
}

/** Whether every operation of the paths and webhooks has an operationId that no other one has. */
function ownOperationIds(document: Node): boolean {
  const ids = new Set<string>();
  for (const map of partMaps) {
    const items = document[map];
    if (!isNode(items)) continue;
    for (const item of Object.values(items)) {
      if (!isNode(item)) continue;
      for (const method of operationMethods) {
        const operation = item[method];
        if (operation === undefined) continue;
        const id = isNode(operation) ? operation.operationId : undefined;
        if (typeof id !== 'string' || id === '' || ids.has(id)) return false;
        ids.add(id);
      }
    }
  }
  return true;
}

/** The document without its parts and `info` (but for `info.x-sunset`, which every operation inherits). */
function remainder(document: Node): Node {
  const rest: Node = {};
  for (const [key, value] of Object.entries(document)) {
    if ((partMaps as readonly string[]).includes(key)) continue;
    if (key === 'info') {
      if (isNode(value) && value['x-sunset'] !== undefined) rest['x-sunset'] = value['x-sunset'];
      continue;
    }
    if (key !== 'components' || !isNode(value)) {
      rest[key] = value;
      continue;
    }
    const sections: Node = {};
    for (const [section, entries] of Object.entries(value)) if (!(componentSections as readonly string[]).includes(section)) sections[section] = entries;
    rest[key] = sections;
  }
  return rest;
}

/** Every part of a document, by key, in document order. */
function partsOf(document: Node): Map<PartKey, unknown> {
  const parts = new Map<PartKey, unknown>();
  for (const map of partMaps) {
    const entries = document[map];
    if (isNode(entries)) for (const [name, value] of Object.entries(entries)) parts.set(`${map} ${name}`, value);
  }
  const components = document.components;
  if (isNode(components)) {
    for (const section of componentSections) {
      const entries = components[section];
      if (isNode(entries)) for (const [name, value] of Object.entries(entries)) parts.set(`${section} ${name}`, value);
    }
  }
  return parts;
}

/**
 * The two documents with only the parts the gate must compile; undefined when they cannot be cut
 * apart safely (a reference outside the parts, or a map of parts that is not a mapping).
 */
export function focusOnChanges(before: Node, after: Node): Focus | undefined {
  for (const document of [before, after]) {
    for (const map of partMaps) if (document[map] !== undefined && !isNode(document[map])) return undefined;
    const components = document.components;
    if (components !== undefined && !isNode(components)) return undefined;
    if (isNode(components)) for (const section of componentSections) if (components[section] !== undefined && !isNode(components[section])) return undefined;
  }
  // What is not a part (the version of OpenAPI, `security`, the security schemes, the sunset of the
  // version) may change how every operation compiles: it must be the same on both sides. The rest
  // of `info` concerns the version as a whole, which the gate compares as such.
  const rootRefs: string[] = [];
  if (!sameBut(remainder(before), remainder(after), 'object', rootRefs)) return undefined;
  const roots = partsReferred(rootRefs);
  if (roots === undefined) return undefined;
  // An operation without an operationId of its own is named after its method and path, each name
  // unique among all of them: both documents are compiled whole then.
  if (!ownOperationIds(before) || !ownOperationIds(after)) return undefined;
  const partsBefore = partsOf(before);
  const partsAfter = partsOf(after);
  // Changed: on one side only, or different but for prose. The references of a part equal on both
  // sides are found while comparing it; those of the others by a walk of each side.
  const referencesBefore = new Map<PartKey, Set<PartKey>>();
  const referencesAfter = new Map<PartKey, Set<PartKey>>();
  const changed = new Set<PartKey>();
  const walked = (value: unknown): Set<PartKey> | undefined => {
    const refs: string[] = [];
    collectRefs(value, refs);
    return partsReferred(refs);
  };
  for (const [key, value] of partsBefore) {
    const refs: string[] = [];
    const same = partsAfter.has(key) && sameBut(value, partsAfter.get(key), 'object', refs);
    const before = same ? partsReferred(refs) : walked(value);
    const after = same ? before : partsAfter.has(key) ? walked(partsAfter.get(key)) : new Set<PartKey>();
    if (before === undefined || after === undefined) return undefined;
    if (!same) changed.add(key);
    referencesBefore.set(key, before);
    if (partsAfter.has(key)) referencesAfter.set(key, after);
  }
  for (const [key, value] of partsAfter) {
    if (partsBefore.has(key)) continue;
    const after = walked(value);
    if (after === undefined) return undefined;
    changed.add(key);
    referencesAfter.set(key, after);
  }
  // Whatever refers to a changed part, on either side, is changed too.
  const referrers = new Map<PartKey, PartKey[]>();
  for (const references of [referencesBefore, referencesAfter]) {
    for (const [key, targets] of references) for (const target of targets) referrers.set(target, [...(referrers.get(target) ?? []), key]);
  }
  const spreading = [...changed];
  for (let key = spreading.pop(); key !== undefined; key = spreading.pop()) {
    for (const referrer of referrers.get(key) ?? []) {
      if (changed.has(referrer)) continue;
      changed.add(referrer);
      spreading.push(referrer);
    }
  }

  // Both sides keep every changed part and everything it refers to on either side (a part kept on
  // one side only would read as added or removed), and what the rest of the document refers to.
  const kept = new Set<PartKey>();
  const pending = [...changed, ...roots];
  for (let key = pending.pop(); key !== undefined; key = pending.pop()) {
    if (kept.has(key)) continue;
    kept.add(key);
    for (const references of [referencesBefore, referencesAfter]) for (const target of references.get(key) ?? []) if (!kept.has(target)) pending.push(target);
  }
  const keptBefore = new Set([...kept].filter((key) => partsBefore.has(key)));
  const keptAfter = new Set([...kept].filter((key) => partsAfter.has(key)));
  return {
    before: narrowed(before, keptBefore),
    after: narrowed(after, keptAfter),
    kept: { before: keptBefore.size, after: keptAfter.size, of: { before: partsBefore.size, after: partsAfter.size } },
  };
}

// A copy of the document's top levels with only the kept parts; the parts themselves are shared.
function narrowed(document: Node, kept: ReadonlySet<PartKey>): Node {
  const only = (entries: Node, prefix: string): Node => {
    const result: Node = {};
    for (const [name, value] of Object.entries(entries)) if (kept.has(`${prefix} ${name}`)) result[name] = value;
    return result;
  };
  const copy: Node = { ...document };
  for (const map of partMaps) if (isNode(document[map])) copy[map] = only(document[map], map);
  if (isNode(document.components)) {
    const components: Node = { ...document.components };
    for (const section of componentSections) if (isNode(components[section])) components[section] = only(components[section], section);
    copy.components = components;
  }
  return copy;
}
