import { describe, expect, it } from 'vitest';
import { diffContracts } from '../../src/breaking/diff.ts';
import { judge } from '../../src/breaking/policy.ts';
import { isBroken, readSide, type ContractSide } from '../../src/breaking/side.ts';
import { setFromOneof } from '../../src/breaking/diff/zero-values.ts';
import type { Api, TypeRef } from '../../src/compiler/ir.ts';
import { writeLock } from '../../src/compiler/lock.ts';
import { missingRequiredValue, ProtoShapes } from '../../src/runtime/grpc/convert.ts';
import { grpcInput } from '../../src/runtime/grpc/handler-factory.ts';
import { acceptsValueAt, inputValidator } from '../../src/runtime/validate.ts';

// A contract whose createItem gains required values: some whose proto zero value the validation
// accepts (a plain string, an unbounded integer, a boolean) and some it refuses.
const contract = (required: boolean): string => `openapi: 3.1.0
info: { title: Items, version: 1.0.0 }
paths:
  /items:
    post:
      operationId: createItem
      parameters:
        - { name: dryRun, in: query, required: ${required}, schema: { type: boolean } }
        - { name: page, in: query, required: ${required}, schema: { type: integer, format: int32, minimum: 1 } }
        - { name: owner, in: query, required: ${required}, schema: { type: string } }
      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: '#/components/schemas/NewItem' }
      responses:
        '200':
          description: The item.
          content:
            application/json:
              schema: { $ref: '#/components/schemas/NewItem' }
components:
  schemas:
    NewItem:
      type: object
      required: [label${required ? ', note, count, code, tags' : ''}]
      properties:
        label: { type: string }
        note: { type: string }
        count: { type: integer, format: int32 }
        code: { type: string, minLength: 3 }
        tags: { type: array, items: { type: string }, minItems: 1 }
`;

async function compile(text: string, side: 'base' | 'revision', lock?: string): Promise<ContractSide> {
  const files = new Map<string, string>([['openapi.yaml', text], ...(lock !== undefined ? [['proto.lock.json', lock] as const] : [])]);
  const compiled = await readSide('openapi.yaml', (path) => files.get(path), { name: 'items', version: 1 }, side, { outputs: [] });
  if (isBroken(compiled)) throw new Error(compiled.diagnostics.map((entry) => entry.message).join('\n'));
  return compiled;
}

describe('required values and what an old gRPC client sends instead', () => {
  // The gate's gRPC verdict rests on what the binding does with a field a client leaves out.
  it('the server fills the proto zero values, and the shared validation judges them', async () => {
    const revision = await compile(contract(true), 'revision');
    const operation = revision.api.operations[0]!;
    // An old client knows none of the new fields: its message has only the label.
    const input = grpcInput(operation, new ProtoShapes(revision.api))({ body: { label: 'x' } });
    expect(input.body).toEqual({ label: 'x', note: '', count: 0, code: '', tags: [] });
    // Parameters are not filled: one the client leaves out is missing.
    expect(input.query ?? {}).toEqual({});
    const pointers = inputValidator(revision.api, operation)(input).map((violation) => violation.pointer).sort();
    expect(pointers).toEqual(['/body/code', '/body/tags', '/query/dryRun', '/query/owner', '/query/page']);
  });

  it('the gate calls a newly required value dangerous for gRPC where that zero value passes, breaking where it does not', async () => {
    const base = await compile(contract(false), 'base');
    const revision = await compile(contract(true), 'revision', writeLock(base.lock));
    const findings = judge(diffContracts(base, revision), 'gate', [], '2026-06-01');
    const required = findings.filter((finding) => /^(request|parameter)-.*-required$/.test(finding.rule));
    const grpc = Object.fromEntries(required.map((finding) => [finding.subject, `${finding.verdicts['grpc-wire']}/${finding.verdicts['grpc-json']}`]));
    expect(grpc).toEqual({
      'createItem(dryRun)': 'breaking/breaking',
      'createItem(page)': 'breaking/breaking',
      'createItem(owner)': 'breaking/breaking',
      'NewItem.note': 'dangerous/dangerous',
      'NewItem.count': 'dangerous/dangerous',
      'NewItem.code': 'breaking/breaking',
      'NewItem.tags': 'breaking/breaking',
    });
    // REST, GraphQL and TypeScript clients that leave the value out are refused either way.
    for (const finding of required) expect(finding.verdicts['rest-json']).toBe('breaking');
    expect(findings.find((finding) => finding.subject === 'NewItem.note')?.grpc?.reason).toMatch(/proto default "", which the validation accepts/);
  });

  it('fills the proto default of a scalar, an empty list or null, and leaves the rest missing', async () => {
    const value = (type: TypeRef, nullable = false): unknown => missingRequiredValue({ type, nullable });
    expect(value({ kind: 'scalar', scalar: 'string' })).toBe('');
    expect(value({ kind: 'scalar', scalar: 'double' })).toBe(0);
    expect(value({ kind: 'scalar', scalar: 'boolean' })).toBe(false);
    expect(value({ kind: 'list', of: { kind: 'scalar', scalar: 'string' } })).toEqual([]);
    expect(value({ kind: 'scalar', scalar: 'string' }, true)).toBeNull();
    expect(value({ kind: 'scalar', scalar: 'datetime' })).toBeUndefined();
    expect(value({ kind: 'named', name: 'Status' })).toBeUndefined();
    // The server's validator judges it, references into the contract included.
    const revision = await compile(contract(true), 'revision');
    const at = (name: string): string => `/components/schemas/NewItem/properties/${name}`;
    expect([acceptsValueAt(revision.api, at('note'), ''), acceptsValueAt(revision.api, at('code'), ''), acceptsValueAt(revision.api, at('count'), 0)]).toEqual([true, false, true]);
    expect(acceptsValueAt(revision.api, '/components/schemas/NewItem', { label: 'x' })).toBe(false);
  });

  it('knows a union\'s discriminator is set from the oneof case, where the object is reached only through the union', () => {
    const documented = { deprecated: false, pointer: '' };
    const circle = { ...documented, kind: 'object' as const, name: 'Circle', fields: [] };
    const shape = { ...documented, kind: 'union' as const, name: 'Shape', discriminator: 'kind', variants: [{ tag: 'circle', type: 'Circle' }] };
    const api = (extra: Api['types']): Api => ({ name: 'x', version: 1, title: 'X', infoVersion: '1', types: [circle, shape, ...extra], operations: [], document: {} });
    expect(setFromOneof(api([]), 'Circle', 'kind')).toBe(true);
    expect(setFromOneof(api([]), 'Circle', 'radius')).toBe(false);
    // Also held by a property of its own: there the binding does not set it.
    const holder = { ...documented, kind: 'object' as const, name: 'Holder', fields: [{ ...documented, name: 'circle', type: { kind: 'named' as const, name: 'Circle' }, required: true, nullable: false, readOnly: false, writeOnly: false, sensitive: false }] };
    expect(setFromOneof(api([holder]), 'Circle', 'kind')).toBe(false);
  });
});
