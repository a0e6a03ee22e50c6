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
 * and @readme/openapi-parser's validate. Each round runs every measurement once; the median run of
 * each is shown, and each ratio is the median of the rounds' ratios, since a shared machine's speed
 * drifts from minute to minute and runs a few seconds apart are the fairest comparison.
 *
 * Trident runs with the Node options of the `trident` command (the `#!` line of tools/trident.ts),
 * and once more with Node's defaults to show what they change.
 * openapi-typescript runs twice, with Node's defaults and with those same options, and each ratio
 * is taken against the faster of the two in that round.
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

const run = (task: string, nodeOptions: string[]): Measurement => {
  const output = execFileSync(process.execPath, [...nodeOptions, child, task, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as Measurement;
};
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
// The median run by wall time, so one disturbed run does not decide.
const medianRun = (samples: Measurement[]): Measurement => [...samples].sort((a, b) => a.ms - b.ms)[Math.floor(samples.length / 2)] ?? (samples[0] as Measurement);

const options = tridentNodeOptions();
const shown = options.length > 0 ? options.join(' ') : 'none';
console.log(`GitHub REST API description: ${file}`);
console.log(`${runs} rounds; each round runs every measurement once, one child process each, so a ratio compares runs made a few seconds apart`);
const rounds: Array<{ trident: Measurement; tridentDefault: Measurement; typescriptDefault: Measurement; typescriptTuned: Measurement; validate: Measurement }> = [];
for (let round = 0; round < runs; round += 1) {
  rounds.push({ trident: run('trident', options), tridentDefault: run('trident', []), typescriptDefault: run('openapi-typescript', []), typescriptTuned: run('openapi-typescript', options), validate: run('validate', []) });
}
const compileOf = (result: Measurement): number => (result.phases.ir ?? 0) + (result.phases.graphql ?? 0) + (result.phases.proto ?? 0);
const fasterTypescript = (round: (typeof rounds)[number]): Measurement => (round.typescriptTuned.ms <= round.typescriptDefault.ms ? round.typescriptTuned : round.typescriptDefault);
const trident = medianRun(rounds.map((round) => round.trident));
const line = (name: string, result: Measurement): string =>
  `${name.padEnd(46)} ${String(result.ms).padStart(6)} ms wall ${String(result.cpuMs).padStart(6)} ms CPU ${String(result.maxRssMb).padStart(5)} MB peak (maxRSS)   ${Object.entries(result.phases).map(([phase, ms]) => `${phase} ${ms}`).join(', ')}`;
console.log('median run of each:');
console.log(line(`trident load + IR + GraphQL + proto (${shown})`, trident));
console.log(line('trident, the same with Node defaults', medianRun(rounds.map((round) => round.tridentDefault))));
console.log(line('openapi-typescript (Node defaults)', medianRun(rounds.map((round) => round.typescriptDefault))));
console.log(line(`openapi-typescript (${shown})`, medianRun(rounds.map((round) => round.typescriptTuned))));
console.log(line('@readme/openapi-parser validate', medianRun(rounds.map((round) => round.validate))));
const ratios = (of: (round: (typeof rounds)[number]) => number): string => {
  const values = rounds.map(of);
  return `${median(values).toFixed(2)} (rounds: ${values.map((value) => value.toFixed(2)).join(' ')})`;
};
console.log('against the faster openapi-typescript run of the same round, median of the rounds:');
console.log(`  trident IR + GraphQL + proto: ${ratios((round) => compileOf(round.trident) / fasterTypescript(round).ms)}; goal <= 0.25`);
console.log(`  trident whole run (start-up, load, IR, GraphQL, proto): ${ratios((round) => round.trident.ms / fasterTypescript(round).ms)} wall, ${ratios((round) => round.trident.cpuMs / fasterTypescript(round).cpuMs)} CPU`);
console.log(`trident peak memory: ${trident.maxRssMb} MB; goal < 400 MB`);
console.log(`trident output: ${String(trident.operations)} operations, ${String(trident.types)} types, ${String(trident.sdlBytes)} bytes of SDL, ${String(trident.protoBytes)} bytes of proto`);
