import type { Api, Field, ObjectType } from '../../ir.ts';
import type { TypeUsage } from '../../usage.ts';

/**
 * The name of each input twin: `XInput`, or `XInput2`... when a type of the document (or a name
 * the schema defines itself) already holds it. Contracts are checked to need no suffix.
 */
export function inputTypeNames(api: Api, usage: TypeUsage, reserved: readonly string[]): Map<string, string> {
  const taken = new Set([...api.types.map((type) => type.name), ...reserved]);
  const names = new Map<string, string>();
  for (const type of api.types) {
    if (type.kind === 'enum' || !usage.input.has(type.name)) continue;
    let candidate = `${type.name}Input`;
    for (let n = 2; taken.has(candidate); n += 1) candidate = `${type.name}Input${n}`;
    taken.add(candidate);
    names.set(type.name, candidate);
  }
  return names;
}

/**
 * The required fields that would make an input object require itself (`Node.parent: Node!`),
 * which GraphQL forbids: one field per cycle, found in document order, is printed as optional.
 */
export function relaxedInputFields(api: Api, usage: TypeUsage): Set<Field> {
  const objects = new Map<string, ObjectType>();
  for (const type of api.types) if (type.kind === 'object' && usage.input.has(type.name)) objects.set(type.name, type);
  const relaxed = new Set<Field>();
  const state = new Map<string, 'open' | 'done'>();
  const visit = (object: ObjectType): void => {
    state.set(object.name, 'open');
    for (const field of object.fields) {
      if (field.readOnly || !field.required || field.nullable || field.type.kind !== 'named') continue;
      const target = objects.get(field.type.name);
      if (!target) continue;
      const seen = state.get(target.name);
      if (seen === 'open') relaxed.add(field);
      else if (seen === undefined) visit(target);
    }
    state.set(object.name, 'done');
  };
  for (const object of objects.values()) if (!state.has(object.name)) visit(object);
  return relaxed;
}
