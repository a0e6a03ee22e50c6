import { describe, expect, it } from 'vitest';
import { compileContract } from '../../src/compiler/compile.ts';
import { foreignIdentity } from '../../src/compiler/identity.ts';

// A foreign document that breaks the specification only where the output does not depend on it
// compiles, to the output it gives without validation, with a warning at the place; a contract
// keeps the error, and so does a foreign document whose violation may change the output.

const ok = { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'string' } } } } };
const documentWith = (paths: Record<string, unknown>, openapi = '3.1.0') => JSON.stringify({ openapi, info: { title: 'violations', version: '1.0.0' }, paths }, null, 2);
// The line of the first occurrence of `text` (the documents are printed one key a line).
const lineOf = (document: string, text: string) => document.slice(0, document.indexOf(text)).split('\n').length;

const queryInTemplate = documentWith({
  '/search?q={q}': { get: { operationId: 'search', parameters: [{ name: 'q', in: 'query', required: true, schema: { type: 'string' } }], responses: ok } },
});
const explodeBesideContent = documentWith({
  '/items': { get: { operationId: 'listItems', parameters: [{ name: 'filter', in: 'query', explode: true, content: { 'application/json': { schema: { type: 'string' } } } }], responses: ok } },
});
const explodeOnBody = documentWith({
  '/items': { post: { operationId: 'addItem', requestBody: { explode: true, content: { 'application/json': { schema: { type: 'string' } } } }, responses: ok } },
});

async function compile(text: string, options: { lenient?: boolean; validate?: 'always' | 'never' }) {
  return compileContract('doc.json', (path) => (path === 'doc.json' ? text : undefined), (document) => foreignIdentity('doc.json', document), { ...options, outputs: ['openapi', 'graphql', 'proto'] });
}

describe('spec violations that do not change the output', () => {
  for (const [name, text, pointer, line] of [
    ['a query string in a path template', queryInTemplate, '/paths/~1search?q={q}/get', lineOf(queryInTemplate, '"get"')],
    ['explode beside content', explodeBesideContent, '/paths/~1items/get/parameters/0/explode', lineOf(explodeBesideContent, '"explode"')],
    ['explode on a request body', explodeOnBody, '/paths/~1items/post/requestBody/explode', lineOf(explodeOnBody, '"explode"')],
  ] as const) {
    it(`${name}: a warning at its place in a foreign document, the output of --no-validate`, async () => {
      const foreign = await compile(text, { lenient: true, validate: 'always' });
      expect(foreign.diagnostics.map((entry) => [entry.severity, entry.code, entry.pointer, entry.line])).toEqual([['warning', 'openapi-violation-ignored', pointer, line]]);
      const unvalidated = await compile(text, { lenient: true, validate: 'never' });
      expect(foreign.files).toEqual(unvalidated.files);
      expect(foreign.files.size).toBe(3);
    });

    if (name !== 'explode on a request body') it(`${name}: an error in a contract`, async () => {
      const contract = await compile(text, { validate: 'always' });
      expect(contract.diagnostics.map((entry) => [entry.severity, entry.code, entry.pointer])).toEqual([['error', 'openapi-invalid', pointer]]);
      expect(contract.files.size).toBe(0);
    });
  }

  it('a violation that may change the output stays an error in a foreign document', async () => {
    // The placeholder is in the path itself, and no parameter says what it is.
    const undeclared = await compile(documentWith({ '/items/{id}?view=full': { get: { operationId: 'getItem', responses: ok } } }), { lenient: true, validate: 'always' });
    expect(undeclared.diagnostics.map((entry) => [entry.severity, entry.code])).toEqual([['error', 'openapi-invalid']]);
    // In an OpenAPI 3.0 schema, `explode` is a stray property of something that is no schema (a parameter).
    const parameterAsSchema = { type: 'array', items: { name: 'x', in: 'query', explode: true, schema: { type: 'string' } } };
    const inSchema = await compile(documentWith({ '/items': { get: { operationId: 'listItems', responses: { '200': { description: 'ok', content: { 'application/json': { schema: parameterAsSchema } } } } } } }, '3.0.3'), { lenient: true, validate: 'always' });
    expect(inSchema.diagnostics.map((entry) => [entry.severity, entry.code])).toEqual([['error', 'openapi-invalid']]);
  });

  it('the rules the parser runs after its schema still apply once a harmless violation is set aside', async () => {
    const text = documentWith({
      '/items/{id}': { get: { operationId: 'getItem', parameters: [{ name: 'filter', in: 'query', explode: true, content: { 'application/json': { schema: { type: 'string' } } } }], responses: ok } },
    });
    const compiled = await compile(text, { lenient: true, validate: 'always' });
    expect(compiled.diagnostics.map((entry) => [entry.severity, entry.code])).toEqual([['warning', 'openapi-violation-ignored'], ['error', 'openapi-invalid']]);
    expect(compiled.diagnostics[1]?.message).toMatch(/missing path parameter\(s\) for `\{id\}`/);
  });
});
