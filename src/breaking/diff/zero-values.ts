/**
 * What an old gRPC client sends for a value it does not know it must send. proto3 has no required
 * fields: a field the client leaves out is absent from the message, and the gRPC binding fills the
 * proto zero value into the contract's JSON for a required property of a body (`""`, `0`, `false`,
 * `[]`; src/runtime/grpc/convert.ts), while a parameter stays absent. Whether the call then fails
 * depends on the contract's validation of that zero value: refused, the change breaks old gRPC
 * clients; accepted, their calls go through with a value nobody chose.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Api, TypeRef } from '../../compiler/ir.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

/** Where the value goes: a property of a request body, or a parameter. */
export type ZeroPlace = 'property' | 'parameter';

/** The value the server takes for a missing one, or undefined where it stays missing. */
export function grpcZeroValue(type: TypeRef, place: ZeroPlace): unknown {
  if (place === 'parameter') return undefined;
  if (type.kind === 'list') return [];
  if (type.kind !== 'scalar') return undefined;
  switch (type.scalar) {
    case 'boolean':
      return false;
    case 'int32':
    case 'int64':
    case 'float':
    case 'double':
      return 0;
    case 'string':
    case 'date':
    case 'bytes':
      return '';
    case 'datetime':
      return undefined;
  }
}

let ajv: Ajv2020 | undefined;

/** Whether `value` passes `schema` as the server validates requests (formats asserted). */
export function acceptsValue(schema: Record<string, unknown>, value: unknown): boolean {
  ajv ??= (() => {
    const instance = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
    addFormats(instance);
    return instance;
  })();
  try {
    return ajv.validate(schema, value) === true;
  } catch {
    // A schema the validator cannot take on its own (a reference it cannot follow): assume refused.
    return false;
  }
}

/**
 * The gRPC verdict of a newly required value, where it differs from the rule's: dangerous, with
 * why, when the zero value an old client sends passes the validation.
 */
export function zeroValueJudgement(type: TypeRef, place: ZeroPlace, schema: Record<string, unknown>): { verdict: 'dangerous'; reason: string } | undefined {
  const zero = grpcZeroValue(type, place);
  if (zero === undefined || !acceptsValue(schema, zero)) return undefined;
  return {
    verdict: 'dangerous',
    reason: `an old gRPC client leaves it out, so the server takes the proto default ${JSON.stringify(zero)}, which the validation accepts: the call succeeds with a value nobody chose`,
  };
}

/**
 * Whether a property is the discriminator of every union that has its object as a variant, and
 * the object is reached only through such unions: the gRPC binding then sets it from the oneof
 * case the client chose, so an old client never leaves it unset.
 */
export function setFromOneof(api: Api, objectName: string, property: string): boolean {
  const unions = api.types.filter((type) => type.kind === 'union' && type.variants.some((variant) => variant.type === objectName));
  if (unions.length === 0 || unions.some((union) => union.kind === 'union' && union.discriminator !== property)) return false;
  const names = (type: TypeRef): boolean => (type.kind === 'named' ? type.name === objectName : type.kind === 'list' || type.kind === 'map' ? names(type.of) : false);
  for (const type of api.types) if (type.kind === 'object' && type.fields.some((field) => names(field.type))) return false;
  for (const operation of api.operations) {
    if (operation.parameters.some((parameter) => names(parameter.type))) return false;
    if (operation.body?.kind === 'json' && names(operation.body.type)) return false;
    if (operation.result.kind === 'json' && names(operation.result.type)) return false;
    if (operation.result.kind === 'stream' && names(operation.result.item)) return false;
  }
  return true;
}
