/**
 * ts-proto as a protoc plugin, with its cost bounded: reads a `CodeGeneratorRequest` on standard
 * input and writes the `CodeGeneratorResponse` on standard output, as ts-proto's own
 * `protoc-gen-ts_proto` does, with two differences that keep a large API's proto within seconds
 * and a few hundred MB:
 *
 * - a file whose generated text is over `formatLimit` is written as ts-poet prints it, without
 *   dprint (which took 20 of 29 s and most of 2 GB on a 715 KB proto file, and 390 MB to format
 *   1 MB of text); smaller files are formatted exactly as before;
 * - each message's comments are found through an index of the file's source locations, where
 *   ts-proto scans every location once per message (9 s on that file).
 *
 *   node tools/generate/ts-proto-plugin.ts [--format-limit BYTES] < request > response
 */
import { createRequire } from 'node:module';

/** Generated text (unformatted) above which a file is not formatted; `--format-limit N` sets another. */
const limitAt = process.argv.indexOf('--format-limit');
const formatLimit = limitAt === -1 ? 400_000 : Number(process.argv[limitAt + 1]);

const tsProto = createRequire(createRequire(import.meta.url).resolve('ts-proto/package.json'));

interface Code {
  toString(options: Record<string, unknown>): string;
}
interface FileDescriptor {
  name: string;
}
const { CodeGeneratorRequest, CodeGeneratorResponse, CodeGeneratorResponse_Feature, Edition } = tsProto('ts-proto-descriptors') as {
  CodeGeneratorRequest: { decode(bytes: Uint8Array): { parameter: string; protoFile: FileDescriptor[]; compilerVersion?: unknown } };
  CodeGeneratorResponse: { fromPartial(value: unknown): unknown; encode(value: unknown): { finish(): Uint8Array } };
  CodeGeneratorResponse_Feature: { FEATURE_PROTO3_OPTIONAL: number; FEATURE_SUPPORTS_EDITIONS: number };
  Edition: { EDITION_PROTO2: number; EDITION_2024: number };
};
const main = tsProto('./build/src/main.js') as { makeUtils(options: unknown): unknown; generateFile(context: unknown, file: FileDescriptor): [string, Code] };
const types = tsProto('./build/src/types.js') as { createTypeMap(request: unknown, options: unknown): unknown };
const context = tsProto('./build/src/context.js') as { createFileContext(file: FileDescriptor): unknown };
const options = tsProto('./build/src/options.js') as { optionsFromParameter(parameter: string): unknown; getTsPoetOpts(options: unknown, tsProtoVersion: string, protocVersion: string, fileName?: string): Record<string, unknown> };
const utils = tsProto('./build/src/utils.js') as { protoFilesToGenerate(request: unknown): FileDescriptor[]; getVersions(request: unknown): Promise<{ protocVersion: string; tsProtoVersion: string }> };
indexSourceInfo(tsProto('./build/src/sourceInfo.js') as { default: SourceInfoClass });

const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const request = CodeGeneratorRequest.decode(Buffer.concat(chunks));
const { protocVersion, tsProtoVersion } = await utils.getVersions(request);
const parsed = options.optionsFromParameter(request.parameter);
const shared = { typeMap: types.createTypeMap(request, parsed), options: parsed, utils: main.makeUtils(parsed) };
const file = utils.protoFilesToGenerate(request).map((descriptor) => {
  const [path, code] = main.generateFile({ ...shared, currentFile: context.createFileContext(descriptor) }, descriptor);
  const poet = { ...options.getTsPoetOpts(parsed, tsProtoVersion, protocVersion, descriptor.name), path };
  const plain = code.toString({ ...poet, format: false });
  return { name: path, content: plain.length > formatLimit ? plain : code.toString(poet) };
});
const response = CodeGeneratorResponse.fromPartial({
  file,
  supportedFeatures: CodeGeneratorResponse_Feature.FEATURE_PROTO3_OPTIONAL | CodeGeneratorResponse_Feature.FEATURE_SUPPORTS_EDITIONS,
  minimumEdition: Edition.EDITION_PROTO2,
  maximumEdition: Edition.EDITION_2024,
});
process.stdout.write(CodeGeneratorResponse.encode(response).finish());

interface SourceInfoInstance {
  sourceCode: Record<string, unknown>;
  lookup(type: number, index: number): unknown;
}
interface SourceInfoClass {
  new (map: Record<string, unknown>, self: unknown): SourceInfoInstance;
  prototype: SourceInfoInstance & { open(type: number, index: number): SourceInfoInstance };
}

/**
 * `open(type, index)` gives the locations under the path `type.index.`, with that prefix cut. The
 * locations of one `sourceCode` map are grouped by their first two path parts once, so each call
 * costs its own locations instead of all of the file's.
 */
function indexSourceInfo({ default: SourceInfo }: { default: SourceInfoClass }): void {
  const groups = new WeakMap<object, Map<string, Record<string, unknown>>>();
  SourceInfo.prototype.open = function open(this: SourceInfoInstance, type: number, index: number): SourceInfoInstance {
    let byPrefix = groups.get(this.sourceCode);
    if (byPrefix === undefined) {
      byPrefix = new Map();
      for (const [key, location] of Object.entries(this.sourceCode)) {
        const first = key.indexOf('.');
        const second = first === -1 ? -1 : key.indexOf('.', first + 1);
        if (second === -1) continue;
        const prefix = key.slice(0, second);
        const group = byPrefix.get(prefix) ?? {};
        group[key.slice(second + 1)] = location;
        byPrefix.set(prefix, group);
      }
      groups.set(this.sourceCode, byPrefix);
    }
    return new SourceInfo({ ...byPrefix.get(`${type}.${index}`) }, this.lookup(type, index));
  };
}
