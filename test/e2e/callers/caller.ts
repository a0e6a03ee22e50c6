import type { Api, Operation } from '../../../src/compiler/ir.ts';
import type { OperationInput } from '../../../src/runtime/handler.ts';

/** The outcome of one call: the result in the contract's JSON, or the catalog code of the error. */
export type Outcome = { ok: true; value: unknown } | { ok: false; code: string; message: string };

/** Calls any operation of any API version over one protocol, speaking contract JSON both ways. */
export interface Caller {
  protocol: 'rest' | 'graphql' | 'grpc';
  call(api: Api, operationId: string, input: OperationInput, token: string): Promise<Outcome>;
}

export function operationOf(api: Api, operationId: string): Operation {
  const operation = api.operations.find((candidate) => candidate.id === operationId);
  if (!operation) throw new Error(`${api.name} v${api.version} has no operation ${operationId}`);
  return operation;
}
