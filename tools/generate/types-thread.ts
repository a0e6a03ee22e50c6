/**
 * The thread that writes TypeScript types with openapi-typescript (see ./types.ts). Loading
 * openapi-typescript, and the TypeScript compiler with it, starts as soon as the thread does.
 */
import { parentPort } from 'node:worker_threads';
import { typesOfDocument } from '../../src/compiler/emit/typescript.ts';
import { loadOpenapiTypescript } from './openapi-typescript.ts';

export interface TypesRequest {
  id: number;
  /** The document's JSON text (parsed here, so that only the text crosses between threads). */
  document: string;
}

export type TypesReply = { id: number; text: string } | { id: number; error: string };

const loading = Promise.resolve().then(loadOpenapiTypescript);
// Without a consumer the rejection surfaces at the first request.
loading.catch(() => {});

parentPort?.on('message', (request: TypesRequest) => {
  loading
    .then((openapiTypescript) => typesOfDocument(openapiTypescript, request.document))
    .then(
      (text) => parentPort?.postMessage({ id: request.id, text } satisfies TypesReply),
      (error: unknown) => parentPort?.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) } satisfies TypesReply),
    );
});
