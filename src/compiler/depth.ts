/**
 * How deep a document nests, found without recursion: the compiler's own walks keep a stack of
 * their own, but the tools it runs (the OpenAPI validator, openapi-typescript) recurse, and when
 * one of them runs out of stack the diagnostic points at the deepest place of the document.
 */
import { appendPointer } from './pointer.ts';

/** The deepest node of a parsed document: its pointer and how many levels down it is. */
export interface DeepestNode {
  pointer: string;
  depth: number;
}

interface Step {
  value: unknown;
  key?: string;
  parent?: Step;
  depth: number;
}

/** The first of the deepest nodes in document order (a value reached twice, through a YAML alias, counts once). */
export function deepestNode(document: unknown): DeepestNode {
  const seen = new Set<object>();
  let deepest: Step = { value: document, depth: 0 };
  const pending: Step[] = [deepest];
  for (let step = pending.pop(); step !== undefined; step = pending.pop()) {
    if (step.depth > deepest.depth) deepest = step;
    const { value } = step;
    if (value === null || typeof value !== 'object' || seen.has(value)) continue;
    seen.add(value);
    const keys = Object.keys(value);
    for (let index = keys.length - 1; index >= 0; index -= 1) {
      const key = keys[index] as string;
      pending.push({ value: (value as Record<string, unknown>)[key], key, parent: step, depth: step.depth + 1 });
    }
  }
  const tokens: string[] = [];
  for (let step: Step | undefined = deepest; step?.key !== undefined; step = step.parent) tokens.push(step.key);
  return { pointer: appendPointer('', ...tokens.reverse()), depth: deepest.depth };
}

/**
 * The pointer of the first value that contains itself (a YAML alias inside its own anchor), or
 * undefined. JSON, and so the OpenAPI output, cannot hold such a value.
 */
export function findCycle(document: unknown): string | undefined {
  const done = new Set<object>();
  const open = new Set<object>();
  type Visit = { value: object; key?: string; parent?: Visit; leave?: true };
  const pending: Visit[] = document !== null && typeof document === 'object' ? [{ value: document }] : [];
  for (let step = pending.pop(); step !== undefined; step = pending.pop()) {
    if (step.leave) {
      open.delete(step.value);
      done.add(step.value);
      continue;
    }
    if (done.has(step.value)) continue;
    if (open.has(step.value)) {
      const tokens: string[] = [];
      for (let at: Visit | undefined = step; at?.key !== undefined; at = at.parent) tokens.push(at.key);
      return appendPointer('', ...tokens.reverse());
    }
    open.add(step.value);
    pending.push({ ...step, leave: true });
    const node = step.value as Record<string, unknown>;
    for (const key of Object.keys(node).reverse()) {
      const child = node[key];
      if (child !== null && typeof child === 'object') pending.push({ value: child, key, parent: step });
    }
  }
  return undefined;
}

/** Whether an error is the engine running out of call stack (also when a worker passed on its message). */
export function isStackOverflow(error: unknown): boolean {
  return error instanceof Error && /maximum call stack size exceeded/i.test(error.message);
}
