import { describe, expect, it } from 'vitest';
import { compileContract } from '../../src/compiler/compile.ts';
import { formatDiagnostic, sourceWindow } from '../../src/compiler/diagnostics.ts';

// Compiles in-memory files; `openapi.yaml` is the contract.
async function compile(files: Record<string, string>) {
  const result = await compileContract('openapi.yaml', (path) => files[path], { name: 'demo', version: 1 });
  return {
    ...result,
    summary: result.diagnostics.map((entry) => ({ code: entry.code, severity: entry.severity, message: entry.message, at: `${entry.file}:${entry.line}:${entry.col}`, pointer: entry.pointer })),
  };
}

const contract = (paths: string, schemas = '    Thing:\n      type: object\n      properties:\n        id: { type: string }\n') =>
  `openapi: 3.1.0\ninfo:\n  title: Demo\n  version: 1.0.0\npaths:\n${paths}components:\n  schemas:\n${schemas}`;

const getThing = (operationId = 'getThing', path = '/things', ref = '#/components/schemas/Thing') =>
  `  ${path}:\n    get:\n${operationId ? `      operationId: ${operationId}\n` : ''}      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: '${ref}'\n`;

describe('contract diagnostics', () => {
  it('a $ref to nothing: code, place, and a hint naming the close match', async () => {
    const result = await compile({ 'openapi.yaml': contract(getThing('getThing', '/things', '#/components/schemas/Thng')) });
    expect(result.summary).toEqual([{
      code: 'ref-unresolved',
      severity: 'error',
      message: "$ref '#/components/schemas/Thng' points to nothing",
      at: 'openapi.yaml:15:17',
      pointer: '/paths/~1things/get/responses/200/content/application~1json/schema/$ref',
    }]);
    expect(result.diagnostics[0]?.hint).toBe("did you mean 'Thing'?");
    expect(result.files.size).toBe(0);
  });

  it('a $ref into a file that does not exist', async () => {
    const result = await compile({ 'openapi.yaml': contract(getThing('getThing', '/things', './common.yaml#/components/schemas/Thing')) });
    expect(result.summary.map((entry) => [entry.code, entry.message, entry.at])).toEqual([['file-unreadable', "cannot read 'common.yaml' (the target of $ref './common.yaml#/components/schemas/Thing')", 'openapi.yaml:15:17']]);
  });

  it('a missing operationId, with a suggested name', async () => {
    const result = await compile({ 'openapi.yaml': contract(getThing('', '/things/parts')) });
    expect(result.summary.map((entry) => [entry.code, entry.message, entry.at])).toEqual([['operation-id-missing', 'GET /things/parts has no operationId', 'openapi.yaml:7:5']]);
    expect(result.diagnostics[0]?.hint).toBe('add `operationId: getThingsParts` (or another unique camelCase name)');
  });

  it('duplicate operationIds point at the second and name the first', async () => {
    const result = await compile({ 'openapi.yaml': contract(getThing('getThing', '/a') + getThing('getThing', '/b')) });
    expect(result.summary.map((entry) => [entry.code, entry.message, entry.at])).toEqual([
      ['operation-id-duplicate', "operationId 'getThing' is already used at openapi.yaml:8:7", 'openapi.yaml:18:7'],
    ]);
  });

  it('a construct with no clean mapping is a warning naming the fallback, and output is still written', async () => {
    const schemas = '    Thing:\n      type: object\n      properties:\n        value:\n          anyOf:\n            - { type: string }\n            - { type: integer }\n';
    const result = await compile({ 'openapi.yaml': contract(getThing(), schemas) });
    expect(result.summary).toEqual([{
      code: 'no-clean-mapping',
      severity: 'warning',
      message: 'anyOf without a discriminator has no clean mapping; using a JSON scalar in GraphQL and google.protobuf.Value in proto',
      at: 'openapi.yaml:21:9',
      pointer: '/components/schemas/Thing/properties/value',
    }]);
    expect(result.files.get('graphql/demo/v1/schema.graphql')).toContain('value: JSON');
    expect(result.files.get('proto/trident/demo/v1/demo.proto')).toContain('google.protobuf.Value value = 1;');
  });

  it('a lock that gives one number to two fields', async () => {
    const lock = '{\n  "messages": {\n    "Thing": { "numbers": { "id": 1, "name": 1 }, "reserved": {} }\n  },\n  "enums": {}\n}\n';
    const result = await compile({ 'openapi.yaml': contract(getThing()), 'proto.lock.json': lock });
    expect(result.summary.map((entry) => [entry.code, entry.message, entry.at])).toEqual([
      ['lock-collision', "number 1 is locked to both 'id' and 'name'", 'proto.lock.json:3:38'],
    ]);
    expect(result.files.size).toBe(0);
  });

  it('invalid YAML, at the line and column of the mistake, with the source line and a caret', async () => {
    const text = 'openapi: 3.1.0\ninfo:\n  title: Demo\n version: 1.0.0\npaths: {}\n';
    const result = await compile({ 'openapi.yaml': text });
    expect(result.summary.map((entry) => [entry.code, entry.at])).toEqual([['yaml-invalid', 'openapi.yaml:4:2']]);
    expect(formatDiagnostic(result.diagnostics[0]!, text)).toBe(
      [
        'openapi.yaml:4:2 error yaml-invalid: All mapping items must start at the same column',
        '  at #',
        '  4 |  version: 1.0.0',
        '    |  ^',
        '  hint: indent with spaces so that the entries of one mapping start in the same column',
      ].join('\n'),
    );
  });

  it('a duplicate key is invalid YAML', async () => {
    const result = await compile({ 'openapi.yaml': 'openapi: 3.1.0\ninfo:\n  title: A\n  title: B\n  version: 1.0.0\npaths: {}\n' });
    expect(result.summary.map((entry) => [entry.code, entry.message, entry.at])).toEqual([['yaml-invalid', "key 'title' appears twice in the same mapping", 'openapi.yaml:4:3']]);
  });

  it('an OpenAPI specification error from @readme/openapi-parser', async () => {
    const result = await compile({ 'openapi.yaml': 'openapi: 3.1.0\ninfo:\n  title: Demo\npaths: {}\n' });
    expect(result.summary.map((entry) => entry.code)).toEqual(['openapi-invalid']);
    expect(result.summary[0]?.message).toMatch(/version/);
  });

  it('a Swagger 2.0 document', async () => {
    const result = await compile({ 'openapi.yaml': "swagger: '2.0'\ninfo:\n  title: Demo\n  version: 1.0.0\npaths: {}\n" });
    expect(result.summary.map((entry) => [entry.code, entry.message])).toEqual([['openapi-version-unsupported', 'expected OpenAPI 3.0 or 3.1, found swagger: 2.0']]);
  });
});

describe('specification errors point at the operation they name', () => {
  it('a path parameter that is not declared', async () => {
    const result = await compile({ 'openapi.yaml': contract(getThing('getThing', '/things/{id}')) });
    expect(result.summary.map((entry) => [entry.code, entry.at, entry.pointer])).toEqual([
      ['openapi-invalid', 'openapi.yaml:7:5', '/paths/~1things~1{id}/get'],
    ]);
    expect(result.summary[0]?.message).toContain('missing path parameter');
  });
});

describe('names that would clash in the generated layers', () => {
  const schemaWith = (extra: string) => contract(
    "  /things:\n    post:\n      operationId: createThing\n      requestBody:\n        required: true\n        content:\n          application/json:\n            schema: { $ref: '#/components/schemas/Thing' }\n      responses:\n        '204': { description: done }\n",
    `    Thing:\n      type: object\n      properties:\n        id: { type: string }\n${extra}`,
  );
  it('a schema named like the GraphQL input twin of another', async () => {
    const result = await compile({ 'openapi.yaml': schemaWith('    ThingInput:\n      type: object\n      properties:\n        a: { type: string }\n') });
    expect(result.summary.map((entry) => [entry.code, entry.message])).toEqual([
      ['name-collision', "'ThingInput' is the name GraphQL gives the input form of 'Thing'"],
    ]);
  });
  it('a schema named like the gRPC service', async () => {
    const result = await compile({ 'openapi.yaml': schemaWith('    DemoService:\n      type: object\n      properties:\n        a: { type: string }\n') });
    expect(result.summary.map((entry) => [entry.code, entry.message])).toEqual([
      ['name-collision', "the name 'DemoService' is defined twice in proto package trident.demo.v1"],
    ]);
  });
  it('enum values that meet in the proto package scope, and one named unspecified', async () => {
    const enums = "    Color:\n      type: string\n      enum: [red_x, unspecified]\n    ColorRed:\n      type: string\n      enum: [x]\n";
    const result = await compile({ 'openapi.yaml': schemaWith(enums) });
    expect(result.summary.map((entry) => [entry.code, entry.message])).toEqual([
      ['name-renamed', "enum value 'unspecified' clashes with 'the zero value UNSPECIFIED'; it is 'UNSPECIFIED_2'"],
    ]);
    const clash = await compile({ 'openapi.yaml': schemaWith(enums.replace('unspecified', 'blue').replace('[x]', '[x, y]')) });
    expect(clash.summary.map((entry) => [entry.code, entry.message])).toEqual([
      ['name-collision', "the enum value 'COLOR_RED_X' is defined twice in proto package trident.demo.v1"],
    ]);
  });
});

describe('a diagnostic on a long source line', () => {
  it('shows a window around the column, cut with an ellipsis, with the caret under the column', () => {
    const line = `{"a":${'1,'.repeat(5_000)}"bad":true,${'2,'.repeat(5_000)}0}`;
    const col = line.indexOf('"bad"') + 1;
    const text = formatDiagnostic({ file: 'min.json', line: 1, col, severity: 'warning', code: 'no-clean-mapping', message: 'm', pointer: '/x', hint: 'h' }, line);
    const [, , source = '', caret = ''] = text.split('\n');
    expect(source.length).toBeLessThan(200);
    expect(source).toMatch(/^ {2}1 \| …1,1,.*"bad":true,2,.*…$/);
    expect(source[caret.indexOf('^')]).toBe('"');
    expect(source.slice(caret.indexOf('^'), caret.indexOf('^') + 5)).toBe('"bad"');
  });

  it('shows a short line whole', () => {
    expect(sourceWindow('  type: strin', 9)).toEqual({ text: '  type: strin', caret: 8 });
    expect(sourceWindow('x'.repeat(500), 1)).toEqual({ text: `${'x'.repeat(160)}…`, caret: 0 });
    expect(sourceWindow('x'.repeat(500), 500)).toEqual({ text: `…${'x'.repeat(160)}`, caret: 160 });
  });
});
