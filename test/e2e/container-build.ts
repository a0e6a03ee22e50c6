import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import { commandOf, envOf, type Stage } from './dockerfile.ts';

/** A stage as the build left it: its file system (a folder standing for `/`), working directory and environment. */
export interface BuiltStage {
  name: string | undefined;
  root: string;
  workdir: string;
  env: Record<string, string>;
  user: string | undefined;
}

/** How to build without a container: where the context is, what it ignores, what `RUN` may add. */
export interface BuildOptions {
  context: string;
  ignored: (path: string) => boolean;
  /** Folders standing for each stage's `/`, made fresh. */
  scratch: string;
  /** Variables of the host every `RUN` keeps (PATH with Node 24, npm's cache settings). */
  hostEnv: Record<string, string>;
  /** Called before each `RUN`, e.g. to seed what npm's cache would have. */
  beforeRun?: (command: string, stage: BuiltStage) => void;
  log?: (line: string) => void;
}

/** A container path as a path under the stage's root folder. */
export function onHost(stage: Pick<BuiltStage, 'root'>, path: string): string {
  return join(stage.root, path);
}

/**
 * Runs each stage's instructions outside a container: `WORKDIR`, `ENV` and `USER` are recorded,
 * `COPY` copies from the context (without what .dockerignore leaves out) or from an earlier stage,
 * and `RUN` runs its command in the stage's working directory with the stage's environment.
 * Ownership (`--chown`) and the user are not applied here: the host is not the image.
 */
export async function buildStages(stages: Stage[], options: BuildOptions): Promise<BuiltStage[]> {
  const built: BuiltStage[] = [];
  for (const [index, stage] of stages.entries()) {
    const current: BuiltStage = { name: stage.name, root: join(options.scratch, `stage-${index}`), workdir: '/', env: {}, user: undefined };
    mkdirSync(current.root, { recursive: true });
    for (const instruction of stage.instructions) {
      switch (instruction.keyword) {
        case 'WORKDIR':
          current.workdir = isAbsolute(instruction.args) ? instruction.args : join(current.workdir, instruction.args);
          mkdirSync(onHost(current, current.workdir), { recursive: true });
          break;
        case 'ENV':
          Object.assign(current.env, envOf(instruction.args));
          break;
        case 'USER':
          current.user = instruction.args;
          break;
        case 'COPY': {
          const from = instruction.flags.from === undefined ? undefined : built.find((earlier) => earlier.name === instruction.flags.from);
          if (instruction.flags.from !== undefined && !from) throw new Error(`line ${instruction.line}: no stage named ${instruction.flags.from}`);
          const paths = instruction.args.split(/\s+/);
          const target = paths.pop() ?? '';
          const destination = onHost(current, isAbsolute(target) ? target : join(current.workdir, target));
          for (const source of paths) {
            const path = from ? onHost(from, source) : join(options.context, source);
            if (!existsSync(path)) throw new Error(`line ${instruction.line}: COPY ${source}: no such file`);
            const into = statSync(path).isDirectory() || (!target.endsWith('/') && paths.length === 1) ? destination : join(destination, basename(source));
            copyInto(path, into, from ? () => false : (file) => options.ignored(relative(options.context, file).split('\\').join('/')));
          }
          break;
        }
        case 'RUN': {
          options.beforeRun?.(instruction.args, current);
          options.log?.(`RUN ${instruction.args}`);
          const [command = '', ...args] = commandOf(instruction.args);
          await runIn(command, args, onHost(current, current.workdir), { ...options.hostEnv, ...containerEnv(current) });
          break;
        }
        default:
          // EXPOSE, VOLUME, HEALTHCHECK and CMD describe the image; the caller reads them.
          break;
      }
    }
    built.push(current);
  }
  return built;
}

/** A stage's `ENV`, with each value that is a container path (it starts with `/`) moved under the stage's root. */
export function containerEnv(stage: BuiltStage): Record<string, string> {
  return Object.fromEntries(Object.entries(stage.env).map(([name, value]) => [name, value.startsWith('/') ? onHost(stage, value) : value]));
}

/** Copies a file or a folder's contents to `destination`, skipping what `skip` names. */
function copyInto(source: string, destination: string, skip: (path: string) => boolean): void {
  if (!statSync(source).isDirectory()) {
    if (skip(source)) return;
    mkdirSync(dirname(destination), { recursive: true });
    cpSync(source, destination);
    return;
  }
  mkdirSync(destination, { recursive: true });
  for (const entry of readdirSync(source)) {
    const path = join(source, entry);
    if (!skip(path)) cpSync(path, join(destination, entry), { recursive: true, verbatimSymlinks: true, filter: (file) => !skip(file) });
  }
}

function runIn(command: string, args: string[], cwd: string, env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env, timeout: 240_000, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${[command, ...args].join(' ')} failed in ${cwd}: ${error.message}\n${stdout}\n${stderr}`));
      else resolve();
    });
  });
}
