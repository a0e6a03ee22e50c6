/**
 * `npm run replicas -- <command>`: several `trident serve` processes on one PostgreSQL server
 * (`DATABASE_URL`) and one blob store behind haproxy, on loopback.
 *
 *   eval "$(npm run -s replicas -- start --replicas 2)"   # prints export TRIDENT_LB_URL=... TRIDENT_LB_GRPC=... TRIDENT_REPLICAS_DIR=...
 *   npm run replicas -- status                            # haproxy's view of each replica
 *   npm run replicas -- restart                           # a rolling restart of every replica (--replica N for one)
 *   npm run replicas -- kill --replica 1                  # SIGKILL one replica
 *   npm run replicas -- stop                              # stops all it started and deletes the folder
 *   npm run replicas -- run --replicas 2 -- <command>     # start, run the command with those variables, stop
 *
 * Replicas are numbered from 1. Without a folder argument, commands use $TRIDENT_REPLICAS_DIR.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { ReplicaSet, startReplicaSet } from './replicas/index.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    replicas: { type: 'string', default: '2' },
    replica: { type: 'string' },
    dir: { type: 'string' },
  },
});
const [command, ...rest] = positionals;

function fail(message: string): never {
  process.stderr.write(`replicas: ${message}\n`);
  process.exit(2);
}

function existing(): ReplicaSet {
  const dir = values.dir ?? rest[0] ?? process.env.TRIDENT_REPLICAS_DIR;
  if (!dir) fail('name the folder (--dir) or set TRIDENT_REPLICAS_DIR, as `start` prints');
  return ReplicaSet.open(dir);
}

/** The index of `--replica N` (numbered from 1), or every replica. */
function chosen(set: ReplicaSet): number[] {
  if (values.replica === undefined) return set.state.replicas.map((_, index) => index);
  const number = Number(values.replica);
  if (!Number.isInteger(number) || number < 1 || number > set.state.replicas.length) fail(`--replica must be 1 to ${set.state.replicas.length}`);
  return [number - 1];
}

const exports = (set: ReplicaSet): Record<string, string> => ({ TRIDENT_LB_URL: set.url, TRIDENT_LB_GRPC: set.grpcAddress, TRIDENT_REPLICAS_DIR: set.state.dir });

async function main(): Promise<void> {
  switch (command) {
    case 'start': {
      const set = await startReplicaSet({ replicas: Number(values.replicas), ...(values.dir ? { dir: values.dir } : {}) });
      for (const [name, value] of Object.entries(exports(set))) console.log(`export ${name}=${value}`);
      process.stderr.write(`replicas: ${set.state.replicas.length} replicas behind haproxy: REST and GraphQL ${set.url}, gRPC ${set.grpcAddress}\n`);
      return;
    }
    case 'status': {
      const set = existing();
      for (const state of await set.serverStates()) console.log(`${state.backend} ${state.server} ${state.status}`);
      return;
    }
    case 'restart': {
      const set = existing();
      for (const index of chosen(set)) {
        await set.restartReplica(index);
        process.stderr.write(`replicas: ${set.replica(index).name} restarted\n`);
      }
      return;
    }
    case 'kill': {
      const set = existing();
      if (values.replica === undefined) fail('kill needs --replica N');
      for (const index of chosen(set)) await set.stopReplica(index, 'SIGKILL');
      return;
    }
    case 'stop':
      await existing().stop();
      return;
    case 'run': {
      const separator = process.argv.indexOf('--');
      const argv = separator < 0 ? [] : process.argv.slice(separator + 1);
      if (argv.length === 0) fail('run needs a command after --');
      const set = await startReplicaSet({ replicas: Number(values.replicas), ...(values.dir ? { dir: values.dir } : {}) });
      try {
        const result = spawnSync(argv[0]!, argv.slice(1), { stdio: 'inherit', env: { ...process.env, ...exports(set) } });
        process.exitCode = result.status ?? 1;
      } finally {
        await set.stop();
      }
      return;
    }
    default:
      fail(`unknown command ${command ?? '(none)'}: start, status, restart, kill, stop or run`);
  }
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
