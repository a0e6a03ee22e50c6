import type { NamedType, Operation, TypeRef } from './ir.ts';

/**
 * Points every reference to a type that was never defined at JSON instead. That happens when a
 * component that refers to itself turns out not to be an object (an undiscriminated oneOf, an
 * allOf of non-objects): the references made while it was converted name a type that does not
 * exist. Returns the pointers of the fields and operations that were changed.
 */
export function replaceDanglingTypes(types: ReadonlyMap<string, NamedType>, operations: readonly Operation[]): string[] {
  const changed: string[] = [];
  const fix = (type: TypeRef, pointer: string): void => {
    if (type.kind === 'list' || type.kind === 'map') {
      fix(type.of, pointer);
      return;
    }
    if (type.kind !== 'named' || types.has(type.name)) return;
    // The reference may be shared by several places; it is changed in place, once for all.
    const replaced = type as unknown as { kind: string; shape?: string; name?: string };
    replaced.kind = 'json';
    replaced.shape = 'any';
    delete replaced.name;
    changed.push(pointer);
  };
  for (const type of types.values()) {
    if (type.kind === 'object') for (const field of type.fields) fix(field.type, field.pointer);
  }
  for (const operation of operations) {
    for (const parameter of operation.parameters) fix(parameter.type, parameter.pointer);
    if (operation.body?.kind === 'json') fix(operation.body.type, operation.pointer);
    if (operation.result.kind === 'json') fix(operation.result.type, operation.pointer);
    if (operation.result.kind === 'stream') fix(operation.result.item, operation.pointer);
  }
  return changed;
}
