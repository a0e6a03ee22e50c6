/**
 * openapi-typescript in a worker thread. Loading it (it brings the TypeScript compiler) takes
 * longer than compiling a contract, so `generate` starts the worker as soon as one document needs
 * compiling and lets it load while the main thread validates and builds the IR.
 */
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import type { Api } from '../../src/compiler/ir.ts';

async function inThread(api: Api): Promise<string> {
  const { writeTypescriptTypes } = await import('../../src/compiler/emit/typescript.ts');
  return writeTypescriptTypes(api);
}

interface Request {
  id: number;
  api: Pick<Api, 'name' | 'version' | 'document'> & { operations: Array<Pick<Api['operations'][number], 'id' | 'pointer'>> };
}

type Reply = { id: number; text: string } | { id: number; error: string };

if (!isMainThread && parentPort) {
  const port = parentPort;
  const { writeTypescriptTypes } = await import('../../src/compiler/emit/typescript.ts');
  port.on('message', (request: Request) => {
    writeTypescriptTypes(request.api as Api).then(
      (text) => port.postMessage({ id: request.id, text } satisfies Reply),
      (error: unknown) => port.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) } satisfies Reply),
    );
  });
}

/**
 * Writes TypeScript types in a worker; `close` ends it. Where a worker cannot start (a host that
 * runs this file through its own loader), the types are written in this thread instead.
 */
export class TypesWorker {
  private worker: Worker | undefined;
  private broken = false;
  private next = 0;
  private readonly pending = new Map<number, { api: Api; resolve: (text: string) => void; reject: (error: Error) => void }>();

  /** Starts the worker (and its loading of openapi-typescript) ahead of the first request. */
  warm(): void {
    if (this.worker || this.broken) return;
    // Plain Node options: a test runner's loader flags do not apply inside the worker.
    const worker = new Worker(new URL(import.meta.url), { execArgv: [] });
    worker.on('message', (reply: Reply) => {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if ('text' in reply) waiting?.resolve(reply.text);
      else waiting?.reject(new Error(reply.error));
    });
    worker.on('error', () => {
      this.broken = true;
      this.worker = undefined;
      const waiting = [...this.pending.values()];
      this.pending.clear();
      for (const { api, resolve, reject } of waiting) inThread(api).then(resolve, reject);
    });
    this.worker = worker;
  }

  write = (api: Api): Promise<string> => {
    this.warm();
    if (this.broken || !this.worker) return inThread(api);
    const worker = this.worker;
    const id = (this.next += 1);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { api, resolve, reject });
      const operations = api.operations.map(({ id: operationId, pointer }) => ({ id: operationId, pointer }));
      worker.postMessage({ id, api: { name: api.name, version: api.version, document: api.document, operations } } satisfies Request);
    });
  };

  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = undefined;
  }
}
