import { matchesGlob } from 'node:path';

/** One instruction of a Dockerfile: its keyword (upper case), its flags (`--from=build`) and the rest. */
export interface Instruction {
  keyword: string;
  flags: Record<string, string>;
  args: string;
  line: number;
}

/** A build stage: `FROM base [AS name]` and the instructions up to the next `FROM`. */
export interface Stage {
  base: string;
  name: string | undefined;
  instructions: Instruction[];
}

/**
 * The stages of a Dockerfile, as the builder reads them: comment lines dropped (also inside a
 * continued instruction), a trailing backslash joins the next line, leading `--name=value` flags
 * taken apart from the arguments.
 */
export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  let pending: { text: string; line: number } | undefined;
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && pending === undefined)) continue;
    const joined = pending ? `${pending.text} ${line}` : line;
    const start = pending?.line ?? index + 1;
    if (line.endsWith('\\')) {
      pending = { text: joined.slice(0, -1).trim(), line: start };
      continue;
    }
    pending = undefined;
    const instruction = toInstruction(joined, start);
    if (instruction.keyword === 'FROM') {
      const [base = '', as, name] = instruction.args.split(/\s+/);
      stages.push({ base, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else {
      const stage = stages.at(-1);
      if (!stage) throw new Error(`line ${start}: ${instruction.keyword} before the first FROM`);
      stage.instructions.push(instruction);
    }
  }
  return stages;
}

function toInstruction(text: string, line: number): Instruction {
  const [, keyword = '', rest = ''] = /^(\S+)\s*([\s\S]*)$/.exec(text) ?? [];
  const flags: Record<string, string> = {};
  let args = rest;
  for (let flag = /^--([a-z-]+)=(\S+)\s*/.exec(args); flag; flag = /^--([a-z-]+)=(\S+)\s*/.exec(args)) {
    flags[flag[1] ?? ''] = flag[2] ?? '';
    args = args.slice(flag[0].length);
  }
  return { keyword: keyword.toUpperCase(), flags, args, line };
}

/** The command an instruction runs: the JSON exec form as written, the shell form through `/bin/sh -c`. */
export function commandOf(args: string): string[] {
  return args.startsWith('[') ? (JSON.parse(args) as string[]) : ['/bin/sh', '-c', args];
}

/** The variables `ENV name=value ...` sets (values without spaces or quotes, as this recipe writes them). */
export function envOf(args: string): Record<string, string> {
  return Object.fromEntries(args.split(/\s+/).map((pair) => {
    const at = pair.indexOf('=');
    if (at <= 0 || /["']/.test(pair)) throw new Error(`ENV ${args}: write name=value pairs without quotes`);
    return [pair.slice(0, at), pair.slice(at + 1)];
  }));
}

/**
 * Whether `.dockerignore` keeps a path (relative to the context, `/`-separated) out of the build
 * context: the last pattern that matches the path or a folder above it decides, `!` lets it back in.
 */
export function ignoredBy(patterns: readonly string[]): (path: string) => boolean {
  const rules = patterns
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => ({ keep: line.startsWith('!'), glob: line.replace(/^!/, '').replace(/^\/+|\/+$/g, '') }));
  return (path) => {
    const parts = path.split('/');
    const prefixes = parts.map((_, index) => parts.slice(0, index + 1).join('/'));
    let ignored = false;
    for (const rule of rules) if (prefixes.some((prefix) => matchesGlob(prefix, rule.glob))) ignored = !rule.keep;
    return ignored;
  };
}
