import {
  Kind,
  OperationTypeNode,
  type ConstDirectiveNode,
  type DefinitionNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type InputValueDefinitionNode,
  type NameNode,
  type StringValueNode,
  type TypeNode,
} from 'graphql';
import { describeApi, describeOperation, type Api, type Field, type NamedType, type Operation, type OperationKind, type TypeRef } from '../../ir.ts';
import type { Loss } from '../../losses.ts';
import { returnsDownload } from '../../media-kinds.ts';
import { camelCase, enumValueName, fieldGraphqlName, parameterGraphqlName } from '../../names.ts';
import { printsOutputType, typeUsage, type TypeUsage } from '../../usage.ts';
import { inputTypeNames, relaxedInputFields } from './inputs.ts';

/** The scalars the generated schemas may declare, with what they carry. */
export const customScalars = {
  DateTime: 'An RFC 3339 date-time string, e.g. 2026-01-31T09:30:00Z.',
  Long: 'A 64-bit integer, serialized as a decimal string so JavaScript keeps every digit.',
  JSON: 'Any JSON value; used where the contract has no clean GraphQL mapping.',
  Upload: 'A file sent with the GraphQL multipart request specification.',
} as const;

type ScalarName = keyof typeof customScalars;

const name = (value: string): NameNode => ({ kind: Kind.NAME, value });
const named = (value: string): TypeNode => ({ kind: Kind.NAMED_TYPE, name: name(value) });
const nonNull = (type: TypeNode): TypeNode => (type.kind === Kind.NON_NULL_TYPE ? type : { kind: Kind.NON_NULL_TYPE, type });
// The description node of a text, or undefined for none; fields are built with it in place.
const descriptionNode = (text: string | undefined): StringValueNode | undefined => {
  const trimmed = text?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : { kind: Kind.STRING, value: trimmed, block: true };
};
// The same, to spread into a definition.
const description = (text: string | undefined): { description?: StringValueNode } => {
  const node = descriptionNode(text);
  return node ? { description: node } : {};
};
const noDirectives: readonly ConstDirectiveNode[] = [];
const directive = (directiveName: string, reason?: string): ConstDirectiveNode => ({
  kind: Kind.DIRECTIVE,
  name: name(directiveName),
  arguments: reason === undefined ? [] : [{ kind: Kind.ARGUMENT, name: name('reason'), value: { kind: Kind.STRING, value: reason } }],
});

/**
 * Maps the IR to a GraphQL document (graphql-js's own AST, printed by `graphql.print`).
 * GET operations become Query fields, other methods Mutation fields, streams Subscription fields;
 * objects used as input get an `XInput` twin without read-only fields; discriminated unions are
 * unions on output and `@oneOf` inputs.
 */
export function toGraphqlDocument(api: Api, onLoss: (loss: Loss) => void = () => {}): DocumentNode {
  const typesByName = new Map(api.types.map((type) => [type.name, type]));
  const usedScalars = new Set<ScalarName>();
  let usesSensitive = false;
  const usage = typeUsage(api);
  const inputNames = inputTypeNames(api, usage, [...Object.keys(customScalars), downloadTypeName, 'Query', 'Mutation', 'Subscription']);
  const inputName = (typeName: string): string => inputNames.get(typeName) ?? `${typeName}Input`;
  const relaxed = relaxedInputFields(api, usage);
  for (const field of relaxed) {
    onLoss({ target: 'graphql', kind: 'relaxed', construct: `required field '${field.name}' that closes a cycle of input objects`, fallback: 'nullable in the input type', pointer: field.pointer });
  }

  // Type nodes are shared by every field of that type: a large document has a hundred thousand
  // fields and a few thousand types, and nothing changes a node once it is made.
  const namedNodes = new Map<string, { type: TypeNode; required: TypeNode }>();
  const namedNode = (typeName: string, required: boolean): TypeNode => {
    let nodes = namedNodes.get(typeName);
    if (nodes === undefined) {
      const type = named(typeName);
      nodes = { type, required: nonNull(type) };
      namedNodes.set(typeName, nodes);
    }
    return required ? nodes.required : nodes.type;
  };
  const typeNode = (type: TypeRef, input: boolean, required = false): TypeNode => {
    switch (type.kind) {
      case 'scalar': {
        const scalar = scalarNames[type.scalar];
        if (scalar in customScalars) usedScalars.add(scalar as ScalarName);
        return namedNode(scalar, required);
      }
      case 'named': {
        const target = typesByName.get(type.name);
        return namedNode(input && target?.kind !== 'enum' ? inputName(type.name) : type.name, required);
      }
      case 'list': {
        const list: TypeNode = { kind: Kind.LIST_TYPE, type: typeNode(type.of, input, true) };
        return required ? nonNull(list) : list;
      }
      case 'map':
      case 'json':
        usedScalars.add('JSON');
        return namedNode('JSON', required);
    }
  };
  const fieldType = (field: Pick<Field, 'type' | 'required' | 'nullable'>, input: boolean): TypeNode => {
    // GraphQL cannot build an input that requires itself: such a field is optional in the input type.
    if (input && relaxed.has(field as Field)) return typeNode(field.type, input);
    return typeNode(field.type, input, field.required && !field.nullable);
  };
  // graphql-js forbids @deprecated on a required argument or input field.
  const directives = (field: Field, input: boolean): readonly ConstDirectiveNode[] => {
    const deprecated = field.deprecated && !(input && field.required && !field.nullable);
    if (!deprecated && !field.sensitive) return noDirectives;
    const list: ConstDirectiveNode[] = [];
    if (deprecated) list.push(directive('deprecated', 'Deprecated in the contract.'));
    if (field.sensitive) {
      usesSensitive = true;
      list.push(directive('sensitive'));
    }
    return list;
  };

  const definitions: DefinitionNode[] = [];
  const roots: Array<[OperationKind, string]> = [
    ['query', 'Query'],
    ['mutation', 'Mutation'],
    ['subscription', 'Subscription'],
  ];
  for (const [kind, rootName] of roots) {
    const operations = api.operations.filter((operation) => operation.kind === kind);
    if (operations.length === 0 && kind !== 'query') continue;
    const fields = operations.map((operation) => operationField(operation, typeNode, fieldType, (scalar) => usedScalars.add(scalar)));
    if (fields.length === 0) {
      fields.push({ kind: Kind.FIELD_DEFINITION, name: name('_empty'), type: named('Boolean'), ...description('This API has no queries.') });
    }
    definitions.push({ kind: Kind.OBJECT_TYPE_DEFINITION, name: name(rootName), fields });
  }

  if (api.operations.some((operation) => returnsDownload(operation))) {
    usedScalars.add('Long');
    definitions.push(downloadDefinition);
  }
  for (const type of api.types) {
    definitions.push(...typeDefinitions(type, usage, fieldType, directives, inputName));
  }

  const preamble: DefinitionNode[] = [];
  if (usesSensitive) {
    preamble.push({
      kind: Kind.DIRECTIVE_DEFINITION,
      name: name('sensitive'),
      repeatable: false,
      locations: [name('FIELD_DEFINITION'), name('INPUT_FIELD_DEFINITION')],
      ...description('Personal data (x-sensitive in the contract): servers keep it out of logs.'),
    });
  }
  for (const scalar of Object.keys(customScalars) as ScalarName[]) {
    if (usedScalars.has(scalar)) preamble.push({ kind: Kind.SCALAR_TYPE_DEFINITION, name: name(scalar), ...description(customScalars[scalar]) });
  }
  const schemaDescription = describeApi(api);
  const schema: DefinitionNode = {
    kind: Kind.SCHEMA_DEFINITION,
    ...description(schemaDescription),
    directives: [],
    operationTypes: roots
      .filter(([, rootName]) => definitions.some((definition) => 'name' in definition && definition.name?.value === rootName))
      .map(([kind, rootName]) => ({ kind: Kind.OPERATION_TYPE_DEFINITION, operation: operationTypes[kind], type: { kind: Kind.NAMED_TYPE, name: name(rootName) } })),
  };
  return { kind: Kind.DOCUMENT, definitions: [schema, ...preamble, ...definitions] };
}

const operationTypes = {
  query: OperationTypeNode.QUERY,
  mutation: OperationTypeNode.MUTATION,
  subscription: OperationTypeNode.SUBSCRIPTION,
} as const;

const scalarNames = {
  string: 'String',
  boolean: 'Boolean',
  int32: 'Int',
  int64: 'Long',
  float: 'Float',
  double: 'Float',
  datetime: 'DateTime',
  date: 'String',
  bytes: 'String',
} as const;

type TypeNodeOf = (type: TypeRef, input: boolean, required?: boolean) => TypeNode;
type FieldTypeOf = (field: Pick<Field, 'type' | 'required' | 'nullable'>, input: boolean) => TypeNode;

/**
 * What a field whose REST operation answers with bytes returns: where to fetch them, not the
 * bytes themselves (see the README, "How a contract maps"). Text responses are `String`s instead.
 */
export const downloadTypeName = 'Download';

const downloadField = (fieldName: string, type: TypeNode, text: string): FieldDefinitionNode => ({ kind: Kind.FIELD_DEFINITION, name: name(fieldName), type, ...description(text) });
const downloadDefinition: DefinitionNode = {
  kind: Kind.OBJECT_TYPE_DEFINITION,
  name: name(downloadTypeName),
  ...description('Content a GraphQL response does not carry as bytes: GET `url` over REST with the same credentials (and any header arguments as headers), or call the gRPC method.'),
  fields: [
    downloadField('url', nonNull(named('String')), "The REST path that answers with the bytes, below the server's origin, with this field's path and query arguments filled in."),
    downloadField('contentType', nonNull(named('String')), 'The media type of the content.'),
    downloadField('size', named('Long'), 'The size in bytes, where the server knows it.'),
  ],
};

function resultType(operation: Operation, typeNode: TypeNodeOf): TypeNode {
  const result = operation.result;
  switch (result.kind) {
    case 'json':
      return nonNull(typeNode(result.type, false));
    case 'stream':
      return nonNull(typeNode(result.item, false));
    case 'binary':
      return nonNull(named(returnsDownload(operation) ? downloadTypeName : 'String'));
    case 'empty':
      return nonNull(named('Boolean'));
  }
}

function operationField(operation: Operation, typeNode: TypeNodeOf, fieldType: FieldTypeOf, usesScalar: (scalar: ScalarName) => void): FieldDefinitionNode {
  const args: InputValueDefinitionNode[] = operation.parameters.map((parameter) => ({
    kind: Kind.INPUT_VALUE_DEFINITION,
    name: name(parameterGraphqlName(parameter)),
    type: fieldType({ type: parameter.type, required: parameter.required, nullable: false }, true),
    ...description(parameter.description),
  }));
  const body = operation.body;
  if (body?.kind === 'json') {
    args.push({ kind: Kind.INPUT_VALUE_DEFINITION, name: name('input'), type: fieldType({ type: body.type, required: body.required, nullable: false }, true), ...description('The request body.') });
  }
  if (body?.kind === 'binary') {
    usesScalar('Upload');
    args.push({ kind: Kind.INPUT_VALUE_DEFINITION, name: name('file'), type: nonNull(named('Upload')), ...description(`The content: ${body.mediaTypes.join(', ')}.`) });
  }
  const type = resultType(operation, typeNode);
  const sunset = operation.sunset !== undefined ? ` Sunset on ${operation.sunset}.` : '';
  return {
    kind: Kind.FIELD_DEFINITION,
    name: name(operation.graphqlName),
    arguments: args,
    type,
    directives: operation.deprecated ? [directive('deprecated', `Deprecated in the contract.${sunset}`)] : [],
    ...description(describeOperation(operation)),
  };
}

function typeDefinitions(
  type: NamedType,
  usage: TypeUsage,
  fieldType: FieldTypeOf,
  directives: (field: Field, input: boolean) => readonly ConstDirectiveNode[],
  inputName: (typeName: string) => string,
): DefinitionNode[] {
  const docs = description(type.description);
  const asInput = usage.input.has(type.name);
  if (type.kind === 'enum') {
    return [{
      kind: Kind.ENUM_TYPE_DEFINITION,
      name: name(type.name),
      ...docs,
      // Bindings map each value back to its JSON spelling through the IR.
      values: type.values.map((value) => ({ kind: Kind.ENUM_VALUE_DEFINITION, name: name(enumValueName(value)) })),
    }];
  }
  if (type.kind === 'union') {
    const output: DefinitionNode = { kind: Kind.UNION_TYPE_DEFINITION, name: name(type.name), ...docs, types: type.variants.map((variant) => ({ kind: Kind.NAMED_TYPE, name: name(variant.type) })) };
    const outputs = printsOutputType(usage, type.name) ? [output] : [];
    if (!asInput) return outputs;
    return [...outputs, {
      kind: Kind.INPUT_OBJECT_TYPE_DEFINITION,
      name: name(inputName(type.name)),
      ...docs,
      directives: [directive('oneOf')],
      fields: type.variants.map((variant) => ({
        kind: Kind.INPUT_VALUE_DEFINITION,
        name: name(camelCase(variant.tag)),
        type: named(inputName(variant.type)),
        ...description(`${type.discriminator} = "${variant.tag}"`),
      })),
    }];
  }
  const placeholder = (text: string): FieldDefinitionNode => ({ kind: Kind.FIELD_DEFINITION, name: name('_empty'), type: named('Boolean'), ...description(text) });
  const outputFields: FieldDefinitionNode[] = [];
  for (const field of type.fields) {
    if (field.writeOnly) continue;
    outputFields.push({
      kind: Kind.FIELD_DEFINITION,
      description: descriptionNode(field.description),
      name: name(fieldGraphqlName(field)),
      type: fieldType(field, false),
      directives: directives(field, false),
    });
  }
  const definitions: DefinitionNode[] = [];
  if (printsOutputType(usage, type.name)) {
    definitions.push({
      kind: Kind.OBJECT_TYPE_DEFINITION,
      name: name(type.name),
      ...docs,
      fields: outputFields.length > 0 ? outputFields : [placeholder('Every property of this schema is write-only.')],
    });
  }
  if (asInput) {
    const inputFields: InputValueDefinitionNode[] = [];
    for (const field of type.fields) {
      if (field.readOnly) continue;
      inputFields.push({
        kind: Kind.INPUT_VALUE_DEFINITION,
        description: descriptionNode(field.description),
        name: name(fieldGraphqlName(field)),
        type: fieldType(field, true),
        directives: directives(field, true),
      });
    }
    definitions.push({
      kind: Kind.INPUT_OBJECT_TYPE_DEFINITION,
      name: name(inputName(type.name)),
      ...docs,
      fields: inputFields.length > 0
        ? inputFields
        : [{ kind: Kind.INPUT_VALUE_DEFINITION, name: name('_empty'), type: named('Boolean'), ...description('Every property of this schema is read-only.') }],
    });
  }
  return definitions;
}
