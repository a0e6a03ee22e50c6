import type { Api, Operation } from '../../ir.ts';
import { pascalCase } from '../../names.ts';

/** `study` v2, `Rest` -> `StudyV2RestClient`. */
export function clientTypeName(api: Pick<Api, 'name' | 'version'>, protocol: 'Rest' | 'Graphql' | 'Grpc'): string {
  return `${pascalCase(api.name)}V${api.version}${protocol}Client`;
}

/**
 * The method of an operation in the REST and gRPC clients: the rpc name with a lower-case first
 * letter, which is how ts-proto names the methods of a service (`GetStudy` -> `getStudy`).
 */
export function clientMethodName(operation: Pick<Operation, 'id'>): string {
  const rpc = pascalCase(operation.id);
  return rpc.charAt(0).toLowerCase() + rpc.slice(1);
}
