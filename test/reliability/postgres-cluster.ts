import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll } from 'vitest';
import { killServer, repoRoot, scratchDataDir, startServerProcess, type ServerProcess } from './server-process.ts';

const run = promisify(execFile);
const script = join(repoRoot, 'tools/ci-postgres.sh');

// A PostgreSQL server of a test's own (the one tests share must keep running), started with
// tools/ci-postgres.sh where a PostgreSQL environment is available (CI runs under it).
export const postgresReason = process.env.DATABASE_URL ? undefined : 'DATABASE_URL is not set: run under tools/ci-postgres.sh run -- npm test';

/** A throwaway PostgreSQL server that a test may stop and start again. */
export interface PostgresCluster {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and deletes its files. */
  remove(): Promise<void>;
}

export async function startCluster(): Promise<PostgresCluster> {
  const { stdout } = await run('bash', [script, 'start'], { env: process.env });
  const url = /DATABASE_URL=(\S+)/.exec(stdout)?.[1] ?? '';
  const dir = /TRIDENT_PG_DIR=(\S+)/.exec(stdout)?.[1] ?? '';
  const pgCtl = async (...args: string[]) => {
    const bin = (await run('bash', ['-c', 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1'])).stdout.trim();
    const command = [`${bin}/pg_ctl`, ...args];
    await (process.getuid?.() === 0 ? run('runuser', ['-u', 'postgres', '--', ...command]) : run(command[0]!, command.slice(1)));
  };
  const port = new URL(url).port;
  return {
    url,
    stop: () => pgCtl('-D', join(dir, 'data'), '-m', 'fast', '-w', 'stop'),
    start: () => pgCtl('-D', join(dir, 'data'), '-l', join(dir, 'server.log'), '-w', '-t', '30', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start'),
    remove: async () => {
      if (dir) await run('bash', [script, 'stop', dir]).catch(() => {});
    },
  };
}

/**
 * A PostgreSQL server of its own and a `trident serve` process on it, for the tests of the calling
 * `describe` block: started before them, both stopped and removed after.
 */
export function usePostgresServer(): () => { server: ServerProcess; cluster: PostgresCluster } {
  const data = scratchDataDir();
  let server: ServerProcess | undefined;
  let cluster: PostgresCluster | undefined;
  beforeAll(async () => {
    cluster = await startCluster();
    server = await startServerProcess(data.dir, { databaseUrl: cluster.url });
  }, 120_000);
  afterAll(async () => {
    await killServer(server);
    data.remove();
    await cluster?.remove();
  });
  return () => {
    if (!server || !cluster) throw new Error('the PostgreSQL server or the server process has not started');
    return { server, cluster };
  };
}
