/**
 * The thread that writes TypeScript types with openapi-typescript (see ./types.ts). Loading
 * openapi-typescript, and the TypeScript compiler with it, starts as soon as the thread does.
 */
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';

export interface TypesRequest {
  id: number;
  /** The document, or its JSON text (parsed here, so that only the text crosses between threads). */
  document: Record<string, unknown> | string;
  options: Record<string, unknown>;
}

export type TypesReply = { id: number; text: string } | { id: number; error: string };

// Its CommonJS build, through require: openapi-typescript and the libraries it loads (the
// TypeScript compiler, @redocly/openapi-core) are CommonJS, and Node loads CommonJS from CommonJS
// without scanning each file for its exports and its module syntax, as an import would.
const loading = Promise.resolve().then(() => createRequire(import.meta.url)('openapi-typescript') as typeof import('openapi-typescript'));
// Without a consumer the rejection surfaces at the first request.
loading.catch(() => {});

parentPort?.on('message', (request: TypesRequest) => {
  loading
    .then(async ({ default: openapiTS, astToString }) => {
      const document: unknown = typeof request.document === 'string' ? JSON.parse(request.document) : request.document;
      return astToString(await openapiTS(document as never, request.options));
    })
    .then(
      (text) => parentPort?.postMessage({ id: request.id, text } satisfies TypesReply),
      (error: unknown) => parentPort?.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) } satisfies TypesReply),
    );
});
