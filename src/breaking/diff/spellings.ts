import type { EnumValue, Field, NamedType, Parameter } from '../../compiler/ir.ts';
import { enumValueName, fieldGraphqlName, fieldProtoName, parameterGraphqlName, parameterProtoName, pascalCase, protoEnumValueName } from '../../compiler/names.ts';
import type { DiffContext } from './context.ts';
import { pairOperations } from './operations.ts';

/**
 * The GraphQL and proto names of what keeps its JSON name: a property, an enum value or a
 * parameter whose generated name changes (`x-graphql-name`, `x-proto-name`, `x-enum-varnames`, a
 * name chosen where one clashed) is invisible to REST and to the JSON types, and breaks the
 * clients of the protocol that spells it.
 */
export function compareSpellings(context: DiffContext): void {
  for (const base of context.base.api.types) {
    const revision = context.type('revision', base.name);
    if (revision?.kind === 'object' && base.kind === 'object') compareFields(context, base, revision);
    if (revision?.kind === 'enum' && base.kind === 'enum') compareEnumValues(context, base, revision.values);
  }
  for (const { base, revision } of pairOperations(context.base.api.operations, context.revision.api.operations).pairs) {
    const request = `${pascalCase(revision.id)}Request`;
    for (const parameter of base.parameters) {
      const next = revision.parameters.find((candidate) => candidate.in === parameter.in && candidate.name === parameter.name);
      if (next) compareNames(context, `${revision.id}(${parameter.name})`, `parameter '${parameter.name}' of '${revision.id}'`, request, parameterNames(parameter), parameterNames(next), next.pointer, 'field');
    }
  }
}

interface Spelled {
  graphql: string;
  proto: string;
}

const parameterNames = (parameter: Parameter): Spelled => ({ graphql: parameterGraphqlName(parameter), proto: parameterProtoName(parameter) });
const fieldNames = (field: Field): Spelled => ({ graphql: fieldGraphqlName(field), proto: fieldProtoName(field) });

function compareFields(context: DiffContext, base: Extract<NamedType, { kind: 'object' }>, revision: Extract<NamedType, { kind: 'object' }>): void {
  for (const field of base.fields) {
    const next = revision.fields.find((candidate) => candidate.name === field.name);
    if (next) compareNames(context, `${revision.name}.${field.name}`, `property '${field.name}' of ${revision.name}`, revision.name, fieldNames(field), fieldNames(next), next.pointer, 'field');
  }
}

function compareEnumValues(context: DiffContext, base: Extract<NamedType, { kind: 'enum' }>, values: EnumValue[]): void {
  for (const value of base.values) {
    const next = values.find((candidate) => candidate.value === value.value);
    if (!next) continue;
    const names = (entry: EnumValue): Spelled => ({ graphql: enumValueName(entry), proto: protoEnumValueName(base.name, entry) });
    compareNames(context, `${base.name}.${value.value}`, `enum value '${value.value}' of ${base.name}`, base.name, names(value), names(next), base.pointer, 'enum value');
  }
}

function compareNames(context: DiffContext, subject: string, label: string, owner: string, before: Spelled, after: Spelled, pointer: string, kind: 'field' | 'enum value'): void {
  const at = { side: 'revision' as const, pointer };
  if (before.graphql !== after.graphql) {
    context.report('graphql-name-changed', { subject, message: `${label} is '${after.graphql}' in GraphQL, no longer '${before.graphql}'`, at, subjects: { graphql: `${owner}.${after.graphql}` } });
  }
  if (before.proto === after.proto || !context.sameMajor) return;
  const section = kind === 'field' ? 'messages' : 'enums';
  const number = (lock: typeof context.base.lock, name: string): number | undefined => lock[section][owner]?.numbers[name];
  const kept = number(context.base.lock, before.proto) !== undefined && number(context.base.lock, before.proto) === number(context.revision.lock, after.proto);
  // A field whose number is pinned across the rename is the same field on the wire and in proto JSON.
  if (kind === 'field' && kept) return;
  const moved = kept ? ', keeping its number' : '';
  context.report(kind === 'field' ? 'proto-field-renamed' : 'proto-enum-value-renamed', {
    subject,
    message: `${label} is '${after.proto}' in proto, no longer '${before.proto}'${moved}`,
    at,
    subjects: { proto: `${owner}.${after.proto}` },
  });
}
