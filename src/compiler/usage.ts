import type { Api, NamedType, TypeRef } from './ir.ts';

/**
 * Which named types a contract uses as input (parameters, request bodies) and which as output
 * (results, stream items). GraphQL needs an `XInput` twin only for the first, and prints an
 * object type only for the second (or for a component used nowhere, as documentation).
 */
export interface TypeUsage {
  input: ReadonlySet<string>;
  output: ReadonlySet<string>;
  /**
   * The object and union types GraphQL prints as output types: those used as output, those used
   * nowhere (as documentation), and everything those refer to.
   */
  printedOutput?: ReadonlySet<string>;
}

export function typeUsage(api: Api): TypeUsage {
  const byName = new Map(api.types.map((type) => [type.name, type]));
  const input = new Set<string>();
  const output = new Set<string>();
  // Depth first, in order, with a stack of its own: a chain of types may be thousands long.
  const visit = (start: TypeRef, found: Set<string>, skip: (field: { readOnly: boolean; writeOnly: boolean }) => boolean): void => {
    const pending: TypeRef[] = [start];
    for (let type = pending.pop(); type !== undefined; type = pending.pop()) {
      while (type.kind === 'list' || type.kind === 'map') type = type.of;
      if (type.kind !== 'named' || found.has(type.name)) continue;
      const target: NamedType | undefined = byName.get(type.name);
      if (!target || target.kind === 'enum') continue;
      found.add(type.name);
      const next: TypeRef[] = [];
      if (target.kind === 'object') for (const field of target.fields) if (!skip(field)) next.push(field.type);
      if (target.kind === 'union') for (const variant of target.variants) next.push({ kind: 'named', name: variant.type });
      for (let index = next.length - 1; index >= 0; index -= 1) pending.push(next[index] as TypeRef);
    }
  };
  const asInput = (type: TypeRef): void => visit(type, input, (field) => field.readOnly);
  const asOutput = (type: TypeRef): void => visit(type, output, (field) => field.writeOnly);
  for (const operation of api.operations) {
    for (const parameter of operation.parameters) asInput(parameter.type);
    if (operation.body?.kind === 'json') asInput(operation.body.type);
    if (operation.result.kind === 'json') asOutput(operation.result.type);
    if (operation.result.kind === 'stream') asOutput(operation.result.item);
  }
  const printedOutput = new Set<string>();
  for (const type of api.types) {
    if (output.has(type.name) || !input.has(type.name)) asOutputFrom(type.name);
  }
  function asOutputFrom(name: string): void {
    visit({ kind: 'named', name }, printedOutput, (field) => field.writeOnly);
  }
  return { input, output, printedOutput };
}

/** Whether GraphQL prints the output object type of `name`. */
export function printsOutputType(usage: TypeUsage, name: string): boolean {
  if (usage.printedOutput) return usage.printedOutput.has(name) || usage.output.has(name) || !usage.input.has(name);
  return usage.output.has(name) || !usage.input.has(name);
}
