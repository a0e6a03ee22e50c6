#!/usr/bin/env node
/**
 * Scale: Trident against openapi-typescript on GitHub's REST API description (13 MB of JSON).
 *
 *   npm run bench:scale [-- --runs N]
 *
 * Installs the npm package `@octokit/openapi` into the git-ignored `.cache/` on first use. Each
 * measurement runs in its own child process (tools/bench/scale-child.ts), so its wall time, CPU
 * time and peak memory (maxRSS) are its own: Trident's load + IR + GraphQL + proto (validation
 * left to the `auto` policy, which skips it for a document this size), openapi-typescript alone,
 * and @readme/openapi-parser's validate. With several runs, the median of each is reported.
 *
 * Trident runs with the Node options of the `trident` command (the `#!` line of tools/trident.ts).
 * openapi-typescript runs twice, with Node's defaults and with those same options, and the ratio
 * is taken against the faster of the two.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { installCorpus } from './bench/corpus.ts';

interface Measurement {
  task: string;
  ms: number;
  cpuMs: number;
  maxRssMb: number;
  phases: Record<string, number>;
  [key: string]: unknown;
}

const { values } = parseArgs({ options: { runs: { type: 'string' } } });
const runs = Number(values.runs ?? 3);
const file = join(installCorpus('octokit-openapi', '@octokit/openapi', '@octokit/openapi/package.json'), '..', 'generated', 'api.github.com.json');
const child = join(import.meta.dirname, 'bench', 'scale-child.ts');

/** The Node options the `trident` command starts with: what follows `node` on its `#!` line. */
function tridentNodeOptions(): string[] {
  const shebang = readFileSync(join(import.meta.dirname, 'trident.ts'), 'utf8').split('\n', 1)[0] ?? '';
  return shebang.replace(/^#!.*?\bnode\b/, '').trim().split(/\s+/).filter((option) => option !== '');
}

const measure = (task: string, nodeOptions: string[]): Measurement => {
  const samples: Measurement[] = [];
  for (let run = 0; run < runs; run += 1) {
    const output = execFileSync(process.execPath, [...nodeOptions, child, task, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
    samples.push(JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as Measurement);
  }
  // The median run by wall time, so one disturbed run does not decide.
  return [...samples].sort((a, b) => a.ms - b.ms)[Math.floor(samples.length / 2)] ?? (samples[0] as Measurement);
};

const options = tridentNodeOptions();
const shown = options.length > 0 ? options.join(' ') : 'none';
console.log(`GitHub REST API description: ${file} (median of ${runs} runs each, one child process per run)`);
const trident = measure('trident', options);
const typescriptDefault = measure('openapi-typescript', []);
const typescriptTuned = measure('openapi-typescript', options);
const validate = measure('validate', []);
const line = (name: string, result: Measurement): string =>
  `${name.padEnd(46)} ${String(result.ms).padStart(6)} ms wall ${String(result.cpuMs).padStart(6)} ms CPU ${String(result.maxRssMb).padStart(5)} MB peak (maxRSS)   ${Object.entries(result.phases).map(([phase, ms]) => `${phase} ${ms}`).join(', ')}`;
console.log(line(`trident load + IR + GraphQL + proto (${shown})`, trident));
console.log(line('openapi-typescript (Node defaults)', typescriptDefault));
console.log(line(`openapi-typescript (${shown})`, typescriptTuned));
console.log(line('@readme/openapi-parser validate', validate));
const typescript = typescriptTuned.ms <= typescriptDefault.ms ? typescriptTuned : typescriptDefault;
const phase = (name: string): number => trident.phases[name] ?? 0;
const compile = phase('ir') + phase('graphql') + phase('proto');
console.log(`against the faster openapi-typescript run (${typescript.ms} ms):`);
console.log(`  trident IR + GraphQL + proto: ${compile} ms = ${(compile / typescript.ms).toFixed(2)}; goal <= 0.25`);
console.log(`  trident whole run (start-up, load, IR, GraphQL, proto): ${trident.ms} ms = ${(trident.ms / typescript.ms).toFixed(2)} (wall), ${(trident.cpuMs / typescript.cpuMs).toFixed(2)} (CPU)`);
console.log(`trident peak memory: ${trident.maxRssMb} MB; goal < 400 MB`);
console.log(`trident output: ${String(trident.operations)} operations, ${String(trident.types)} types, ${String(trident.sdlBytes)} bytes of SDL, ${String(trident.protoBytes)} bytes of proto`);
