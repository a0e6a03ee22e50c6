import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

export const repoRoot = join(import.meta.dirname, '..', '..');

/** A `trident serve` child process and what its banner says. */
export interface ServerProcess {
  child: ChildProcess;
  httpUrl: string;
  grpcAddress: string;
  /** The demo study of dev mode; empty in production mode, which seeds no demo data. */
  studyId: string;
  /** The dev token per role the banner printed (none in production mode). */
  tokens: Record<string, string>;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string | null>;
}

/** A scratch data directory for a server (PGlite files and blobs). */
export function scratchDataDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'trident-reliability-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Starts `node tools/trident.ts serve` (`tools/trident.ts serve` with `asProgram`) on free loopback
 * ports with its data in `dataDir` (PGlite unless `databaseUrl` is given) and waits for the banner;
 * `env` with a token key starts it in production mode.
 */
export async function startServerProcess(dataDir: string, options: { databaseUrl?: string; env?: Record<string, string>; asProgram?: boolean } = {}): Promise<ServerProcess> {
  // As a program, the command starts through its `#!` line, as npx and node_modules/.bin run it.
  const [command, args] = options.asProgram ? [join(repoRoot, 'tools/trident.ts'), ['serve']] : [join(repoRoot, 'node_modules/.bin/node'), ['tools/trident.ts', 'serve']];
  const child = spawn(command, args, {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', GRPC_PORT: '0', TRIDENT_DATA_DIR: dataDir, DATABASE_URL: options.databaseUrl ?? '', ...(options.asProgram ? { PATH: `${join(repoRoot, 'node_modules/.bin')}:${process.env.PATH ?? ''}` } : {}), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  const deadline = Date.now() + 90_000;
  // The banner ends with "Try:" in dev mode, and with the line on tokens in production mode.
  const ready = () => output.includes('Try:') || /^Production mode: .*$/m.test(output);
  while (!ready() && Date.now() < deadline && child.exitCode === null && child.signalCode === null) await new Promise((resolve) => setTimeout(resolve, 100));
  const httpUrl = /REST\s+(https?:\/\/127\.0\.0\.1:\d+)\//.exec(output)?.[1];
  const grpcAddress = /gRPC\s+(127\.0\.0\.1:\d+) /.exec(output)?.[1];
  const production = output.includes('Production mode: ');
  const studyId = /Demo study: (stu_\w+)/.exec(output)?.[1] ?? (production ? '' : undefined);
  if (!httpUrl || !grpcAddress || studyId === undefined) {
    child.kill('SIGKILL');
    throw new Error(`the server did not start:\n${output}`);
  }
  const tokens: Record<string, string> = {};
  for (const match of output.matchAll(/^ {2}(\w+)\s+(eyJ[\w.-]+)$/gm)) tokens[match[1]!] = match[2]!;
  return { child, httpUrl, grpcAddress, studyId, tokens, output: () => output, exited };
}

/** Stops a server process for good, whatever state it is in. */
export async function killServer(server: ServerProcess | undefined): Promise<void> {
  if (!server || server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill('SIGKILL');
  await server.exited;
}

/**
 * One server process for the tests of the calling file or `describe` block: started before them,
 * killed and its data removed after. Returns the running server.
 */
export function useServerProcess(options: { env?: Record<string, string>; databaseUrl?: string; asProgram?: boolean } = {}): () => ServerProcess {
  const data = scratchDataDir();
  let server: ServerProcess | undefined;
  beforeAll(async () => {
    server = await startServerProcess(data.dir, options);
  }, 120_000);
  afterAll(async () => {
    await killServer(server);
    data.remove();
  });
  return () => {
    if (!server) throw new Error('the server process has not started');
    return server;
  };
}

/**
 * A server process beside something it uses (a receiver, a bucket) for the tests of the calling
 * `describe` block: `companion` starts first and `env` points the server at it; both are stopped
 * and the server's data removed after.
 */
export function useServerBeside<T extends { close(): Promise<void> }>(companion: () => Promise<T>, env: (started: T) => Record<string, string>): () => { server: ServerProcess; beside: T } {
  const data = scratchDataDir();
  let started: { server: ServerProcess; beside: T } | undefined;
  let beside: T | undefined;
  beforeAll(async () => {
    beside = await companion();
    started = { server: await startServerProcess(data.dir, { env: env(beside) }), beside };
  }, 120_000);
  afterAll(async () => {
    await killServer(started?.server);
    await beside?.close();
    data.remove();
  });
  return () => {
    if (!started) throw new Error('the server process has not started');
    return started;
  };
}

/** `trident serve` run to its end with `env` and `args`: the exit code and everything it printed. */
export function runServe(env: Record<string, string>, args: string[] = []): Promise<{ code: number | null; output: string }> {
  const data = scratchDataDir();
  return new Promise((resolve) => {
    const child = execFile(join(repoRoot, 'node_modules/.bin/node'), ['tools/trident.ts', 'serve', ...args], { cwd: repoRoot, env: { ...process.env, PORT: '0', GRPC_PORT: '0', TRIDENT_DATA_DIR: data.dir, DATABASE_URL: '', ...env }, timeout: 120_000 }, (_error, stdout, stderr) => {
      data.remove();
      resolve({ code: child.exitCode, output: stdout + stderr });
    });
  });
}
