import { createRequire } from 'node:module';
import type { Ajv2020, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type { Api, Operation } from '../compiler/ir.ts';
import { appendPointer, getAtPointer } from '../compiler/pointer.ts';
import type { FieldViolation } from './errors.ts';
import type { OperationInput } from './handler.ts';
import { unstorableText } from './storable-text.ts';

// Ajv is loaded on first use: the breaking-change gate imports this module for one check that
// most of its runs never make.
let ajvModules: { Ajv: typeof Ajv2020; addFormats: (ajv: Ajv2020) => void } | undefined;
function ajvClasses(): NonNullable<typeof ajvModules> {
  if (!ajvModules) {
    const require = createRequire(import.meta.url);
    const formats = require('ajv-formats') as { default: (ajv: Ajv2020) => void };
    ajvModules = { Ajv: (require('ajv/dist/2020.js') as { Ajv2020: typeof Ajv2020 }).Ajv2020, addFormats: formats.default };
  }
  return ajvModules;
}

/**
 * Validates an operation's input, in the contract's JSON shape, against the contract's JSON
 * Schema (2020-12). Every binding calls the same validator, so a pattern, range or length that
 * GraphQL and proto cannot express is enforced the same way in all three. Text that no database
 * can store (a NUL character, an unpaired surrogate) is refused here too, in parameters and bodies.
 * `annotate` checks formats as annotations only (what a request generated from the contract by
 * a 2020-12 tool may carry), for the conformance check that such requests are accepted.
 */
export function inputValidator(api: Api, operation: Operation, formats: 'assert' | 'annotate' = 'assert'): (input: OperationInput) => FieldViolation[] {
  const ajv = ajvFor(api, formats);
  const schema = inputSchema(api, operation);
  let validate: ValidateFunction | undefined;
  return (input) => {
    validate ??= ajv.compile(schema);
    // Unstorable text first: it is the reason a pattern or format at the same place fails too.
    const violations = (['path', 'query', 'header'] as const).flatMap((group) => unstorableText(input[group], `/${group}`));
    // A binary body is an upload stream, not text.
    if (operation.body?.kind === 'json') violations.push(...unstorableText(input.body, '/body'));
    if (!validate(input)) violations.push(...readable(validate.errors ?? []));
    return violations;
  };
}

// A value that fails its format fails the pattern describing that format too; the format says
// why in words, so the pattern's violation at the same place is left out.
function readable(errors: ErrorObject[]): FieldViolation[] {
  const misformatted = new Set(errors.filter((error) => error.keyword === 'format').map((error) => error.instancePath));
  return errors.filter((error) => error.keyword !== 'pattern' || !misformatted.has(error.instancePath)).map(toViolation);
}

const instances = { assert: new WeakMap<Api, Ajv2020>(), annotate: new WeakMap<Api, Ajv2020>() };

// One Ajv per API version, holding the contract's components under its own id. The server asserts
// formats; `annotate` reads them as JSON Schema 2020-12 does by default, as annotations only.
function ajvFor(api: Api, formats: 'assert' | 'annotate'): Ajv2020 {
  let ajv = instances[formats].get(api);
  if (!ajv) {
    const { Ajv, addFormats } = ajvClasses();
    ajv = new Ajv({ strict: false, allErrors: true, validateFormats: formats === 'assert' });
    addFormats(ajv);
    ajv.addSchema({ $id: contractId(api), components: (api.document as { components?: unknown }).components ?? {} });
    instances[formats].set(api, ajv);
  }
  return ajv;
}

const contractId = (api: Api): string => `urn:trident:contract:${api.name}:v${api.version}`;

/** Whether `value` passes the schema at `pointer` of the contract's document, as the server validates a request. */
export function acceptsValueAt(api: Api, pointer: string, value: unknown): boolean {
  return ajvFor(api, 'assert').validate(rebase(getAtPointer(api.document, pointer) ?? {}, contractId(api)) as object, value) === true;
}

/** The JSON Schema of `{path, query, header, body}` for one operation, refs pointing into the contract. */
export function inputSchema(api: Api, operation: Operation): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const group of ['path', 'query', 'header'] as const) {
    const parameters = operation.parameters.filter((parameter) => parameter.in === group);
    if (parameters.length === 0) continue;
    const groupProperties: Record<string, unknown> = {};
    for (const parameter of parameters) {
      const declared = getAtPointer(api.document, parameter.pointer) as { schema?: unknown; $ref?: string } | undefined;
      const resolved = declared?.$ref ? getAtPointer(api.document, declared.$ref.slice(1)) as { schema?: unknown } : declared;
      groupProperties[parameter.name] = rebase(resolved?.schema ?? {}, contractId(api));
    }
    properties[group] = {
      type: 'object',
      properties: groupProperties,
      required: parameters.filter((parameter) => parameter.required).map((parameter) => parameter.name),
    };
    required.push(group);
  }
  if (operation.body?.kind === 'json') {
    const mediaType = operation.body.mediaTypes[0] ?? 'application/json';
    const body = getAtPointer(api.document, appendPointer(operation.pointer, 'requestBody')) as { $ref?: string } | undefined;
    const bodyPointer = body?.$ref ? body.$ref.slice(1) : appendPointer(operation.pointer, 'requestBody');
    properties.body = rebase(getAtPointer(api.document, appendPointer(bodyPointer, 'content', mediaType, 'schema')) ?? {}, contractId(api));
    if (operation.body.required) required.push('body');
  }
  return { type: 'object', properties, required };
}

// Local `#/components/...` references become references into the contract's registered schema.
function rebase(schema: unknown, id: string): unknown {
  if (Array.isArray(schema)) return schema.map((item) => rebase(item, id));
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [key, key === '$ref' && typeof value === 'string' && value.startsWith('#') ? `${id}${value}` : rebase(value, id)]),
  );
}

function toViolation(error: ErrorObject): FieldViolation {
  const missing = error.keyword === 'required' ? (error.params as { missingProperty?: string }).missingProperty : undefined;
  const pointer = missing === undefined ? error.instancePath : appendPointer(error.instancePath, missing);
  const allowed = error.keyword === 'enum' ? `: ${((error.params as { allowedValues?: unknown[] }).allowedValues ?? []).map(String).join(', ')}` : '';
  return { pointer, message: `${error.message ?? 'is invalid'}${allowed}` };
}
