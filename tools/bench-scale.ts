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
 */
import { execFileSync } from 'node:child_process';
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

const measure = (task: string): Measurement => {
  const samples: Measurement[] = [];
  for (let run = 0; run < runs; run += 1) {
    const output = execFileSync(process.execPath, [child, task, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
    samples.push(JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as Measurement);
  }
  // The median run by wall time, so one disturbed run does not decide.
  return [...samples].sort((a, b) => a.ms - b.ms)[Math.floor(samples.length / 2)] ?? (samples[0] as Measurement);
};

console.log(`GitHub REST API description: ${file} (median of ${runs} runs each, one child process per run)`);
const trident = measure('trident');
const typescript = measure('openapi-typescript');
const validate = measure('validate');
const line = (name: string, result: Measurement): string =>
  `${name.padEnd(34)} ${String(result.ms).padStart(6)} ms wall ${String(result.cpuMs).padStart(6)} ms CPU ${String(result.maxRssMb).padStart(5)} MB peak (maxRSS)   ${Object.entries(result.phases).map(([phase, ms]) => `${phase} ${ms}`).join(', ')}`;
console.log(line('trident load + IR + GraphQL + proto', trident));
console.log(line('openapi-typescript', typescript));
console.log(line('@readme/openapi-parser validate', validate));
console.log(`trident / openapi-typescript: ${(trident.ms / typescript.ms).toFixed(2)} (wall), ${(trident.cpuMs / typescript.cpuMs).toFixed(2)} (CPU); goal <= 0.25`);
console.log(`trident peak memory: ${trident.maxRssMb} MB; goal < 400 MB`);
console.log(`trident output: ${String(trident.operations)} operations, ${String(trident.types)} types, ${String(trident.sdlBytes)} bytes of SDL, ${String(trident.protoBytes)} bytes of proto`);
