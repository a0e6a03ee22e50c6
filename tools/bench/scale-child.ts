/**
 * One measured run of the scale benchmark, in its own process so that its time and peak memory
 * are its own. Prints one JSON line: wall time from start to finish of the work, and maxRSS.
 *
 *   node tools/bench/scale-child.ts trident|openapi-typescript|validate FILE
 */
import { readFileSync } from 'node:fs';
import module from 'node:module';
import { join } from 'node:path';

const [task, file = ''] = process.argv.slice(2);
// As the trident command does, V8 keeps the compiled code of the modules in .cache/node; every
// task gets it, so that a later run starts as a user's second run would.
module.enableCompileCache?.(join(import.meta.dirname, '..', '..', '.cache', 'node'));
// CPU time (user and system, all threads) tells a busy machine's waiting apart from work.
const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return Math.round((user + system) / 1000);
};
const started = performance.now();
const phases: Record<string, number> = {};
const phaseCpu: Record<string, number> = {};
let mark = started;
let markCpu = 0;
const phase = (name: string): void => {
  const now = performance.now();
  phases[name] = Math.round(now - mark);
  mark = now;
  const cpu = cpuMs();
  phaseCpu[name] = cpu - markCpu;
  markCpu = cpu;
};

if (task === 'trident') {
  const { loadContract } = await import('../../src/compiler/load.ts');
  const { buildApi } = await import('../../src/compiler/build-ir.ts');
  const { foreignIdentity } = await import('../../src/compiler/identity.ts');
  const { toGraphqlDocument } = await import('../../src/compiler/emit/graphql/transform.ts');
  const { writeGraphqlSchema } = await import('../../src/compiler/emit/graphql/print.ts');
  const { toProtoFile } = await import('../../src/compiler/emit/proto/transform.ts');
  const { resolveProtoClashes } = await import('../../src/compiler/emit/proto/clashes.ts');
  const { applyLock } = await import('../../src/compiler/lock.ts');
  const { writeProtoFile } = await import('../../src/compiler/emit/proto/print.ts');
  phase('import');
  const loaded = loadContract(file, (path) => readFileSync(path, 'utf8'));
  if (!loaded.contract) throw new Error('the document did not load');
  phase('load');
  const identity = foreignIdentity(file, loaded.contract.document);
  const built = await buildApi(loaded.contract, identity, { lenient: true, validate: 'auto' });
  if (!built.api) throw new Error(built.diagnostics.filter((entry) => entry.severity === 'error').map((entry) => entry.message).join('\n'));
  phase('ir');
  const sdl = writeGraphqlSchema(toGraphqlDocument(built.api));
  phase('graphql');
  const proto = writeProtoFile(applyLock(resolveProtoClashes(toProtoFile(built.api)).file, { messages: {}, enums: {} }, loaded.contract.locate).file);
  phase('proto');
  console.log(JSON.stringify({ task, ms: Math.round(performance.now() - started), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), cpuMs: cpuMs(), phases, phaseCpu, operations: built.api.operations.length, types: built.api.types.length, sdlBytes: sdl.length, protoBytes: proto.length, warnings: built.diagnostics.length }));
} else if (task === 'openapi-typescript') {
  const { default: openapiTS, astToString } = await import('openapi-typescript');
  phase('import');
  const types = astToString(await openapiTS(JSON.parse(readFileSync(file, 'utf8')) as never, { silent: true }));
  phase('types');
  console.log(JSON.stringify({ task, ms: Math.round(performance.now() - started), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), cpuMs: cpuMs(), phases, phaseCpu, typesBytes: types.length }));
} else if (task === 'validate') {
  const { validate } = await import('@readme/openapi-parser');
  phase('import');
  const result = await validate(JSON.parse(readFileSync(file, 'utf8')) as never);
  phase('validate');
  console.log(JSON.stringify({ task, ms: Math.round(performance.now() - started), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), cpuMs: cpuMs(), phases, phaseCpu, valid: result.valid }));
} else {
  console.error('usage: scale-child.ts trident|openapi-typescript|validate FILE');
  process.exitCode = 2;
}
