/**
 * Several `trident serve` processes on one PostgreSQL server and one blob store, behind haproxy,
 * all on loopback: what `npm run replicas` starts and the multi-replica tests drive. The state of
 * a running set (ports, process ids, the replicas' environment) is kept in `<dir>/state.json`, so
 * another command can restart, kill or stop what this one started.
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { processAlive } from '../../src/store/blobs.ts';
import { freePort } from '../free-port.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkIntervalMs, haproxyConfig, parseServerStates } from './haproxy.ts';

const root = join(import.meta.dirname, '..', '..');

/** One replica: its name in haproxy, its ports and, while it runs, its process id. */
export interface ReplicaState {
  name: string;
  httpPort: number;
  grpcPort: number;
  pid?: number;
}

/** What `<dir>/state.json` holds. */
export interface ReplicaSetState {
  dir: string;
  httpPort: number;
  grpcPort: number;
  haproxyPid: number;
  entry: string;
  /** The environment every replica starts with (ports and its data directory added per replica). */
  env: Record<string, string>;
  replicas: ReplicaState[];
}

export interface ReplicaSetOptions {
  replicas: number;
  /** Where logs, haproxy's configuration and the state go; a new temp folder when absent. */
  dir?: string;
  /** The replicas' environment; `DATABASE_URL` must name the shared PostgreSQL server. */
  env?: NodeJS.ProcessEnv;
  /** The command's script, `tools/trident.ts` (this repository) unless given. */
  entry?: string;
}

/** A replica that did not become ready, with the end of its log. */
export class ReplicaStartError extends Error {}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** haproxy's path, installing Debian's package when it is missing and this process may. */
export function haproxyBinary(): string {
  const found = (): string | undefined => {
    try {
      // Debian puts it in /usr/sbin, which a non-root PATH may lack.
      return execFileSync('sh', ['-c', 'command -v haproxy || { test -x /usr/sbin/haproxy && echo /usr/sbin/haproxy; }'], { encoding: 'utf8' }).trim() || undefined;
    } catch {
      return undefined;
    }
  };
  const path = found();
  if (path !== undefined) return path;
  if (process.getuid?.() !== 0) throw new Error('haproxy is not installed: apt-get install haproxy');
  process.stderr.write('replicas: installing haproxy\n');
  execFileSync('sh', ['-c', 'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >&2 || (apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >&2)'], { stdio: ['ignore', 'inherit', 'inherit'] });
  const installed = found();
  if (installed === undefined) throw new Error('haproxy could not be installed');
  return installed;
}

function logTail(path: string, lines = 15): string {
  return existsSync(path) ? readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') : '(no log)';
}

/** A running set of replicas behind haproxy. */
export class ReplicaSet {
  readonly state: ReplicaSetState;

  constructor(state: ReplicaSetState) {
    this.state = state;
  }

  /** The set a `start` left in `dir`. */
  static open(dir: string): ReplicaSet {
    const file = join(dir, 'state.json');
    if (!existsSync(file)) throw new Error(`${dir} holds no replica set (no state.json)`);
    return new ReplicaSet(JSON.parse(readFileSync(file, 'utf8')) as ReplicaSetState);
  }

  /** REST and GraphQL through haproxy, e.g. `http://127.0.0.1:41234`. */
  get url(): string {
    return `http://127.0.0.1:${this.state.httpPort}`;
  }

  /** gRPC through haproxy, `127.0.0.1:<port>`. */
  get grpcAddress(): string {
    return `127.0.0.1:${this.state.grpcPort}`;
  }

  /** One replica's own HTTP address, past haproxy. */
  replicaUrl(index: number): string {
    return `http://127.0.0.1:${this.replica(index).httpPort}`;
  }

  /** One replica's own gRPC address, past haproxy. */
  replicaGrpcAddress(index: number): string {
    return `127.0.0.1:${this.replica(index).grpcPort}`;
  }

  replica(index: number): ReplicaState {
    const replica = this.state.replicas[index];
    if (replica === undefined) throw new Error(`there is no replica ${index} (0 to ${this.state.replicas.length - 1})`);
    return replica;
  }

  /** The log of one replica (its standard output and error). */
  log(index: number): string {
    return existsSync(this.logPath(index)) ? readFileSync(this.logPath(index), 'utf8') : '';
  }

  private logPath(index: number): string {
    return join(this.state.dir, `${this.replica(index).name}.log`);
  }

  /** Writes the state to `<dir>/state.json` (readable by the owner only: it holds the replicas' environment). */
  save(): void {
    writeFileSync(join(this.state.dir, 'state.json'), `${JSON.stringify(this.state, null, 2)}\n`, { mode: 0o600 });
  }

  /**
   * Starts replica `index` (not running) and resolves once its `/readyz` answers 200. A replica
   * without ports yet (port 0) lets the system choose them and keeps what its banner prints, so no
   * other process can take a port between choosing and listening (the entry prints
   * `REST http://127.0.0.1:<port>/` and `gRPC 127.0.0.1:<port> `, as serve's banner does); a
   * restart reuses its ports, which haproxy's configuration names.
   */
  async startReplica(index: number): Promise<void> {
    const replica = this.replica(index);
    if (processAlive(replica.pid)) throw new Error(`${replica.name} is running (pid ${replica.pid})`);
    const logPath = this.logPath(index);
    const logStart = existsSync(logPath) ? readFileSync(logPath).length : 0;
    const log = openSync(logPath, 'a');
    const child = spawn(join(root, 'node_modules/.bin/node'), [this.state.entry, 'serve'], {
      cwd: root,
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...this.state.env, HOST: '127.0.0.1', PORT: String(replica.httpPort), GRPC_PORT: String(replica.grpcPort), TRIDENT_DATA_DIR: join(this.state.dir, replica.name) },
    });
    closeSync(log);
    child.unref();
    if (child.pid === undefined) throw new ReplicaStartError(`${replica.name} could not be started`);
    replica.pid = child.pid;
    this.save();
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      if (!processAlive(replica.pid) || child.exitCode !== null) throw new ReplicaStartError(`${replica.name} exited while starting:\n${logTail(logPath)}`);
      if (replica.httpPort === 0 || replica.grpcPort === 0) {
        const banner = readFileSync(logPath).subarray(logStart).toString();
        const http = /REST\s+https?:\/\/127\.0\.0\.1:(\d+)\//.exec(banner)?.[1];
        const grpc = /gRPC\s+127\.0\.0\.1:(\d+) /.exec(banner)?.[1];
        if (http !== undefined && grpc !== undefined) {
          replica.httpPort = Number(http);
          replica.grpcPort = Number(grpc);
          this.save();
        }
      } else if (await fetch(`${this.replicaUrl(index)}/readyz`, { signal: AbortSignal.timeout(2_000) }).then((response) => response.status === 200, () => false)) {
        return;
      }
      await sleep(100);
    }
    throw new ReplicaStartError(`${replica.name} was not ready within 120 s:\n${logTail(logPath)}`);
  }

  /** Sends `signal` to replica `index` and resolves once its process has ended. */
  async stopReplica(index: number, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM', timeoutMs = 60_000): Promise<void> {
    const replica = this.replica(index);
    if (!processAlive(replica.pid)) return;
    process.kill(replica.pid!, signal);
    const deadline = Date.now() + timeoutMs;
    while (processAlive(replica.pid) && Date.now() < deadline) await sleep(50);
    if (processAlive(replica.pid)) {
      process.kill(replica.pid!, 'SIGKILL');
      while (processAlive(replica.pid)) await sleep(50);
    }
    delete replica.pid;
    this.save();
  }

  /** The status haproxy gives each server (`UP`, `DOWN`, `UP 1/2`...), per backend. */
  serverStates(): Promise<{ backend: string; server: string; status: string }[]> {
    return new Promise((resolve, reject) => {
      const socket = connect(join(this.state.dir, 'haproxy.sock'));
      let text = '';
      socket.on('connect', () => socket.end('show stat\n'));
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('error', reject);
      socket.on('close', () => resolve(parseServerStates(text)));
    });
  }

  /** Resolves once haproxy has replica `index` in `status` (`UP` or `DOWN`) in both backends. */
  async waitForBalancer(index: number, status: 'UP' | 'DOWN', timeoutMs = 30_000): Promise<void> {
    const name = this.replica(index).name;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const states = (await this.serverStates()).filter((state) => state.server === name);
      if (states.length === 2 && states.every((state) => state.status === status)) return;
      await sleep(checkIntervalMs / 5);
    }
    throw new Error(`haproxy did not mark ${name} ${status} within ${timeoutMs} ms: ${JSON.stringify(await this.serverStates())}`);
  }

  /**
   * Restarts one replica without losing a request: SIGTERM (its readiness turns 503 and haproxy
   * takes it out while it still answers, for the drain delay, then it finishes what is in flight
   * and exits), start again, and wait until haproxy sends it traffic again.
   */
  async restartReplica(index: number): Promise<void> {
    await this.stopReplica(index, 'SIGTERM');
    await this.startReplica(index);
    await this.waitForBalancer(index, 'UP');
  }

  /** Stops every replica and haproxy; the folder is removed unless `keep`. */
  async stop(options: { keep?: boolean } = {}): Promise<void> {
    await Promise.all(this.state.replicas.map((_, index) => this.stopReplica(index, 'SIGTERM')));
    if (processAlive(this.state.haproxyPid)) {
      process.kill(this.state.haproxyPid, 'SIGTERM');
      while (processAlive(this.state.haproxyPid)) await sleep(50);
    }
    if (!options.keep) rmSync(this.state.dir, { recursive: true, force: true });
  }
}

/**
 * Starts `replicas` serve processes at the same moment on the PostgreSQL server of `DATABASE_URL`
 * and one blob folder (`TRIDENT_BLOB_DIR`, else `<dir>/blobs`), then haproxy in front, and
 * resolves once haproxy sends traffic to every replica. Each replica drains for
 * `TRIDENT_DRAIN_DELAY` seconds (2 unless set) on SIGTERM, long enough for haproxy's checks to take
 * it out first. On failure everything started is stopped.
 */
export async function startReplicaSet(options: ReplicaSetOptions): Promise<ReplicaSet> {
  // Without npm's variables: a replica started by `npm run replicas` would otherwise take npm's exit
  // for its own stop signal (serve follows `npm start` that way).
  const env = Object.fromEntries(Object.entries(options.env ?? process.env).filter((entry): entry is [string, string] => entry[1] !== undefined && !entry[0].startsWith('npm_')));
  if (!env.DATABASE_URL) throw new Error('replicas share one PostgreSQL server: set DATABASE_URL (e.g. tools/ci-postgres.sh run -- npm run replicas -- run -- <command>)');
  if (!Number.isInteger(options.replicas) || options.replicas < 1 || options.replicas > 16) throw new Error(`--replicas must be a whole number from 1 to 16, not ${options.replicas}`);
  const haproxy = haproxyBinary();
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'trident-replicas-'));
  mkdirSync(dir, { recursive: true });
  const blobDir = env.TRIDENT_BLOB_DIR || join(dir, 'blobs');
  // Port 0: each replica's own ports are the ones it listens on (see startReplica).
  const replicas: ReplicaState[] = Array.from({ length: options.replicas }, (_, index) => ({ name: `replica${index + 1}`, httpPort: 0, grpcPort: 0 }));
  const set = new ReplicaSet({
    dir,
    httpPort: 0,
    grpcPort: 0,
    haproxyPid: 0,
    entry: options.entry ?? 'tools/trident.ts',
    env: { ...env, TRIDENT_BLOB_DIR: blobDir, TRIDENT_DRAIN_DELAY: env.TRIDENT_DRAIN_DELAY ?? '2' },
    replicas,
  });
  try {
    await Promise.all(replicas.map((_, index) => set.startReplica(index)));
    await startBalancer(set, haproxy);
    await Promise.all(replicas.map((_, index) => set.waitForBalancer(index, 'UP')));
    return set;
  } catch (error) {
    await set.stop({ keep: true }).catch(() => {});
    throw error;
  }
}

/**
 * Starts haproxy in front of the running replicas on two free ports. A port chosen free can be
 * taken before haproxy binds it (other tests run beside); haproxy then exits at once, and it is
 * started again on other ports, up to three times.
 */
async function startBalancer(set: ReplicaSet, haproxy: string): Promise<void> {
  const { dir } = set.state;
  const config = join(dir, 'haproxy.cfg');
  const socket = join(dir, 'haproxy.sock');
  for (let attempt = 1; ; attempt += 1) {
    set.state.httpPort = await freePort();
    set.state.grpcPort = await freePort();
    writeFileSync(config, haproxyConfig({ httpPort: set.state.httpPort, grpcPort: set.state.grpcPort, statsSocket: socket, replicas: set.state.replicas }));
    execFileSync(haproxy, ['-c', '-q', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    rmSync(socket, { force: true });
    const log = openSync(join(dir, 'haproxy.log'), 'a');
    const child = spawn(haproxy, ['-db', '-f', config], { detached: true, stdio: ['ignore', log, log] });
    closeSync(log);
    child.unref();
    if (child.pid === undefined) throw new Error('haproxy could not be started');
    set.state.haproxyPid = child.pid;
    set.save();
    const deadline = Date.now() + 10_000;
    while (!existsSync(socket) && processAlive(child.pid) && Date.now() < deadline) await sleep(50);
    if (existsSync(socket) && processAlive(child.pid)) return;
    if (attempt === 3 || processAlive(child.pid)) throw new Error(`haproxy did not start:\n${logTail(join(dir, 'haproxy.log'))}`);
  }
}
