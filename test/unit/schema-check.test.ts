import { describe, expect, it } from 'vitest';
import { compileContract } from '../../src/compiler/compile.ts';
import { foreignIdentity } from '../../src/compiler/identity.ts';
import { checkSchemas } from '../../src/compiler/schema-check.ts';

// A 3.1 document whose one component schema is `Pet`.
const withPet = (pet: unknown): Record<string, unknown> => ({ openapi: '3.1.0', info: { title: 'T', version: '1' }, paths: {}, components: { schemas: { Pet: pet } } });
const at = '/components/schemas/Pet';

describe('checkSchemas', () => {
  const cases: Array<{ given: string; pet: unknown; strict?: boolean; want: Array<[string, string]> }> = [
    { given: 'a well-formed schema', pet: { type: 'object', required: ['id'], properties: { id: { type: 'string' }, any: {}, never: false }, 'x-note': { free: 1 } }, want: [] },
    { given: 'a property left empty', pet: { type: 'object', properties: { name: null } }, want: [[`${at}/properties/name`, "property 'name' is empty where a schema belongs"]] },
    {
      given: "a property's `type:` on the property's own level",
      pet: { type: 'object', properties: { name: null, type: 'string' } },
      want: [
        [`${at}/properties/name`, "property 'name' is empty where a schema belongs"],
        [`${at}/properties/type`, "property 'type' must be a schema (a mapping of keywords), not the string 'string'"],
      ],
    },
    {
      given: 'a property indented one level too far',
      pet: { type: 'object', properties: { id: { type: 'string', name: { type: 'string' } } } },
      want: [[`${at}/properties/id/name`, "'name' is not a keyword of a schema; is it a property indented one level too far?"]],
    },
    { given: 'the same in a foreign document: valid JSON Schema, not reported', strict: false, pet: { type: 'object', properties: { id: { type: 'string', name: { type: 'string' } } } }, want: [] },
    { given: 'an unknown keyword with a plain value', pet: { type: 'string', name: 'label' }, want: [] },
    { given: 'a schema that is a number', pet: 42, want: [[at, "schema 'Pet' must be a schema (a mapping of keywords), not the number 42"]] },
    { given: '`properties` as a list', pet: { type: 'object', properties: ['name'] }, want: [[`${at}/properties`, '`properties` takes a mapping of names to schemas, not a list']] },
    { given: '`allOf` as a mapping', pet: { allOf: { a: {} } }, want: [[`${at}/allOf`, '`allOf` takes a list of schemas, not a mapping']] },
    { given: 'an empty `oneOf`', pet: { oneOf: [] }, want: [[`${at}/oneOf`, '`oneOf` takes a list of schemas, not a list']] },
    { given: 'an empty entry of `anyOf`', pet: { anyOf: [{ type: 'string' }, null] }, want: [[`${at}/anyOf/1`, '`anyOf[1]` is empty where a schema belongs']] },
    { given: '`items` as a list', pet: { type: 'array', items: [{ type: 'string' }] }, want: [[`${at}/items`, '`items` takes one schema, the schema of every item, not a list']] },
    { given: 'an empty `additionalProperties`', pet: { type: 'object', additionalProperties: null }, want: [[`${at}/additionalProperties`, '`additionalProperties` is empty where a schema belongs']] },
    { given: 'a `$ref` that is a number', strict: false, pet: { $ref: 7 }, want: [[`${at}/$ref`, '`$ref` takes a reference string (e.g. `#/components/schemas/Pet`), not the number 7']] },
    { given: '`required` as a string', pet: { type: 'object', required: 'id' }, want: [[`${at}/required`, "`required` takes a list of strings, not the string 'id'"]] },
    { given: '`required` as a string, foreign', strict: false, pet: { type: 'object', required: 'id' }, want: [] },
    { given: 'an unknown type name', pet: { type: ['string', 'nul'] }, want: [[`${at}/type`, '`type` takes one of array, boolean, integer, null, number, object, string, or a list of them, not a list']] },
    { given: 'a negative length', pet: { type: 'string', maxLength: -1 }, want: [[`${at}/maxLength`, '`maxLength` takes a whole number, zero or more, not the number -1']] },
    { given: 'a discriminator without propertyName', strict: false, pet: { oneOf: [{ $ref: '#/components/schemas/Pet' }], discriminator: {} }, want: [[`${at}/discriminator/propertyName`, '`discriminator` takes a `propertyName` string, not an empty value']] },
    {
      given: 'a discriminator mapping to nothing, or to a number',
      strict: false,
      pet: { oneOf: [{ $ref: '#/components/schemas/Pet' }], discriminator: { propertyName: 'kind', mapping: { pet: 'Pet', cat: '#/components/schemas/Cat', dog: 'Dog', fish: 3 } } },
      want: [
        [`${at}/discriminator/mapping/cat`, "the discriminator value 'cat' names '#/components/schemas/Cat', which is no schema of the document"],
        [`${at}/discriminator/mapping/dog`, "the discriminator value 'dog' names 'Dog', which is no schema of the document"],
        [`${at}/discriminator/mapping/fish`, "the discriminator value 'fish' must name a schema, not the number 3"],
      ],
    },
    { given: 'a discriminator that is a string', strict: false, pet: { oneOf: [{ type: 'object' }], discriminator: 'kind' }, want: [[`${at}/discriminator`, "`discriminator` takes a mapping with a `propertyName`, not the string 'kind'"]] },
    { given: 'true in a composition', pet: { allOf: [{ type: 'object' }, true] }, want: [[`${at}/allOf/1`, '`allOf[1]` is `true`; a contract composes schemas with keywords of their own']] },
    { given: 'true in a composition, foreign', strict: false, pet: { allOf: [{ type: 'object' }, true] }, want: [] },
    { given: 'a component that is true', strict: false, pet: true, want: [[at, "schema 'Pet' is `true`; a component is a schema with keywords of its own"]] },
    { given: 'data keywords hold anything', pet: { type: 'object', default: null, example: [1], const: { a: null }, enum: [null, 'a'] }, want: [] },
  ];
  it.each(cases)('$given', ({ pet, strict, want }) => {
    expect(checkSchemas(withPet(pet), { strict: strict ?? true }).map(({ pointer, message }) => [pointer, message])).toEqual(want);
  });

  it('reaches the schemas of parameters, headers, bodies, callbacks, webhooks and x-item-schema', () => {
    const empty = { schema: null };
    const document = {
      openapi: '3.1.0',
      paths: {
        '/a': {
          parameters: [{ name: 'p', in: 'query', ...empty }],
          post: {
            requestBody: { content: { 'application/json': empty } },
            responses: { '200': { description: 'ok', headers: { 'X-H': empty }, content: { 'text/event-stream': { schema: { type: 'string' }, 'x-item-schema': null } } } },
            callbacks: { done: { '{$url}': { post: { responses: { '200': { description: 'ok', content: { 'application/json': empty } } } } } } },
          },
        },
      },
      webhooks: { ping: { get: { parameters: [{ name: 'q', in: 'query', content: { 'application/json': empty } }] } } },
    };
    expect(checkSchemas(document, { strict: true }).map(({ pointer }) => pointer)).toEqual([
      '/paths/~1a/parameters/0/schema',
      '/paths/~1a/post/requestBody/content/application~1json/schema',
      '/paths/~1a/post/responses/200/headers/X-H/schema',
      '/paths/~1a/post/responses/200/content/text~1event-stream/x-item-schema',
      '/paths/~1a/post/callbacks/done/{$url}/post/responses/200/content/application~1json/schema',
      '/webhooks/ping/get/parameters/0/content/application~1json/schema',
    ]);
  });

  it('checks a schema reached twice through a YAML alias once, and a cycle ends', () => {
    const shared: Record<string, unknown> = { type: 'object', properties: { bad: null } };
    (shared.properties as Record<string, unknown>).self = shared;
    const document = { openapi: '3.1.0', paths: {}, components: { schemas: { A: shared, B: shared } } };
    expect(checkSchemas(document, { strict: true }).map(({ pointer }) => pointer)).toEqual(['/components/schemas/A/properties/bad']);
  });
});

// Documents that are valid YAML but not valid OpenAPI: each is reported where it is wrong, as a
// contract (every output, openapi-typescript included) and as a foreign document, never as a failure.
describe('malformed documents get openapi-invalid, not compiler-failure', () => {
  const head = 'openapi: 3.1.0\ninfo:\n  title: Pets\n  version: 1.0.0\n';
  const listPets = "paths:\n  /pets:\n    get:\n      operationId: listPets\n      responses:\n        '200':\n          description: The pets.\n          content:\n            application/json:\n              schema: { $ref: '#/components/schemas/Pet' }\n";
  const pet = (lines: string) => `${head}${listPets}components:\n  schemas:\n    Pet:\n${lines}`;
  const cases: Array<[string, string, string, string]> = [
    // [case, document, line:col, message]
    ['type: on the property level', pet('      type: object\n      properties:\n        id:\n          type: string\n        name:\n        type: string\n'), '22:9', "property 'name' is empty where a schema belongs"],
    ['a property one level too deep', pet('      type: object\n      properties:\n        id:\n          type: string\n          name:\n            type: string\n'), '22:11', "'name' is not a keyword of a schema; is it a property indented one level too far?"],
    ['`schema:` with nothing after it', `${head}${listPets.replace("schema: { $ref: '#/components/schemas/Pet' }", 'schema:')}`, '14:15', '`schema` is empty where a schema belongs'],
    ['an allOf entry left empty', pet('      allOf:\n        -\n        - type: object\n'), '19:10', '`allOf[0]` is empty where a schema belongs'],
    ['oneOf as a string', pet('      oneOf: Cat\n'), '18:7', "`oneOf` takes a list of schemas, not the string 'Cat'"],
    ['a $ref that is a number', pet('      $ref: 42\n'), '18:7', '`$ref` takes a reference string (e.g. `#/components/schemas/Pet`), not the number 42'],
    ['properties as a list', pet('      type: object\n      properties:\n        - name\n'), '19:7', '`properties` takes a mapping of names to schemas, not a list'],
    ['a media type left empty', `${head}${listPets.replace("              schema: { $ref: '#/components/schemas/Pet' }\n", '')}`, '13:13', "media type 'application/json' must be a mapping (its `schema`, examples, encoding), not an empty value"],
    ['security schemes as a list', `${head}paths: {}\ncomponents:\n  securitySchemes:\n    - bearer\n`, '7:3', '`components.securitySchemes` takes a mapping of names to definitions, not a list'],
    ['a path item that is a string', `${head}paths:\n  /pets: hello\n`, '6:3', 'must be object (type must be object)'],
  ];

  it.each(cases)('%s', async (_name, text, place, message) => {
    const readText = (path: string) => (path === 'openapi.yaml' ? text : undefined);
    const contract = await compileContract('openapi.yaml', readText, { name: 'pets', version: 1 });
    const foreign = await compileContract('openapi.yaml', readText, (document) => foreignIdentity('openapi.yaml', document), { lenient: true });
    for (const compiled of [contract, foreign]) expect(compiled.diagnostics.map((entry) => entry.code)).not.toContain('compiler-failure');
    expect(contract.files.size).toBe(0);
    // A stray keyword is valid JSON Schema: only a contract is held to the keywords.
    expect(foreign.files.size === 0).toBe(!message.includes('not a keyword of a schema'));
    const first = contract.diagnostics[0];
    expect([first?.code, `${first?.line}:${first?.col}`, first?.message]).toEqual(['openapi-invalid', place, message]);
  });
});

// Bundling brings a component of another file into the contract's own `components`: when those are
// not a mapping, that is where the mistake is reported.
describe('components a cross-file $ref is bundled into', () => {
  const head = "openapi: 3.1.0\ninfo:\n  title: Pets\n  version: 1.0.0\npaths:\n  /pets:\n    get:\n      operationId: listPets\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: { $ref: './common.yaml#/components/schemas/Pet' }\n";
  const common = 'components:\n  schemas:\n    Pet: { type: object }\n';
  it.each([
    ['components as a string', 'components: hello\n', '15:1', '`components` must be a mapping, not the string "hello"'],
    ['components as a list', 'components:\n  - schemas\n', '15:1', '`components` must be a mapping, not a list'],
    ['components left empty', 'components:\n', '15:1', '`components` must be a mapping, not an empty value'],
    ['schemas as a string', 'components:\n  schemas: hello\n', '16:3', '`components.schemas` must be a mapping, not the string "hello"'],
  ])('%s', async (_name, tail, place, message) => {
    const files: Record<string, string> = { 'openapi.yaml': `${head}${tail}`, 'common.yaml': common };
    const compiled = await compileContract('openapi.yaml', (path) => files[path], { name: 'pets', version: 1 });
    expect(compiled.diagnostics.map((entry) => [entry.code, `${entry.file}:${entry.line}:${entry.col}`, entry.message])).toEqual([['openapi-invalid', `openapi.yaml:${place}`, message]]);
  });

  it('an empty component of the other file is reported in that file', async () => {
    const files: Record<string, string> = { 'openapi.yaml': head, 'common.yaml': 'components:\n  schemas:\n    Pet:\n' };
    const compiled = await compileContract('openapi.yaml', (path) => files[path], { name: 'pets', version: 1 });
    expect(compiled.diagnostics.map((entry) => [entry.code, `${entry.file}:${entry.line}:${entry.col}`, entry.message])).toEqual([['openapi-invalid', 'common.yaml:3:5', "schema 'Pet' is empty where a schema belongs"]]);
  });
});
