/**
 * Generated invalid requests: each case is a valid request with one thing broken, and the name the
 * rejection must carry (a JSON pointer for REST and gRPC, a field or variable name for GraphQL).
 */

/** A small deterministic generator, so a failing case can be found again. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(next: () => number, items: readonly T[]): T => items[Math.floor(next() * items.length)]!;

/** An object nested `depth` levels deep. */
export function deep(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let level = 0; level < depth; level += 1) value = { a: value };
  return value;
}

/** A value of the wrong shape for a field declared as `kind`. */
export function wrongValue(next: () => number, kind: 'string' | 'enum' | 'array' | 'integer' | 'object', maxLength = 1024): unknown {
  const huge = 'x'.repeat(maxLength + 1 + Math.floor(next() * 50_000));
  const byKind: Record<typeof kind, unknown[]> = {
    string: [12345, true, {}, [], deep(200 + Math.floor(next() * 3000)), huge, ['a', 'b']],
    enum: ['not_a_value', 7, '', 'ＦＥＭＡＬＥ', huge, {}],
    array: ['a string', 42, { not: 'a list' }, deep(500), [1, 2, 3]],
    integer: ['seven', 3.5, -1, 1e12, [], {}, true],
    object: ['text', 5, [], true],
  };
  return pick(next, byKind[kind]);
}

/** A valid study v2 registration body (the patient is made up). */
export const validRegistration = (): Record<string, unknown> => ({
  subjectIdentity: { issuer: 'urn:oid:2.999.7', patientId: 'HOSTILE-1', patientName: 'Test^Patient', birthDate: '1990-05-04', sex: 'female' },
  description: 'hostile input',
  modalities: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: 'XC' }],
});

/** Sets `value` at a path of keys inside a copy of `body`. */
export function withValue(body: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(body);
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[path.at(-1)!] = value;
  return copy;
}

/** Fields of a study v2 registration, by path, with the kind of value each takes. */
export const registrationFields: Array<{ path: string[]; kind: 'string' | 'enum' | 'array' | 'object'; maxLength?: number }> = [
  { path: ['description'], kind: 'string', maxLength: 1024 },
  { path: ['modalities'], kind: 'array' },
  { path: ['subjectIdentity'], kind: 'object' },
  { path: ['subjectIdentity', 'patientId'], kind: 'string', maxLength: 64 },
  { path: ['subjectIdentity', 'patientName'], kind: 'string', maxLength: 324 },
  { path: ['subjectIdentity', 'issuer'], kind: 'string', maxLength: 256 },
  { path: ['subjectIdentity', 'sex'], kind: 'enum' },
  { path: ['studyInstanceUid'], kind: 'string', maxLength: 64 },
];

/** Bytes that are not UTF-8, inside an otherwise well-formed JSON document. */
export function invalidUtf8Json(): Buffer {
  return Buffer.concat([Buffer.from('{"description":"'), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xa0, 0xa1]), Buffer.from('"}')]);
}

/** Broken JSON texts. */
export const malformedJson = ['{', '{"description": }', '{"a":1,}', '[1,2', '{"description":"unterminated', 'nul', '{"__proto__": {"x": 1}}', '\u0000', '{"a":"\\uZZZZ"}', ''];
