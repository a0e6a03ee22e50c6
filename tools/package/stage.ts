/**
 * The sources of one API version's client package, gathered into one folder: the generated
 * clients and types, the gRPC code they import, and the client runtime, with every import
 * rewritten to stay inside the package. Pure: paths and texts in, paths and texts out.
 */
import { posix } from 'node:path';

/** A source file: its path inside the staging folder and its text. */
export type StagedFiles = Map<string, string>;

/** What the generated side holds, by path relative to the output folder's `ts/`. */
export interface ClientSources {
  /** `study/v2` */
  key: string;
  /** Read a file of `<output>/ts/` by its relative path; undefined when missing. */
  readGenerated(path: string): string | undefined;
  /** The client runtime's TypeScript by file name: errors.ts, options.ts, rest.ts, graphql.ts, grpc.ts, catalog.ts. */
  runtime: Map<string, string>;
}

const relativeImport = /(from\s+|import\s*\(\s*)(['"])(\.{1,2}\/[^'"]+)\2/g;
const runtimeImport = /(['"])trident\/client\/(rest|graphql|grpc|options)\1/g;

/**
 * Stages `rest.ts`, `graphql.ts`, `grpc.ts` (when generated), `types.ts` and `index.ts` at the top,
 * the gRPC code under `grpc/`, and the runtime under `runtime/`.
 */
export function stageClientSources(sources: ClientSources): { files: StagedFiles; protocols: Array<'rest' | 'graphql' | 'grpc'> } {
  const files: StagedFiles = new Map();
  const clientDir = `${sources.key}/clients`;
  // Where each generated file goes: the clients and types at the top, ts-proto's files under grpc/.
  const placeOf = (generatedPath: string): string => {
    if (generatedPath === `${sources.key}/types.ts`) return 'types.ts';
    if (generatedPath.startsWith(`${clientDir}/`)) return generatedPath.slice(clientDir.length + 1);
    if (generatedPath.startsWith('grpc/')) return generatedPath;
    throw new Error(`${generatedPath} is imported by a client but is neither its types nor gRPC code`);
  };
  const pending = [`${clientDir}/rest.ts`, `${clientDir}/graphql.ts`, `${clientDir}/grpc.ts`, `${sources.key}/types.ts`];
  const protocols: Array<'rest' | 'graphql' | 'grpc'> = [];
  const seen = new Set<string>();
  while (pending.length > 0) {
    const path = pending.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const text = sources.readGenerated(path);
    if (text === undefined) {
      if (path.endsWith('/clients/grpc.ts')) continue;
      throw new Error(`${path} is missing from the generated code; run \`trident generate\``);
    }
    const protocol = /\/clients\/(rest|graphql|grpc)\.ts$/.exec(path)?.[1] as 'rest' | 'graphql' | 'grpc' | undefined;
    if (protocol) protocols.push(protocol);
    const place = placeOf(path);
    const rewritten = text
      .replace(relativeImport, (_whole, head: string, quote: string, specifier: string) => {
        const target = posix.normalize(posix.join(posix.dirname(path), specifier));
        pending.push(target);
        return `${head}${quote}${relativeTo(place, placeOf(target))}${quote}`;
      })
      .replace(runtimeImport, (_whole, quote: string, module: string) => `${quote}${relativeTo(place, `runtime/${module}.ts`)}${quote}`);
    files.set(place, rewritten);
  }
  for (const [name, text] of sources.runtime) {
    // The runtime's errors take the catalog from the server runtime; here it sits beside them.
    files.set(`runtime/${name}`, text.replace(/(['"])\.\.\/runtime\/errors\.ts\1/g, '$1./catalog.ts$1'));
  }
  files.set('errors.ts', "export { errorCatalog, isTridentError, TridentError, type ErrorCode, type ErrorDetail, type Protocol } from './runtime/errors.ts';\nexport type { ClientOptions, TokenSource } from './runtime/options.ts';\n");
  files.set('index.ts', "export * from './errors.ts';\nexport type { components, operations, paths } from './types.ts';\n");
  return { files, protocols };
}

function relativeTo(from: string, to: string): string {
  const path = posix.relative(posix.dirname(from), to);
  return path.startsWith('.') ? path : `./${path}`;
}
