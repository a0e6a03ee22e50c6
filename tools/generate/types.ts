import { statSync } from 'node:fs';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { openapiTypescriptOptions, typesDocument, typesHeader } from '../../src/compiler/emit/typescript.ts';
import type { Api } from '../../src/compiler/ir.ts';
import type { TypesReply, TypesRequest } from './types-thread.ts';

/**
 * A document larger than this (its own file, in bytes) has its TypeScript types written after
 * the rest of its compile, once the IR and the parsed document are collected (see finishTypes in
 * src/compiler/compile.ts), and the thread is not started ahead of its compile: openapi-typescript's
 * syntax tree of GitHub's description alone takes about 250 MB. A smaller document's types are
 * written on the thread beside its compile, which is faster.
 */
export const largeDocument = 1_000_000;

/** Whether the file at `path` is over largeDocument (false when it cannot be read: the compile says why). */
export function isLargeDocument(path: string): boolean {
  try {
    return statSync(path).size > largeDocument;
  } catch {
    return false;
  }
}

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
    const worker = new Worker(threadModule());
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

  readonly write = async (api: Api): Promise<string> => typesHeader(api) + (await this.writeDocument(typesDocument(api)));

  /** The types of a document prepared by the compiler (see finishTypes in src/compiler/compile.ts), without their header. */
  readonly writeDocument = (document: Record<string, unknown> | string): Promise<string> => {
    this.start();
    const worker = this.worker as Worker;
    const id = (this.next += 1);
    const request: TypesRequest = { id, document, options: { ...openapiTypescriptOptions } };
    return new Promise<string>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage(request);
    }).finally(() => {
      if (this.pending.size === 0) this.worker?.unref();
    });
  };
}

function threadModule(): URL {
  return new URL(`./types-thread${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
}

/**
 * The types of a large document (see largeDocument), from its JSON text, on a thread of their own
 * that ends with them, so that its memory is given back at once. Its heap is bounded: about 16 MB
 * per MB of JSON (GitHub's description, 14 MB, needs less than 160), with a young generation of
 * 8 MB, which keeps openapi-typescript's garbage from piling up beside its tree. A document that
 * needs more is written again on a thread without the bound: slower, never refused.
 */
export async function largeDocumentTypes(document: string, limits: ResourceLimits = boundFor(document)): Promise<string> {
  try {
    return await typesOnOwnThread(document, limits);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_WORKER_OUT_OF_MEMORY') throw error;
    return typesOnOwnThread(document, undefined);
  }
}

function boundFor(document: string): ResourceLimits {
  return { maxOldGenerationSizeMb: Math.max(192, Math.ceil((16 * document.length) / 1_000_000)), maxYoungGenerationSizeMb: 8 };
}

export function typesOnOwnThread(document: string, limits: ResourceLimits | undefined): Promise<string> {
  const worker = new Worker(threadModule(), limits === undefined ? {} : { resourceLimits: limits });
  return new Promise<string>((resolve, reject) => {
    worker.once('message', (reply: TypesReply) => ('error' in reply ? reject(new Error(reply.error)) : resolve(reply.text)));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the openapi-typescript thread stopped (exit code ${code})`)));
    worker.postMessage({ id: 1, document, options: { ...openapiTypescriptOptions } } satisfies TypesRequest);
  }).finally(() => void worker.terminate());
}
