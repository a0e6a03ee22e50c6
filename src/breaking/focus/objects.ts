import { pascalCase } from '../../compiler/names.ts';
import { usableOperationId } from '../../compiler/operation-names.ts';
import { operationMethods } from '../../compiler/operations.ts';
import { componentSections, kindOf, isNode, partMaps, prose, type DocumentParts, type Mode, type Node, type PartKey } from './parts.ts';

/** A parsed document cut into parts; undefined when a map of parts is no mapping. */
export function objectParts(document: Node): DocumentParts | undefined {
  for (const map of partMaps) if (document[map] !== undefined && !isNode(document[map])) return undefined;
  const components = document.components;
  if (components !== undefined && !isNode(components)) return undefined;
  if (isNode(components)) for (const section of componentSections) if (components[section] !== undefined && !isNode(components[section])) return undefined;
  return { document, parts: partsOf(document), remainder: remainder(document), ownOperationIds: ownOperationIds(document), narrowed: (kept) => narrowed(document, kept) };
}

/**
 * Whether two values are equal but for prose, with key order. Every `$ref` and discriminator
 * mapping target met on the first side is added to `refs`: when the two are equal, those are
 * both sides' references.
 */
export function sameBut(a: unknown, b: unknown, mode: Mode, refs: string[]): boolean {
  if (a === b) {
    if (a !== null && typeof a === 'object') collectRefs(a, refs);
    return true;
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    const inner: Mode = mode === 'data' ? 'data' : 'object';
    for (let index = 0; index < a.length; index += 1) if (!sameBut(a[index], b[index], inner, refs)) return false;
    return true;
  }
  const left = Object.keys(a);
  const right = Object.keys(b);
  const skips = mode === 'object';
  let j = 0;
  for (let i = 0; i < left.length; i += 1) {
    const key = left[i] as string;
    const kind = kindOf(mode, key);
    if (kind === 'prose') continue;
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
    if (!sameBut(x, y, kind, refs)) return false;
  }
  while (skips && j < right.length && prose.has(right[j] as string)) j += 1;
  return j === right.length;
}

/** Every `$ref` in a value and every target in a discriminator's mapping (one written in an example too: it only keeps more). */
export function collectRefs(value: unknown, refs: string[]): void {
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
      } else if (child !== null && typeof child === 'object') {
        // A discriminator's mapping names its targets as strings; a property called `mapping`
        // holds schemas, which are walked as well.
        if (key === 'mapping' && isNode(child)) for (const target of Object.values(child)) if (typeof target === 'string' && target.startsWith('#')) refs.push(target);
        pending.push(child);
      }
    }
  }
}

/**
 * Whether every operation keeps its own operationId as the compiler names a foreign document's
 * operations (deriveOperationIds): a usable id that no other operation has, even only in its
 * PascalCase form; otherwise the compiler names operations after their method and path, unique
 * among all of them. A path item given by reference, or an operation choosing its GraphQL name
 * (which must be unique among all of them too), counts as not.
 */
function ownOperationIds(document: Node): boolean {
  const ids = new Set<string>();
  for (const map of partMaps) {
    const items = document[map];
    if (!isNode(items)) continue;
    for (const item of Object.values(items)) {
      if (!isNode(item)) continue;
      if (item.$ref !== undefined) return false;
      for (const method of operationMethods) {
        const operation = item[method];
        if (operation === undefined) continue;
        if (!isNode(operation) || operation['x-graphql-name'] !== undefined) return false;
        const id = operation.operationId;
        if (!usableOperationId(id) || ids.has(pascalCase(id))) return false;
        ids.add(pascalCase(id));
      }
    }
  }
  return true;
}

function remainder(document: Node): Node {
  const rest: Node = {};
  for (const [key, value] of Object.entries(document)) {
    if (partMaps.includes(key)) continue;
    if (key === 'info') {
      if (isNode(value) && value['x-sunset'] !== undefined) rest.info = { 'x-sunset': value['x-sunset'] };
      continue;
    }
    if (key !== 'components' || !isNode(value)) {
      put(rest, key, value);
      continue;
    }
    const sections: Node = {};
    for (const [section, entries] of Object.entries(value)) if (!componentSections.includes(section)) put(sections, section, entries);
    rest[key] = sections;
  }
  return rest;
}

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

// A copy of the document's top levels with only the kept parts; the parts themselves are shared.
function narrowed(document: Node, kept: ReadonlySet<PartKey>): Node {
  const only = (entries: Node, prefix: string): Node => {
    const result: Node = {};
    for (const [name, value] of Object.entries(entries)) if (kept.has(`${prefix} ${name}`)) put(result, name, value);
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

// Sets a member, `__proto__` included, as JSON.parse and YAML do.
function put(object: Node, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}
