import type { ProtoFile, ProtoMessage } from './ast.ts';

/** A proto name that had to change, and the contract node it came from. */
export interface ProtoRename {
  what: string;
  from: string;
  to: string;
  pointer: string;
}

/**
 * Makes every name of a foreign document's proto package unique. Proto has one namespace for the
 * messages, enums, services and (C++ scoping) enum values of a package, so a schema called
 * `GetPetRequest` meets the request message of `getPet`, and enum `Foo` value `BAR_BAZ` meets enum
 * `FooBar` value `BAZ`. The document's own types keep their names; the generated request and
 * response messages, the service and later enum values get a numeric suffix.
 */
export function resolveProtoClashes(file: ProtoFile): { file: ProtoFile; renamed: ProtoRename[] } {
  const taken = new Set<string>();
  const renamed: ProtoRename[] = [];
  const unique = (name: string, what: string, pointer: string | undefined): string => {
    let candidate = name;
    for (let n = 2; taken.has(candidate); n += 1) candidate = `${name}${n}`;
    taken.add(candidate);
    if (candidate !== name) renamed.push({ what, from: name, to: candidate, pointer: pointer ?? '' });
    return candidate;
  };
  const wrappers = new Set(file.services.flatMap((service) => service.methods.flatMap((method) => [method.input, method.output])));
  for (const message of file.messages) if (!wrappers.has(message.name)) taken.add(message.name);
  for (const protoEnum of file.enums) taken.add(protoEnum.name);
  const services = file.services.map((service) => ({ ...service, name: unique(service.name, 'the service', '') }));

  const wrapperNames = new Map<string, string>();
  const messages: ProtoMessage[] = file.messages.map((message) => {
    if (!wrappers.has(message.name)) return message;
    const name = unique(message.name, 'the message', message.pointer);
    wrapperNames.set(message.name, name);
    return { ...message, name };
  });
  const enums = file.enums.map((protoEnum) => ({
    ...protoEnum,
    values: protoEnum.values.map((value) => ({ ...value, name: unique(value.name, `a value of enum ${protoEnum.name}`, protoEnum.pointer) })),
  }));
  const rewired = services.map((service) => ({
    ...service,
    methods: service.methods.map((method) => ({
      ...method,
      input: wrapperNames.get(method.input) ?? method.input,
      output: wrapperNames.get(method.output) ?? method.output,
    })),
  }));
  return { file: { ...file, services: rewired, messages, enums }, renamed };
}
