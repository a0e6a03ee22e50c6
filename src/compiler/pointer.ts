/** JSON Pointer (RFC 6901) helpers; every location in the compiler is a pointer. */

/** Escapes one reference token. */
export function escapeToken(token: string | number): string {
  const text = String(token);
  if (!text.includes('~') && !text.includes('/')) return text;
  return text.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Joins tokens onto a pointer: `appendPointer('/paths', '/studies')` is `/paths/~1studies`. */
export function appendPointer(pointer: string, ...tokens: Array<string | number>): string {
  let result = pointer;
  for (const token of tokens) result += `/${escapeToken(token)}`;
  return result;
}

/** Splits a pointer into unescaped tokens; `''` is the whole document. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return pointer === '' ? [] : [''];
  const tokens = pointer.slice(1).split('/');
  // Most pointers escape nothing: their tokens are the pieces as they are.
  if (!pointer.includes('~')) return tokens;
  return tokens.map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** The value at a pointer, or undefined when any step is missing. */
export function getAtPointer(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  // Token by token along the pointer, as parsePointer splits it, without building the list.
  let node: unknown = root;
  let start = 1;
  for (;;) {
    if (node === null || typeof node !== 'object') return undefined;
    const end = pointer.indexOf('/', start);
    const piece = end === -1 ? pointer.slice(start) : pointer.slice(start, end);
    const token = piece.includes('~') ? piece.replaceAll('~1', '/').replaceAll('~0', '~') : piece;
    if (!Object.hasOwn(node, token)) return undefined;
    node = (node as Record<string, unknown>)[token];
    if (end === -1) return node;
    start = end + 1;
  }
}

/** The pointer one level up; the root is its own parent. */
export function parentPointer(pointer: string): string {
  const cut = pointer.lastIndexOf('/');
  return cut <= 0 ? '' : pointer.slice(0, cut);
}

/** Decodes the fragment of a `$ref` (`#/components/schemas/X`) into a pointer. */
export function fragmentToPointer(fragment: string): string {
  const raw = fragment.startsWith('#') ? fragment.slice(1) : fragment;
  try {
    return decodeURIComponent(raw);
  } catch {
    // A stray `%` is not an escape; the pointer is taken as written.
    return raw;
  }
}

const refTargets = new WeakMap<object, Map<string, unknown>>();

/**
 * The value a local `$ref` (`#/components/schemas/Pet`) names in `root`. A large document refers to
 * the same component thousands of times, so each reference is looked up once per document; the
 * document must not change while it is being compiled.
 */
export function resolveLocalRef(root: object, ref: string): unknown {
  let targets = refTargets.get(root);
  if (targets === undefined) {
    targets = new Map();
    refTargets.set(root, targets);
  }
  if (targets.has(ref)) return targets.get(ref);
  const target = getAtPointer(root, fragmentToPointer(ref));
  targets.set(ref, target);
  return target;
}

/** Renders a pointer as a `$ref`-style fragment for messages. */
export function pointerToFragment(pointer: string): string {
  return `#${pointer}`;
}
