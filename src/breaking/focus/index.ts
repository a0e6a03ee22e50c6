import { collectRefs, objectParts, sameBut } from './objects.ts';
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
  const referencesBefore = new Map<PartKey, Set<PartKey>>();
  const referencesAfter = new Map<PartKey, Set<PartKey>>();
  const changed = new Set<PartKey>();
  const walked = (value: unknown): Set<PartKey> | undefined => {
    const refs: string[] = [];
    collectRefs(value, refs);
    return partsReferred(refs, known);
  };
  for (const [key, value] of before.parts) {
    const refs: string[] = [];
    const counterpart = after.parts.get(key);
    const same = after.parts.has(key) && sameBut(value, counterpart, 'object', refs);
    const found = same ? partsReferred(refs, known) : walked(value);
    const other = same ? found : after.parts.has(key) ? walked(counterpart) : new Set<PartKey>();
    if (found === undefined || other === undefined) return undefined;
    if (!same) changed.add(key);
    referencesBefore.set(key, found);
    if (after.parts.has(key)) referencesAfter.set(key, other);
  }
  for (const [key, value] of after.parts) {
    if (before.parts.has(key)) continue;
    const found = walked(value);
    if (found === undefined) return undefined;
    changed.add(key);
    referencesAfter.set(key, found);
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

  // Both sides keep every changed part and everything it refers to on either side (a part kept on
  // one side only would read as added or removed), and what the rest of the document refers to.
  const kept = new Set<PartKey>();
  const pending = [...changed, ...roots];
  for (let key = pending.pop(); key !== undefined; key = pending.pop()) {
    if (kept.has(key)) continue;
    kept.add(key);
    for (const references of [referencesBefore, referencesAfter]) for (const target of references.get(key) ?? []) if (!kept.has(target)) pending.push(target);
  }
  const keptBefore = new Set([...kept].filter((key) => before.parts.has(key)));
  const keptAfter = new Set([...kept].filter((key) => after.parts.has(key)));
  return {
    before: before.narrowed(keptBefore),
    after: after.narrowed(keptAfter),
    kept: { before: keptBefore.size, after: keptAfter.size, of: { before: before.parts.size, after: after.parts.size } },
  };
}
