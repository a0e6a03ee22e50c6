/**
 * How the properties and enum values of schemas are named in GraphQL and proto. A name the
 * contract gives (`x-graphql-name`, `x-proto-name`, `x-enum-varnames`) is used as it is; a name an
 * earlier run chose is kept (the lock records it); every other name is derived, and one that would
 * clash with another, or has no usable characters, gets a suffix with a warning. The JSON name is
 * never changed, and the IR records the names that are not the derived ones.
 */
import type { NameBook } from './chosen-names.ts';
import type { diagnostic } from './diagnostics.ts';
import type { Field } from './ir.ts';
import type { LossLog } from './losses.ts';
import { camelCase, constantCase, fallbackWords, graphqlFieldName, isIdentifier, memo, protoFieldName, snakeCase } from './names.ts';
import { assignNames, Namespace, protoFieldKey } from './namespace.ts';
import { appendPointer } from './pointer.ts';

/** Where the naming functions report: diagnostics at a pointer, and losses. */
export interface Namer {
  report: (code: Parameters<typeof diagnostic>[0], message: string, pointer: string, hint?: string) => void;
  losses: LossLog;
  /** The names earlier runs chose, and this run's choices. */
  book: NameBook;
  /** A foreign document, whose author is not the reader of the warnings. */
  lenient: boolean;
}

/** The names a contract gives a property itself. */
export interface GivenNames {
  graphql?: string;
  proto?: string;
}

const graphqlName = /^[_A-Za-z][_0-9A-Za-z]*$/;
const protoName = /^[A-Za-z][0-9A-Za-z_]*$/;

/** `x-graphql-name` and `x-proto-name` of a property schema, checked; a wrong one is reported and ignored. */
export function givenFieldNames(namer: Namer, schema: unknown, pointer: string): GivenNames | undefined {
  if (schema === null || typeof schema !== 'object') return undefined;
  const record = schema as Record<string, unknown>;
  const given: GivenNames = {};
  const graphql = record['x-graphql-name'];
  if (graphql !== undefined) {
    if (typeof graphql === 'string' && graphqlName.test(graphql) && !graphql.startsWith('__')) given.graphql = graphql;
    else namer.report('extension-invalid', "'x-graphql-name' must be a GraphQL name (letters, digits, underscores, not starting with '__')", appendPointer(pointer, 'x-graphql-name'));
  }
  const proto = record['x-proto-name'];
  if (proto !== undefined) {
    if (typeof proto === 'string' && protoName.test(proto)) given.proto = proto;
    else namer.report('extension-invalid', "'x-proto-name' must be a proto field name (a letter, then letters, digits, underscores)", appendPointer(pointer, 'x-proto-name'));
  }
  return given.graphql !== undefined || given.proto !== undefined ? given : undefined;
}

const fieldHint = 'to choose the names yourself, give the property `x-graphql-name` and `x-proto-name`; until then the lock keeps the ones chosen here';
const enumHint = 'to choose the names yourself, list them in `x-enum-varnames` beside `enum`; until then the lock keeps the ones chosen here';

/**
 * The GraphQL and proto names of an object's properties (`owner` is its type name), for those not
 * derived from the JSON name; undefined when every one is.
 */
export function fieldNames(namer: Namer, owner: string, names: readonly string[], given: ReadonlyMap<string, GivenNames>, pointer: string): Map<string, Pick<Field, 'graphqlName' | 'protoName'>> | undefined {
  // Most objects need nothing: every name usable as it is and no two alike.
  if (given.size === 0 && plainNames(names) && !namer.book.has(owner)) return undefined;
  const usable = (derived: string, name: string, spell: (name: string) => string): string => (isIdentifier(derived) ? derived : spell(fallbackWords(name).join(' ')));
  const graphqlBase = (name: string) => usable(graphqlFieldName(name), name, camelCase);
  const protoBase = (name: string) => usable(protoFieldName(name), name, snakeCase);
  const suffix = (stem: string, n: number): string => `${stem}_${n}`;
  const graphql = claimAll(namer, names, pointer, new Namespace(), (name) => given.get(name)?.graphql, (name) => namer.book.earlier(owner, name)?.graphql, graphqlBase, suffix, 'GraphQL');
  const proto = claimAll(namer, names, pointer, new Namespace(protoFieldKey), (name) => given.get(name)?.proto, (name) => namer.book.earlier(owner, name)?.proto, protoBase, suffix, 'proto');
  const result = new Map<string, Pick<Field, 'graphqlName' | 'protoName'>>();
  for (const name of names) {
    const fieldPointer = appendPointer(pointer, name);
    const graphqlChosen = graphql.names.get(name) ?? name;
    const protoChosen = proto.names.get(name) ?? name;
    const clashed = (graphql.suffixed.has(name) || proto.suffixed.has(name)) ? (graphql.suffixed.get(name) ?? proto.suffixed.get(name)) : undefined;
    if (clashed !== undefined) {
      namer.report('name-renamed', `property '${name}' clashes with '${clashed}'; it is '${graphqlChosen}' in GraphQL and '${protoChosen}' in proto`, fieldPointer, namer.lenient ? undefined : fieldHint);
    }
    if (graphqlChosen !== name) namer.losses.add(fieldPointer, 'renamed', `property '${name}'`, { graphql: `'${graphqlChosen}'` });
    if (protoChosen !== protoFieldName(name)) namer.losses.add(fieldPointer, 'renamed', `property '${name}'`, { proto: `'${protoChosen}' (json_name keeps '${name}')` });
    const spelled = {
      ...(graphqlChosen !== graphqlFieldName(name) ? { graphqlName: graphqlChosen } : {}),
      ...(protoChosen !== protoFieldName(name) ? { protoName: protoChosen } : {}),
    };
    const chosen = {
      ...(!graphql.given.has(name) && graphqlChosen !== graphqlFieldName(name) ? { graphql: graphqlChosen } : {}),
      ...(!proto.given.has(name) && protoChosen !== protoFieldName(name) ? { proto: protoChosen } : {}),
    };
    namer.book.record(owner, name, chosen);
    result.set(name, spelled);
  }
  return result;
}

/**
 * The CONSTANT_CASE names of an enum's values (`owner` is its type name) where they are not
 * `constantCase(value)`: given in `x-enum-varnames`, kept from an earlier run, or made unique with a
 * suffix. Proto compares enum value names without the enum's prefix, ignoring case and underscores
 * (`A_B` and `AB` clash), so that is the test here too.
 */
export function enumValueNames(namer: Namer, owner: string, values: readonly string[], given: ReadonlyMap<string, string>, pointer: string): Map<string, string> {
  const namespace = new Namespace(protoFieldKey);
  namespace.claim('UNSPECIFIED', '');
  const base = (value: string): string => constantCase(value) || constantCase(fallbackWords(value).join(' '));
  const earlier = (value: string) => namer.book.earlier(owner, value)?.proto;
  const assigned = claimAll(namer, values, pointer, namespace, (value) => given.get(value), earlier, base, (stem, n) => `${stem}_${n}`, 'GraphQL and proto', true);
  const renamed = new Map<string, string>();
  for (const value of values) {
    const constant = assigned.names.get(value) ?? '';
    const clashed = assigned.suffixed.get(value);
    if (clashed !== undefined) namer.report('name-renamed', `enum value '${value}' clashes with '${clashed || 'the zero value UNSPECIFIED'}'; it is '${constant}'`, pointer, namer.lenient ? undefined : enumHint);
    if (constant === constantCase(value)) continue;
    renamed.set(value, constant);
    if (!assigned.given.has(value)) {
      namer.book.record(owner, value, { graphql: constant, proto: constant });
      namer.losses.add(pointer, 'renamed', `enum value '${value}'`, { graphql: `'${constant}'`, proto: `'${constant}'` });
    }
  }
  return renamed;
}

/**
 * Names things in one namespace: names the contract gives first (two alike are an error), then the
 * names earlier runs chose, while free, then the derived names (see `assignNames`). Says which
 * names were given and which got a suffix because the derived one was taken, and by whom.
 */
function claimAll(
  namer: Namer,
  things: readonly string[],
  pointer: string,
  namespace: Namespace,
  givenName: (thing: string) => string | undefined,
  earlierName: (thing: string) => string | undefined,
  base: (thing: string) => string,
  suffix: (name: string, n: number) => string,
  target: string,
  constants = false,
): { names: Map<string, string>; given: Set<string>; suffixed: Map<string, string> } {
  const names = new Map<string, string>();
  const given = new Set<string>();
  for (const thing of things) {
    const name = givenName(thing);
    if (name === undefined) continue;
    const spelled = constants ? constantCase(name) : name;
    if (!namespace.claim(spelled, thing)) {
      const holder = namespace.owner(spelled);
      namer.report('name-collision', `${constants ? 'enum values' : 'properties'} '${holder || 'UNSPECIFIED'}' and '${thing}' are both named '${spelled}' in ${target}`, constants ? pointer : appendPointer(pointer, thing), 'give one of them another name');
    }
    names.set(thing, spelled);
    given.add(thing);
  }
  for (const thing of things) {
    if (names.has(thing)) continue;
    const name = earlierName(thing);
    if (name !== undefined && namespace.claim(name, thing)) names.set(thing, name);
  }
  const rest = things.filter((thing) => !names.has(thing));
  const assigned = assignNames(namespace, rest, base, suffix);
  const suffixed = new Map<string, string>();
  for (const thing of rest) {
    const name = assigned.get(thing) ?? '';
    names.set(thing, name);
    if (name !== base(thing)) suffixed.set(thing, namespace.owner(base(thing)) ?? '');
  }
  return { names, given, suffixed };
}

// Whether every property is a GraphQL identifier as written whose proto name clashes with no other.
export function plainNames(names: readonly string[]): boolean {
  const protoKeys = new Set<string>();
  for (const name of names) {
    const key = plainKey(name);
    if (key === '' || protoKeys.has(key)) return false;
    protoKeys.add(key);
  }
  return true;
}

// The proto clash key of a property name usable as it is, or '' for one that is not.
const plainKey = (name: string): string => memo(plainKeys, name, () => (isIdentifier(name) ? protoFieldKey(protoFieldName(name)) : ''));

const plainKeys = new Map<string, string>();
