/**
 * What an old gRPC client sends for a value it does not know it must send. proto3 has no required
 * fields: a field the client leaves out is absent from the message, and the gRPC binding fills in
 * a value for a required property of a body (`missingRequiredValue`), while a parameter stays
 * missing. Whether the call then fails depends on the contract's validation of that value, run
 * here with the server's own validator: refused, the change breaks old gRPC clients; accepted,
 * their calls go through with a value nobody chose.
 */
import type { Api, Field, TypeRef } from '../../compiler/ir.ts';
import { missingRequiredValue } from '../../runtime/grpc/convert.ts';
import { acceptsValueAt } from '../../runtime/validate.ts';

/**
 * The gRPC verdict of a request property that must now be sent, where it differs from the rule's:
 * dangerous, with why, when the value the binding fills in for an old client passes the validation.
 */
export function zeroValueJudgement(api: Api, field: Field): { verdict: 'dangerous'; reason: string } | undefined {
  const filled = missingRequiredValue(field);
  if (filled === undefined || !acceptsValueAt(api, field.pointer, filled)) return undefined;
  return {
    verdict: 'dangerous',
    reason: `an old gRPC client leaves it out, so the server takes the proto default ${JSON.stringify(filled)}, which the validation accepts: the call succeeds with a value nobody chose`,
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
