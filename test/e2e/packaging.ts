import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './workspace.ts';

/** A command's outcome. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command; a non-zero exit fails with its output unless `allowFailure`. */
export function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; allowFailure?: boolean; timeout?: number }): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: options.cwd, env: options.env ?? process.env, timeout: options.timeout ?? 240_000, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      if (code !== 0 && !options.allowFailure) reject(new Error(`${command} ${args.join(' ')} exited ${code} (${error?.message ?? ''}):\n${stdout}\n${stderr}`));
      else resolve({ code, stdout, stderr });
    });
  });
}

/** A scratch folder outside the repository, so nothing resolves through the checkout. */
export function scratchRoot(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** `npm pack` of the toolkit (its prepack builds dist/) into `into`; resolves to the tarball's path. */
export async function packToolkit(into: string): Promise<string> {
  await run('npm', ['pack', '--pack-destination', into], { cwd: repoRoot, timeout: 300_000 });
  const tarball = readdirSync(into).find((name) => /^trident-.*\.tgz$/.test(name));
  if (!tarball) throw new Error(`npm pack wrote no tarball into ${into}`);
  return join(into, tarball);
}
