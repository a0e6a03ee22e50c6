import { collectRefs, objectParts, sameBut } from './objects.ts';
import { fallbackPascalCase } from '../../compiler/names.ts';
import { fragmentToPointer, getAtPointer } from '../../compiler/pointer.ts';
import { typeNameBase } from '../../compiler/schemas.ts';
import { pathShape } from '../diff/operations.ts';
import { partsReferred, type DocumentParts, type Node, type PartKey } from './parts.ts';

/**
 * The parts of two large documents the gate needs to compile: what changed between them, and what
 * that refers to. A path item, webhook or component is unchanged when the two sides are equal but
 * for their prose (`description`, `summary`, `externalDocs`), which no rule reads, and everything
 * it refers to is unchanged too. Such a part gives both compiles the same result and the diff
 * nothing to report, so both documents leave it out. Each side keeps the key order of its own
 * document, and every kept part keeps its pointer, so places and names are those of the whole.
 */
export interface Focus {
  before: Node;
  after: Node;
  /** How many of the parts (path items, webhooks, components) each side keeps, of how many. */
  kept: { before: number; after: number; of: { before: number; after: number } };
}

/**
 * The two documents with only the parts the gate must compile; undefined when they cannot be cut
 * apart safely: a reference outside the parts, a change to what every operation inherits, or an
 * operation named after its method and path.
 */
export function focusOnChanges(before: Node, after: Node): Focus | undefined {
  const first = objectParts(before);
  const second = objectParts(after);
  if (!first || !second) return undefined;
  try {
    return focus(first, second);
  } catch (error) {
    // A document nested deeper than the call stack goes is compiled whole, where that is reported.
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

function focus(before: DocumentParts, after: DocumentParts): Focus | undefined {
  // What is not a part (the version of OpenAPI, `security`, the security schemes, the sunset of the
  // version) may change how every operation compiles: it must be the same on both sides. The rest
  // of `info` concerns the version as a whole, which the gate compares as such.
  const known = new Map<string, PartKey | null>();
  const rootRefs: string[] = [];
  if (!sameBut(before.remainder, after.remainder, 'object', rootRefs)) return undefined;
  const roots = partsReferred(rootRefs, known);
  if (roots === undefined) return undefined;
  // An operation without an operationId of its own is named after its method and path, each name
  // unique among all of them: both documents are compiled whole then.
  if (!before.ownOperationIds || !after.ownOperationIds) return undefined;

  // Changed: on one side only, or different but for prose. The references of a part equal on both
  // sides are found while comparing it; those of the others by a walk of each side.
  const refsBefore = new Map<PartKey, string[]>();
  const refsAfter = new Map<PartKey, string[]>();
  const changed = new Set<PartKey>();
  const walked = (value: unknown): string[] => {
    const refs: string[] = [];
    collectRefs(value, refs);
    return refs;
  };
  for (const [key, value] of before.parts) {
    const refs: string[] = [];
    const counterpart = after.parts.get(key);
    const same = after.parts.has(key) && sameBut(value, counterpart, 'object', refs);
    if (!same) changed.add(key);
    refsBefore.set(key, same ? refs : walked(value));
    if (after.parts.has(key)) refsAfter.set(key, same ? refs : walked(counterpart));
  }
  for (const [key, value] of after.parts) {
    if (before.parts.has(key)) continue;
    changed.add(key);
    refsAfter.set(key, walked(value));
  }
  const referencesBefore = new Map<PartKey, Set<PartKey>>();
  const referencesAfter = new Map<PartKey, Set<PartKey>>();
  for (const [refs, references] of [[refsBefore, referencesBefore], [refsAfter, referencesAfter]] as const) {
    for (const [key, list] of refs) {
      const found = partsReferred(list, known);
      if (found === undefined) return undefined;
      references.set(key, found);
    }
  }

  // A schema reached by a reference into a component or a path item is converted once, and its
  // type named after whichever part converts it first; operations are paired by route (`/a/{x}`
  // with `/a/{y}`); component schemas whose names read alike are told apart in document order.
  // Such parts are kept together, so that what the whole document names and pairs, the cut one does.
  // Most groups have one member: a set is made for a group once a second member comes.
  const sharers = new Map<string, Set<PartKey>>();
  const firsts = new Map<string, PartKey>();
  const share = (group: string, key: PartKey): void => {
    const members = sharers.get(group);
    if (members) members.add(key);
    else {
      const first = firsts.get(group);
      if (first === undefined) firsts.set(group, key);
      else if (first !== key) sharers.set(group, new Set([first, key]));
    }
  };
  const naming = new Map<string, boolean>();
  for (const refs of [refsBefore, refsAfter]) {
    for (const [key, list] of refs) {
      for (const ref of list) {
        let named = naming.get(ref);
        if (named === undefined) naming.set(ref, (named = namedByReferrer(ref, before, after)));
        // A reference's group holds its target too, which a single referrer may convert first.
        if (named) {
          share(`ref ${ref}`, key);
          const target = known.get(ref);
          if (target) share(`ref ${ref}`, target);
        }
      }
    }
  }
  for (const parts of [before.parts, after.parts]) {
    for (const key of parts.keys()) {
      if (key.startsWith('paths ')) share(`route ${pathShape(key.slice('paths '.length))}`, key);
      if (key.startsWith('schemas ')) share(`type ${typeNameBase(fallbackPascalCase(key.slice('schemas '.length)))}`, key);
    }
  }
  // Within a group of names or routes the order decides (the first keeps the name, the last the
  // route): a group whose order differs between the sides has changed.
  const positions = (parts: ReadonlyMap<PartKey, unknown>): Map<PartKey, number> => new Map([...parts.keys()].map((key, index) => [key, index]));
  const beforeAt = positions(before.parts);
  const afterAt = positions(after.parts);
  for (const [group, members] of sharers) {
    if (group.startsWith('ref ')) continue;
    const common = [...members].filter((key) => beforeAt.has(key) && afterAt.has(key));
    const inBefore = [...common].sort((x, y) => (beforeAt.get(x) ?? 0) - (beforeAt.get(y) ?? 0));
    const inAfter = [...common].sort((x, y) => (afterAt.get(x) ?? 0) - (afterAt.get(y) ?? 0));
    if (inBefore.some((key, index) => inAfter[index] !== key)) for (const key of common) changed.add(key);
  }
  // Whatever refers to a changed part, on either side, is changed too.
  const referrers = new Map<PartKey, PartKey[]>();
  for (const references of [referencesBefore, referencesAfter]) {
    for (const [key, targets] of references) {
      for (const target of targets) {
        const list = referrers.get(target);
        if (list) list.push(key);
        else referrers.set(target, [key]);
      }
    }
  }
  const spreading = [...changed];
  for (let key = spreading.pop(); key !== undefined; key = spreading.pop()) {
    for (const referrer of referrers.get(key) ?? []) {
      if (changed.has(referrer)) continue;
      changed.add(referrer);
      spreading.push(referrer);
    }
  }

  const groupsOf = new Map<PartKey, string[]>();
  for (const [group, members] of sharers) for (const member of members) groupsOf.set(member, [...(groupsOf.get(member) ?? []), group]);

  // Both sides keep every changed part and everything it refers to on either side (a part kept on
  // one side only would read as added or removed), what the rest of the document refers to, and
  // the parts that share a name or a route with a kept one.
  const kept = new Set<PartKey>();
  const pending = [...changed, ...roots];
  for (let key = pending.pop(); key !== undefined; key = pending.pop()) {
    if (kept.has(key)) continue;
    kept.add(key);
    for (const references of [referencesBefore, referencesAfter]) for (const target of references.get(key) ?? []) if (!kept.has(target)) pending.push(target);
    for (const group of groupsOf.get(key) ?? []) for (const member of sharers.get(group) ?? []) if (!kept.has(member)) pending.push(member);
  }
  const keptBefore = new Set([...kept].filter((key) => before.parts.has(key)));
  const keptAfter = new Set([...kept].filter((key) => after.parts.has(key)));
  const narrowedBefore = before.narrowed(keptBefore);
  const narrowedAfter = after.narrowed(keptAfter);
  // Every reference of what is kept must still lead somewhere; if one does not, the cut missed it.
  for (const [document, keptParts, refs] of [[narrowedBefore, keptBefore, refsBefore], [narrowedAfter, keptAfter, refsAfter]] as const) {
    for (const key of keptParts) for (const ref of refs.get(key) ?? []) if (getAtPointer(document, fragmentToPointer(ref)) === undefined) return undefined;
    for (const ref of rootRefs) if (getAtPointer(document, fragmentToPointer(ref)) === undefined) return undefined;
  }
  return {
    before: narrowedBefore,
    after: narrowedAfter,
    kept: { before: keptBefore.size, after: keptAfter.size, of: { before: before.parts.size, after: after.parts.size } },
  };
}

// A reference whose target is converted once, at its own pointer, and so named after whichever
// part reaches it first: one into a component (`#/components/schemas/A/properties/owner`) or into
// the paths, unless the target holds nothing typed. A whole component schema is named after
// itself; a whole parameter, response or body is read where it is used, as that operation's own.
function namedByReferrer(ref: string, before: DocumentParts, after: DocumentParts): boolean {
  if (/^#\/components\/[^/]+\/[^/]+$/.test(ref)) return false;
  const pointer = fragmentToPointer(ref);
  return [before, after].some((side) => namesTypes(getAtPointer(side.document, pointer)));
}

// Whether a value holds anything the compiler names a type for: an object's properties, an enum,
// a union or a merge (a conservative reading: any such keyword anywhere in it).
function namesTypes(value: unknown): boolean {
  const pending: unknown[] = [value];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      pending.push(...(node as unknown[]));
      continue;
    }
    for (const [key, child] of Object.entries(node)) {
      if (typedKeywords.has(key)) return true;
      pending.push(child);
    }
  }
  return false;
}

const typedKeywords = new Set(['properties', 'additionalProperties', 'patternProperties', 'enum', 'const', 'oneOf', 'anyOf', 'allOf', 'items', 'prefixItems', 'discriminator']);

