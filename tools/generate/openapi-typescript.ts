import { createRequire } from 'node:module';

/**
 * openapi-typescript through require, as its CommonJS build: it and the libraries it loads (the
 * TypeScript compiler, @redocly/openapi-core) are CommonJS, and Node loads CommonJS from CommonJS
 * without scanning each file for its exports and its module syntax, as an import would.
 */
export function loadOpenapiTypescript(): typeof import('openapi-typescript') {
  return createRequire(import.meta.url)('openapi-typescript') as typeof import('openapi-typescript');
}
