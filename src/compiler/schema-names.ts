/**
 * How the properties and enum values of schemas are named in GraphQL and proto. A contract must
 * give no two alike (an error says which); a foreign document's clashes are resolved with a suffix,
 * the name written as it is keeping it, and the IR records the names that are not the derived ones.
 */
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
}

/** A contract's property: a name GraphQL or proto would share with another property is an error. */
export function strictFieldNames(namer: Namer, name: string, pointer: string, graphqlNames: Namespace, protoNames: Namespace): Pick<Field, 'graphqlName' | 'protoName'> {
  const graphql = graphqlFieldName(name);
  const proto = protoFieldName(name);
  const graphqlOther = graphqlNames.owner(graphql);
  if (graphqlOther !== undefined) namer.report('name-collision', `properties '${graphqlOther}' and '${name}' are both '${graphql}' in GraphQL`, pointer);
  else graphqlNames.claim(graphql, name);
  const protoOther = protoNames.owner(proto);
  if (protoOther !== undefined) {
    const otherProto = protoFieldName(protoOther);
    const message = otherProto === proto
      ? `properties '${protoOther}' and '${name}' are both '${proto}' in proto`
      : `properties '${protoOther}' and '${name}' become the proto fields '${otherProto}' and '${proto}', which proto3 treats as one JSON name`;
    namer.report('name-collision', message, pointer);
  } else {
    protoNames.claim(proto, name);
  }
  if (proto === '') namer.report('name-invalid', `property '${name}' has no letters or digits to name a field`, pointer);
  return {};
}

// A foreign document's property keeps its JSON name in the IR; GraphQL and proto get the derived
// names, made unique with a suffix, and the IR records them when they are not the derived ones.
export function lenientFieldNames(namer: Namer, names: readonly string[], pointer: string): Map<string, Pick<Field, 'graphqlName' | 'protoName'>> | undefined {
  // Most objects need nothing: every name usable as it is and no two alike.
  if (plainNames(names)) return undefined;
  const usable = (derived: string, name: string, spell: (name: string) => string): string =>
    isIdentifier(derived) ? derived : spell(fallbackWords(name).join(' '));
  const suffix = (stem: string, n: number): string => `${stem}_${n}`;
  const graphqlNames = assignNames(new Namespace(), names, (name) => usable(graphqlFieldName(name), name, camelCase), suffix);
  const protoNames = assignNames(new Namespace(protoFieldKey), names, (name) => usable(protoFieldName(name), name, snakeCase), suffix);
  const result = new Map<string, Pick<Field, 'graphqlName' | 'protoName'>>();
  for (const name of names) {
    const fieldPointer = appendPointer(pointer, name);
    const graphql = graphqlNames.get(name) ?? name;
    const proto = protoNames.get(name) ?? name;
    const graphqlBase = usable(graphqlFieldName(name), name, camelCase);
    const protoBase = usable(protoFieldName(name), name, snakeCase);
    if (graphql !== graphqlBase || proto !== protoBase) {
      const clash = names.find((other) => other !== name && (graphql !== graphqlBase ? graphqlNames.get(other) === graphqlBase : protoFieldKey(protoNames.get(other) ?? '') === protoFieldKey(protoBase)));
      namer.report('name-renamed', `property '${name}' clashes with '${clash ?? ''}'; it is '${graphql}' in GraphQL and '${proto}' in proto`, fieldPointer);
    }
    if (graphql !== name) namer.losses.add(fieldPointer, 'renamed', `property '${name}'`, { graphql: `'${graphql}'` });
    if (proto !== protoFieldName(name)) namer.losses.add(fieldPointer, 'renamed', `property '${name}'`, { proto: `'${proto}' (json_name keeps '${name}')` });
    result.set(name, {
      ...(graphql !== graphqlFieldName(name) ? { graphqlName: graphql } : {}),
      ...(proto !== protoFieldName(name) ? { protoName: proto } : {}),
    });
  }
  return result;
}

// Proto compares enum value names without the enum's prefix, ignoring case and underscores
// (`A_B` and `AB` clash), so that is the test here too.
export function strictEnumNames(namer: Namer, values: readonly string[], pointer: string): Map<string, string> {
  const constants = new Map<string, string>();
  for (const value of values) {
    const constant = constantCase(value);
    if (constant === 'UNSPECIFIED') {
      namer.report('name-collision', `enum value '${value}' would be the proto zero value '<ENUM>_UNSPECIFIED'`, pointer);
    }
    const other = constants.get(protoFieldKey(constant));
    if (other !== undefined || constant === '') {
      const otherConstant = constantCase(other ?? '');
      const both = other === undefined || otherConstant === constant ? `are both '${constant}' in GraphQL and proto` : `are '${otherConstant}' and '${constant}', which proto treats as one name`;
      namer.report('name-collision', `enum values '${other ?? ''}' and '${value}' ${both}`, pointer);
    }
    constants.set(protoFieldKey(constant), value);
  }
  return new Map();
}

// Values of a foreign enum that share a CONSTANT_CASE name (`a-b`, `a_b`), are empty or are
// `unspecified` get a suffix; the IR keeps the JSON value beside the name.
export function lenientEnumNames(namer: Namer, values: readonly string[], pointer: string): Map<string, string> {
  const namespace = new Namespace(protoFieldKey);
  namespace.claim('UNSPECIFIED', '');
  const base = (value: string): string => constantCase(value) || constantCase(fallbackWords(value).join(' '));
  const names = assignNames(namespace, values, base, (stem, n) => `${stem}_${n}`);
  const renamed = new Map<string, string>();
  for (const value of values) {
    const constant = names.get(value) ?? '';
    if (constant === constantCase(value)) continue;
    renamed.set(value, constant);
    if (constant !== base(value)) {
      const clash = values.find((other) => other !== value && protoFieldKey(names.get(other) ?? '') === protoFieldKey(base(value))) ?? 'the zero value UNSPECIFIED';
      namer.report('name-renamed', `enum value '${value}' clashes with '${clash}'; it is '${constant}'`, pointer);
    }
    namer.losses.add(pointer, 'renamed', `enum value '${value}'`, { graphql: `'${constant}'`, proto: `'${constant}'` });
  }
  return renamed;
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
