import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Api, Operation } from '../compiler/ir.ts';
import { appendPointer, getAtPointer } from '../compiler/pointer.ts';
import { projectToSchema } from '../runtime/project.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

/** A response of the contract: its declared headers and the schema of each media type. */
export interface DeclaredResponse {
  status: string;
  headers: Record<string, { required: boolean; schema: unknown }>;
  content: Record<string, unknown>;
}

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The contract's JSON Schema (2020-12) as an oracle for responses. It has its own Ajv instance, so a
 * fault in the runtime's input validator is not shared by the checks that judge the runtime.
 */
export class ContractSchemas {
  readonly api: Api;
  private readonly ajv: Ajv2020;
  private readonly id: string;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(api: Api) {
    this.api = api;
    this.id = `urn:trident:conformance:${api.name}:v${api.version}`;
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: this.id, components: (api.document as { components?: unknown }).components ?? {} });
  }

  /** Follows local `$ref`s (bounded) to the node they name. */
  resolve(node: unknown): unknown {
    let current = node;
    for (let hops = 0; hops < 16 && isNode(current) && typeof current.$ref === 'string' && current.$ref.startsWith('#'); hops += 1) {
      current = getAtPointer(this.api.document, current.$ref.slice(1));
    }
    return current;
  }

  /** The responses an operation declares, keyed by status (`200`, `4XX`, `default`). */
  responses(operation: Operation): Map<string, DeclaredResponse> {
    const declared = this.resolve(getAtPointer(this.api.document, appendPointer(operation.pointer, 'responses')));
    const out = new Map<string, DeclaredResponse>();
    if (!isNode(declared)) return out;
    for (const [status, raw] of Object.entries(declared)) {
      const response = this.resolve(raw);
      if (!isNode(response)) continue;
      const headers: DeclaredResponse['headers'] = {};
      for (const [name, header] of Object.entries(isNode(response.headers) ? response.headers : {})) {
        const resolved = this.resolve(header);
        if (isNode(resolved)) headers[name] = { required: resolved.required === true, schema: resolved.schema ?? {} };
      }
      const content: Record<string, unknown> = {};
      for (const [type, media] of Object.entries(isNode(response.content) ? response.content : {})) content[type] = isNode(media) ? (media.schema ?? {}) : {};
      out.set(status, { status, headers, content });
    }
    return out;
  }

  /** The declared response for an HTTP status: exact, then `4XX`, then `default`. */
  responseFor(operation: Operation, status: number): DeclaredResponse | undefined {
    const responses = this.responses(operation);
    return responses.get(String(status)) ?? responses.get(`${String(status)[0]}XX`) ?? responses.get('default');
  }

  /** Validation errors of `value` against `schema` (refs into the contract), as short sentences. */
  validate(schema: unknown, value: unknown): string[] {
    const key = JSON.stringify(schema);
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(rebase(schema, this.id) as object);
      this.compiled.set(key, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).slice(0, 5).map((error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}${error.keyword === 'enum' ? ` (${JSON.stringify(error.params)})` : ''}`);
  }

  /** Properties of `value` that `schema` does not declare, as JSON pointers. */
  undeclared(schema: unknown, value: unknown): string[] {
    const kept = projectToSchema(value, schema, this.api.document);
    const found: string[] = [];
    diffKeys(value, kept, '', found);
    return found;
  }
}

function diffKeys(full: unknown, kept: unknown, pointer: string, found: string[]): void {
  if (found.length >= 10) return;
  if (Array.isArray(full) && Array.isArray(kept)) {
    full.forEach((item, index) => diffKeys(item, kept[index], `${pointer}/${index}`, found));
    return;
  }
  if (!isNode(full) || !isNode(kept)) return;
  for (const [key, item] of Object.entries(full)) {
    if (!(key in kept)) found.push(`${pointer}/${key}`);
    else diffKeys(item, kept[key], `${pointer}/${key}`, found);
  }
}

function rebase(schema: unknown, id: string): unknown {
  if (Array.isArray(schema)) return schema.map((item) => rebase(item, id));
  if (!isNode(schema)) return schema;
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, key === '$ref' && typeof value === 'string' && value.startsWith('#') ? `${id}${value}` : rebase(value, id)]));
}
