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
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
    let candidate = name;
    for (let n = 2; taken.has(candidate); n += 1) candidate = `${name}${n}`;
    taken.add(candidate);
    if (candidate !== name) renamed.push({ what, from: name, to: candidate, pointer: pointer ?? '' });
    return candidate;
  };
  for (const message of file.messages) if (message.role === undefined) taken.add(message.name);
  for (const protoEnum of file.enums) taken.add(protoEnum.name);
  const services = file.services.map((service) => ({ ...service, name: unique(service.name, 'the service', '') }));

  // Only an rpc's own request and response carry these names, so methods are rewired by name.
  const wrapperNames = new Map<string, string>();
  const messages: ProtoMessage[] = file.messages.map((message) => {
    if (message.role === undefined) return message;
    const name = unique(message.name, `the ${message.role} message`, message.pointer);
    if (name === message.name) return message;
    wrapperNames.set(message.name, name);
    return { ...message, name };
  });
  const enums = file.enums.map((protoEnum) => {
    let changed = false;
    const values = protoEnum.values.map((value) => {
      const name = unique(value.name, `the value of enum ${protoEnum.name}`, protoEnum.pointer);
      if (name === value.name) return value;
      changed = true;
      return { ...value, name };
    });
    return changed ? { ...protoEnum, values } : protoEnum;
  });
  // A signature may spell the message fully qualified (see qualifyShadowedTypes in transform.ts).
  const qualified = `.${file.package}.`;
  const rewire = (type: string): string => {
    const local = type.startsWith(qualified) ? type.slice(qualified.length) : type;
    const renamed = wrapperNames.get(local);
    return renamed === undefined ? type : type.startsWith(qualified) ? qualified + renamed : renamed;
  };
  const rewired = services.map((service) => ({
    ...service,
    methods: service.methods.map((method) => ({ ...method, input: rewire(method.input), output: rewire(method.output) })),
  }));
  return { file: { ...file, services: rewired, messages, enums }, renamed };
}
