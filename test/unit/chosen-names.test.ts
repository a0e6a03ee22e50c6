import { describe, expect, it } from 'vitest';
import { compileContract, type CompiledContract } from '../../src/compiler/compile.ts';

const path = 'contracts/demo/v1/openapi.yaml';
const lockPath = 'contracts/demo/v1/proto.lock.json';

// A contract whose `sort` parameter lists `values`, and whose Scan has the properties given.
const contract = (values: string[], properties = '        sliceCount: { type: integer }\n'): string => `openapi: 3.1.0
info: { title: Demo, version: 1.0.0 }
paths:
  /scans:
    get:
      operationId: listScans
      parameters:
        - name: sort
          in: query
          schema: { type: string, enum: [${values.map((value) => `'${value}'`).join(', ')}] }
      responses:
        '200':
          description: The scans.
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Scan' }
components:
  schemas:
    Scan:
      type: object
      properties:
${properties}`;

function compile(text: string, lock?: string): Promise<CompiledContract> {
  const files = new Map([[path, text], ...(lock !== undefined ? [[lockPath, lock] as const] : [])]);
  return compileContract(path, (file) => files.get(file), { name: 'demo', version: 1 }, { outputs: ['proto', 'graphql'] });
}

const protoOf = (compiled: CompiledContract): string => compiled.files.get('proto/trident/demo/v1/demo.proto') ?? '';
const sortValues = (compiled: CompiledContract): string[] => [...protoOf(compiled).matchAll(/ {2}(LIST_SCANS_SORT_\w+) = (\d+);/g)].map((match) => `${match[1]}=${match[2]}`);
const codes = (compiled: CompiledContract): string[] => compiled.diagnostics.map((entry) => `${entry.severity} ${entry.code}`);

describe('names chosen where derived ones clash', () => {
  it('a contract with `created_at` and `-created_at` compiles with a warning, and the lock keeps the names chosen', async () => {
    const first = await compile(contract(['created_at', '-created_at']));
    expect(codes(first)).toEqual(['warning name-renamed']);
    expect(sortValues(first)).toEqual(['LIST_SCANS_SORT_UNSPECIFIED=0', 'LIST_SCANS_SORT_CREATED_AT=1', 'LIST_SCANS_SORT_CREATED_AT_2=2']);
    expect(JSON.parse(first.lock?.text ?? '{}').names).toEqual({ ListScansSort: { '-created_at': { graphql: 'CREATED_AT_2', proto: 'CREATED_AT_2' } } });

    // Reordered: without the lock the first value would take CREATED_AT, and with it number 1.
    const reordered = contract(['-created_at', 'created_at']);
    expect(sortValues(await compile(reordered))).toEqual(['LIST_SCANS_SORT_UNSPECIFIED=0', 'LIST_SCANS_SORT_CREATED_AT=1', 'LIST_SCANS_SORT_CREATED_AT_2=2']);
    const kept = await compile(reordered, first.lock?.text);
    expect(codes(kept)).toEqual([]);
    expect(protoOf(kept)).toMatch(/\/\/ "-created_at"\n {2}LIST_SCANS_SORT_CREATED_AT_2 = 2;\n {2}\/\/ "created_at"\n {2}LIST_SCANS_SORT_CREATED_AT = 1;/);
    expect(kept.lock?.text).toBe(first.lock?.text);

    // `created_at` removed: `-created_at` keeps its name and number rather than take the freed name.
    const removed = await compile(contract(['-created_at', 'name']), first.lock?.text);
    expect(sortValues(removed)).toEqual(['LIST_SCANS_SORT_UNSPECIFIED=0', 'LIST_SCANS_SORT_CREATED_AT_2=2', 'LIST_SCANS_SORT_NAME=3']);
    expect(protoOf(removed)).toContain('reserved "LIST_SCANS_SORT_CREATED_AT";');
  });

  it('x-enum-varnames names the values in GraphQL and proto', async () => {
    const text = contract(['created_at', '-created_at']).replace("enum: ['created_at', '-created_at'] }", "enum: ['created_at', '-created_at'], x-enum-varnames: [oldestFirst, NEWEST_FIRST] }");
    const compiled = await compile(text);
    expect(codes(compiled)).toEqual([]);
    expect(sortValues(compiled)).toEqual(['LIST_SCANS_SORT_UNSPECIFIED=0', 'LIST_SCANS_SORT_OLDEST_FIRST=1', 'LIST_SCANS_SORT_NEWEST_FIRST=2']);
    expect(compiled.files.get('graphql/demo/v1/schema.graphql')).toMatch(/enum ListScansSort \{\n {2}OLDEST_FIRST\n {2}NEWEST_FIRST\n\}/);
    expect(JSON.parse(compiled.lock?.text ?? '{}').names).toBeUndefined();
  });

  it('names the contract gives wrongly are errors with their place', async () => {
    const short = await compile(contract(['a', 'b']).replace("enum: ['a', 'b'] }", 'enum: [a, b], x-enum-varnames: [A] }'));
    expect(short.diagnostics.map((entry) => [entry.code, entry.pointer])).toEqual([['extension-invalid', '/paths/~1scans/get/parameters/0/schema/x-enum-varnames']]);
    const twice = await compile(contract(['a', 'b']).replace("enum: ['a', 'b'] }", 'enum: [a, b], x-enum-varnames: [SAME, same] }'));
    expect(twice.diagnostics.map((entry) => [entry.code, entry.message])).toEqual([['name-collision', "enum values 'a' and 'b' are both named 'SAME' in GraphQL and proto"]]);
    const graphql = await compile(contract(['a'], "        count: { type: integer, x-graphql-name: '__count' }\n"));
    expect(graphql.diagnostics.map((entry) => [entry.code, entry.pointer])).toEqual([['extension-invalid', '/components/schemas/Scan/properties/count/x-graphql-name']]);
  });

  it('a property renamed with its old proto number pinned compiles and keeps the number', async () => {
    const first = await compile(contract(['a'], '        id: { type: string }\n        sliceCount: { type: integer }\n'));
    expect(protoOf(first)).toContain('optional int64 slice_count = 2;');
    const renamed = await compile(contract(['a'], '        id: { type: string }\n        slices: { type: integer, x-proto-number: 2 }\n'), first.lock?.text);
    expect(codes(renamed)).toEqual(['info proto-number-rebound']);
    expect(renamed.diagnostics[0]?.message).toBe("Scan.slices takes number 2 from 'slice_count', which left Scan");
    expect(protoOf(renamed)).toContain('optional int64 slices = 2;');
    expect(protoOf(renamed)).not.toContain('reserved');
  });
});
