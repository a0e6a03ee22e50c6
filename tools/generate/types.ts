import { Worker } from 'node:worker_threads';
import { openapiTypescriptOptions, typesDocument, typesHeader } from '../../src/compiler/emit/typescript.ts';
import type { Api } from '../../src/compiler/ir.ts';
import type { TypesReply, TypesRequest } from './types-thread.ts';

/**
 * Writes the TypeScript types on a thread of their own. openapi-typescript and the TypeScript
 * compiler take longer to load than a contract takes to parse, validate and emit, so the thread
 * is started as soon as a document may need compiling (the command line starts it before it
 * loads the compiler), loads them on another core meanwhile, and only then receives documents.
 * One thread serves the whole process (every run of `--watch`, every call of `generate`); it
 * never keeps the process alive while idle. `write` has the shape of the compiler's `writeTypes` option.
 */
export function typesThread(): TypesThread {
  shared ??= new TypesThread();
  return shared;
}

let shared: TypesThread | undefined;

export class TypesThread {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve: (text: string) => void; reject: (error: Error) => void }>();
  private next = 0;

  /** Starts the thread (once), so that loading begins now. */
  start(): void {
    if (this.worker) return;
    const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
    const worker = new Worker(new URL(`./types-thread${extension}`, import.meta.url));
    worker.on('message', (reply: TypesReply) => {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if ('error' in reply) waiting?.reject(new Error(reply.error));
      else waiting?.resolve(reply.text);
    });
    const failAll = (error: Error): void => {
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
      this.worker = undefined;
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new Error(`the openapi-typescript thread stopped (exit code ${code})`)));
    // An idle thread does not keep the process alive.
    worker.unref();
    this.worker = worker;
  }

  readonly write = (api: Api): Promise<string> => {
    this.start();
    const worker = this.worker as Worker;
    const id = (this.next += 1);
    const request: TypesRequest = { id, document: typesDocument(api), options: { ...openapiTypescriptOptions } };
    return new Promise<string>((resolve, reject) => {
      this.pending.set(id, { resolve: (text) => resolve(typesHeader(api) + text), reject });
      worker.ref();
      worker.postMessage(request);
    }).finally(() => {
      if (this.pending.size === 0) this.worker?.unref();
    });
  };
}
