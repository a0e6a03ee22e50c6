/**
 * One namespace of generated names (the types of a schema, the fields of a message, the values of
 * an enum). The first claimant keeps a name; for a foreign document a later one is given the first
 * free spelling with a numeric suffix, so names never depend on anything but document order.
 */
export class Namespace {
  private readonly owners = new Map<string, string>();
  private readonly key: (name: string) => string;

  /** `key` says when two names clash, e.g. proto's case- and underscore-blind JSON name check. */
  constructor(key: (name: string) => string = (name) => name) {
    this.key = key;
  }

  /** Who holds the name (or a name that clashes with it). */
  owner(name: string): string | undefined {
    return this.owners.get(this.key(name));
  }

  /** Takes the name for `owner`; false when someone else holds it. */
  claim(name: string, owner: string): boolean {
    const key = this.key(name);
    const holder = this.owners.get(key);
    if (holder !== undefined && holder !== owner) return false;
    this.owners.set(key, owner);
    return true;
  }

  /** The name itself when free, else `suffix(name, 2)`, `suffix(name, 3)`... whichever is free first. */
  unique(name: string, owner: string, suffix: (name: string, n: number) => string): string {
    if (this.claim(name, owner)) return name;
    for (let n = 2; ; n += 1) {
      const candidate = suffix(name, n);
      if (this.claim(candidate, owner)) return candidate;
    }
  }
}

/** proto3 rejects two fields whose names are equal once lower-cased without underscores. */
export const protoFieldKey = (name: string): string => name.toLowerCase().replaceAll('_', '');

/**
 * Names a list of things in one namespace. Things whose derived name is their own spelling claim
 * it first, so `id` keeps `id` and `@id` or `ID` takes the suffix, whatever the order; the rest
 * follow in order. Returns the name of each thing.
 */
export function assignNames(
  namespace: Namespace,
  things: readonly string[],
  derive: (thing: string) => string,
  suffix: (name: string, n: number) => string,
  ownSpelling: (thing: string) => string = (thing) => thing,
): Map<string, string> {
  const names = new Map<string, string>();
  const derived = new Map(things.map((thing) => [thing, derive(thing)]));
  for (const thing of things) {
    const name = derived.get(thing) ?? '';
    if (name === ownSpelling(thing) && namespace.claim(name, thing)) names.set(thing, name);
  }
  for (const thing of things) {
    if (!names.has(thing)) names.set(thing, namespace.unique(derived.get(thing) ?? '', thing, suffix));
  }
  return names;
}
