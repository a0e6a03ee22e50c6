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
  const visit = (type: TypeRef, found: Set<string>, skip: (field: { readOnly: boolean; writeOnly: boolean }) => boolean): void => {
    if (type.kind === 'list' || type.kind === 'map') return visit(type.of, found, skip);
    if (type.kind !== 'named' || found.has(type.name)) return;
    const target: NamedType | undefined = byName.get(type.name);
    if (!target || target.kind === 'enum') return;
    found.add(type.name);
    if (target.kind === 'object') for (const field of target.fields) if (!skip(field)) visit(field.type, found, skip);
    if (target.kind === 'union') for (const variant of target.variants) visit({ kind: 'named', name: variant.type }, found, skip);
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
