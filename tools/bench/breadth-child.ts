/**
 * The worker of the breadth benchmark: compiles each document named in a list file as a foreign
 * document (GraphQL and proto only), checks the SDL with graphql-js, writes the proto file into
 * the batch folder for buf and protoc, and prints one JSON line per document.
 *
 *   node tools/bench/breadth-child.ts LIST_FILE BATCH_DIR
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildSchema, validateSchema } from 'graphql';
import { compileContract } from '../../src/compiler/compile.ts';
import { foreignIdentity } from '../../src/compiler/identity.ts';

export interface BreadthRecord {
  path: string;
  ms: number;
  operations: number;
  /** Fields of the GraphQL root types: every operation should be one. */
  graphqlOperations?: number;
  errors: Array<{ code: string; message: string }>;
  warnings: number;
  sdl?: { valid: boolean; error?: string };
  proto?: string;
}

const [listFile = '', batchDir = ''] = process.argv.slice(2);
const entries = JSON.parse(readFileSync(listFile, 'utf8')) as Array<{ path: string; name: string }>;
for (const { path, name } of entries) {
  const started = performance.now();
  const readText = (file: string): string | undefined => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  };
  const compiled = await compileContract(path, readText, (document) => ({ name, version: foreignIdentity(path, document).version }), { lenient: true, validate: 'auto', outputs: ['graphql', 'proto'], lockPath: join(batchDir, 'locks', `${name}.json`) });
  const record: BreadthRecord = {
    path,
    ms: Math.round(performance.now() - started),
    operations: compiled.api?.operations.length ?? 0,
    errors: compiled.diagnostics.filter((entry) => entry.severity === 'error').map((entry) => ({ code: entry.code, message: entry.message.slice(0, 300) })),
    warnings: compiled.diagnostics.filter((entry) => entry.severity === 'warning').length,
  };
  for (const [file, text] of compiled.files) {
    if (file.endsWith('.graphql')) {
      try {
        const schema = buildSchema(text);
        const problems = validateSchema(schema);
        const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()];
        record.graphqlOperations = roots.reduce((sum, root) => sum + Object.keys(root?.getFields() ?? {}).filter((field) => field !== '_empty').length, 0);
        record.sdl = problems.length === 0 ? { valid: true } : { valid: false, error: problems.map((problem) => problem.message).join('; ').slice(0, 300) };
      } catch (error) {
        record.sdl = { valid: false, error: (error as Error).message.slice(0, 300) };
      }
    }
    if (file.endsWith('.proto')) {
      const target = join(batchDir, file.slice('proto/'.length));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, text);
      record.proto = file.slice('proto/'.length);
    }
  }
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

