import type { NamedType, Operation } from '../../compiler/ir.ts';
import { camelCase, enumValueName, fieldGraphqlName, fieldProtoName, parameterGraphqlName, parameterProtoName, pascalCase, protoEnumValueName, snakeCase } from '../../compiler/names.ts';
import type { Subjects } from '../model.ts';
import type { Direction } from './reach.ts';

/**
 * How the generated layers name what the diff compares, with the same functions the emitters
 * use, so a report names the GraphQL field and the proto field a reader will find.
 */

const graphqlRoots = { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' } as const;

/** The GraphQL type that carries a named type in a direction: objects and unions sent by clients are `XInput`. */
export function graphqlTypeName(type: NamedType, direction: Direction): string {
  return direction === 'request' && type.kind !== 'enum' ? `${type.name}Input` : type.name;
}

/** Names of an operation: `Query.getStudy` and `StudyService.GetStudy`. */
export function operationSubjects(operation: Operation, service: string): Subjects {
  return {
    rest: [`${operation.method} ${operation.path}`],
    graphql: `${graphqlRoots[operation.kind]}.${operation.graphqlName}`,
    proto: `${service}.${pascalCase(operation.id)}`,
  };
}

/** Names of a parameter: the GraphQL argument and the field of the request message. */
export function parameterSubjects(operation: Operation, name: string): Subjects {
  // The names the IR chose, where the parameter is the operation's; else the derived ones.
  const parameter = operation.parameters.find((candidate) => candidate.name === name) ?? { name };
  return {
    rest: [`${operation.method} ${operation.path}`],
    graphql: `${graphqlRoots[operation.kind]}.${operation.graphqlName}(${parameterGraphqlName(parameter)}:)`,
    proto: `${pascalCase(operation.id)}Request.${parameterProtoName(parameter)}`,
  };
}

/** Names of the request body (`input` argument, `body` field) or the result (`body` field). */
export function payloadSubjects(operation: Operation, which: 'body' | 'result'): Subjects {
  const rpc = pascalCase(operation.id);
  const graphql = `${graphqlRoots[operation.kind]}.${operation.graphqlName}${which === 'body' ? '(input:)' : ''}`;
  return { rest: [`${operation.method} ${operation.path}`], graphql, proto: `${rpc}${which === 'body' ? 'Request' : 'Response'}.body` };
}

/** Names of a property of an object type. */
export function fieldSubjects(type: NamedType, field: string, direction: Direction, routes: string[]): Subjects {
  const spelled = (type.kind === 'object' ? type.fields.find((candidate) => candidate.name === field) : undefined) ?? { name: field };
  return { rest: routes, graphql: `${graphqlTypeName(type, direction)}.${fieldGraphqlName(spelled)}`, proto: `${type.name}.${fieldProtoName(spelled)}` };
}

/** Names of an enum value: `StudyStatus.IN_REVIEW` and `StudyStatus.STUDY_STATUS_IN_REVIEW`. */
export function enumValueSubjects(type: NamedType, value: string, routes: string[]): Subjects {
  const spelled = (type.kind === 'enum' ? type.values.find((candidate) => candidate.value === value) : undefined) ?? { value };
  return { rest: routes, graphql: `${type.name}.${enumValueName(spelled)}`, proto: `${type.name}.${protoEnumValueName(type.name, spelled)}` };
}

/** Names of a union variant: the union member and the oneof field. */
export function variantSubjects(type: NamedType, tag: string, variantType: string, direction: Direction, routes: string[]): Subjects {
  const graphql = direction === 'request' ? `${type.name}Input.${camelCase(tag)}` : `${type.name}.${variantType}`;
  return { rest: routes, graphql, proto: `${type.name}.${snakeCase(tag)}` };
}

/** Names of a named type itself. */
export function typeSubjects(type: NamedType, direction: Direction, routes: string[]): Subjects {
  return { rest: routes, graphql: graphqlTypeName(type, direction), proto: type.name };
}
