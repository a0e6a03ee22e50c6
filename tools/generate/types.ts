import { readFileSync, statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { typesDocumentText, typesHeader, writeTypes } from '../../src/compiler/emit/typescript.ts';
import { loadOpenapiTypescript } from './openapi-typescript.ts';
import type { Api } from '../../src/compiler/ir.ts';
import type { TypesReply, TypesRequest } from './types-thread.ts';

/**
 * A document larger than this (its own file, in bytes) keeps its outputs on disk while it compiles
 * (see SpilledFiles) and has its TypeScript types written after the rest of its compile, once the
 * IR and the parsed document are collected (see finishTypes in src/compiler/compile.ts), in the
 * main thread: openapi-typescript's syntax tree of GitHub's description alone takes about 60 MB,
 * and the TypeScript compiler with it 50 MB more. A smaller document's types are written on the
 * thread beside its compile, which is faster.
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

  readonly write = async (api: Api): Promise<string> => typesHeader(api) + (await this.writeDocument(typesDocumentText(api)));

  /** The types of a document prepared by the compiler (see finishTypes in src/compiler/compile.ts), without their header. */
  readonly writeDocument = (document: string): Promise<string> => {
    this.start();
    const worker = this.worker as Worker;
    const id = (this.next += 1);
    const request: TypesRequest = { id, document };
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
 * The types of a large document (see largeDocument), from the file holding its JSON text, written
 * in pieces to `write` in the calling thread once the rest of the compile has let go of its memory.
 * Not on a thread of their own: a worker's memory stays with the process after it ends (a worker
 * that built openapi-typescript's tree of GitHub's description left the process 170 MB larger after
 * it stopped), where the main thread's is given back by its next full collection, and a thread
 * brings a second copy of the TypeScript compiler.
 */
export function largeDocumentTypes(document: { file: string }, write: (chunk: string) => void): void {
  writeTypes(loadOpenapiTypescript(), readFileSync(document.file, 'utf8'), write);
}
