import type { Api, Operation } from '../../compiler/ir.ts';
import type { OperationInput } from '../../runtime/handler.ts';
import { errorCatalog, type ErrorCode } from '../../runtime/errors.ts';

/** What came over the wire, for the checks that judge a protocol's own spelling. */
export interface Exchange {
  /** REST and GraphQL: the HTTP status; gRPC: the status code (0 on success). */
  status: number;
  /** Response headers (HTTP) or trailing metadata (gRPC), names in lower case. */
  headers: Record<string, string>;
  /** The decoded body: JSON, text, or the GraphQL payload; undefined for gRPC. */
  body?: unknown;
}

/** The outcome of one call: the result in the contract's JSON, or the catalog code of the error. */
export type Outcome = ({ ok: true; value: unknown } | { ok: false; code: string; message: string }) & { exchange?: Exchange };

/** Calls any operation of any API version over one protocol, speaking contract JSON both ways. */
export interface Caller {
  protocol: 'rest' | 'graphql' | 'grpc';
  /** `token` undefined sends no credentials at all. */
  call(api: Api, operationId: string, input: OperationInput, token: string | undefined): Promise<Outcome>;
}

export function operationOf(api: Api, operationId: string): Operation {
  const operation = api.operations.find((candidate) => candidate.id === operationId);
  if (!operation) throw new Error(`${api.name} v${api.version} has no operation ${operationId}`);
  return operation;
}

/** The catalog code of a GraphQL `extensions.code` or a gRPC status, for implementations that do not send ours. */
export function catalogCodeOf(protocol: 'graphql' | 'grpc', value: string | number): string {
  if (protocol === 'graphql' && (value === 'GRAPHQL_VALIDATION_FAILED' || value === 'GRAPHQL_PARSE_FAILED')) return 'invalid_argument';
  for (const [code, entry] of Object.entries(errorCatalog) as Array<[ErrorCode, (typeof errorCatalog)[ErrorCode]]>) {
    if (protocol === 'graphql' ? entry.graphql === value : entry.grpc === value) return code;
  }
  return String(value);
}
