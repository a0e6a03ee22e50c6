import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveDemo, type Served } from '../clients/harness.ts';
import { clientTarballs, installInto } from '../clients/packages.ts';
import { run, scratchRoot } from './packaging.ts';
import { repoRoot } from './workspace.ts';

// Study v2's client package as a team outside this repository gets it: the tarball of
// `trident package study/v2`, installed with npm into projects that have nothing else.
const scratch = scratchRoot('trident-client-package-');
const node = join(repoRoot, 'node_modules', '.bin', 'node');
let tarball = '';
let served: Served;

beforeAll(async () => {
  tarball = (await clientTarballs()).get('study/v2')!;
  served = await serveDemo();
}, 300_000);

afterAll(async () => {
  await served?.close();
  rmSync(scratch, { recursive: true, force: true });
});

function project(name: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  return dir;
}

describe('the study v2 client package', () => {
  it('is an ES module package whose dependencies are only what a client needs', async () => {
    const listing = await run('tar', ['-tzf', tarball], { cwd: scratch });
    expect(listing.stdout).toMatch(/package\/dist\/rest\.js/);
    expect(listing.stdout).toMatch(/package\/dist\/rest\.d\.ts/);
    // JavaScript and declarations only: no TypeScript source that Node would refuse in node_modules.
    expect(listing.stdout.split('\n').filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
    const manifest = JSON.parse((await run('tar', ['-xzOf', tarball, 'package/package.json'], { cwd: scratch })).stdout) as Record<string, unknown>;
    expect(manifest).toMatchObject({ name: 'study-v2-client', type: 'module', sideEffects: false, exports: { './grpc': { node: {} } } });
    expect(Object.keys(manifest.dependencies as object)).toEqual(['openapi-fetch']);
    // graphql-js's types for a project that type-checks the GraphQL client; the gRPC libraries for ./grpc.
    expect(manifest.peerDependenciesMeta).toEqual({ graphql: { optional: true }, '@grpc/grpc-js': { optional: true }, '@bufbuild/protobuf': { optional: true } });
  });

  it('runs in a plain Node script (no bundler, no type stripping) over REST and gRPC', async () => {
    const dir = project('plain-node');
    await installInto(dir, [tarball, '@grpc/grpc-js', '@bufbuild/protobuf']);
    writeFileSync(
      join(dir, 'main.mjs'),
      `import { createStudyV2RestClient } from 'study-v2-client/rest';
import { createStudyV2GrpcClient } from 'study-v2-client/grpc';
import { isTridentError } from 'study-v2-client';
const [httpUrl, grpcAddress, token, studyId] = process.argv.slice(2);
const rest = createStudyV2RestClient({ baseUrl: httpUrl, token });
const study = await rest.getStudy({ params: { path: { studyId } } });
const grpc = createStudyV2GrpcClient({ address: grpcAddress, token, timeoutMs: 5000 });
const { body } = await grpc.getStudy({ studyId });
try {
  await rest.getStudy({ params: { path: { studyId: 'stu_0000000000000000missing' } } });
} catch (error) {
  console.log('missing:', isTridentError(error, 'not_found'));
}
grpc.close();
console.log(JSON.stringify({ rest: study.id, grpc: body?.id }));
`,
    );
    const token = await served.token('doctor');
    const { stdout } = await run(node, ['main.mjs', served.servers.httpUrl, served.servers.grpcAddress, token, served.seed.studyId], { cwd: dir });
    expect(stdout).toContain('missing: true');
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({ rest: served.seed.studyId, grpc: served.seed.studyId });
  }, 300_000);

  it('type-checks a consumer under tsc --strict, REST with only the package installed, GraphQL with graphql beside it, and catches its mistakes', async () => {
    const dir = project('typed-consumer');
    await installInto(dir, [tarball]);
    const compile = (source: string) => {
      writeFileSync(join(dir, 'consumer.ts'), source);
      return run(join(repoRoot, 'node_modules', '.bin', 'tsc'), ['--strict', '--noEmit', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--lib', 'es2022,dom', 'consumer.ts'], { cwd: dir, allowFailure: true });
    };
    const restOnly = `import { createStudyV2RestClient } from 'study-v2-client/rest';
import { isTridentError, type paths } from 'study-v2-client';
type StudyPath = keyof paths;
export const path: StudyPath = '/studies/{studyId}';
export async function read(token: string): Promise<string> {
  const rest = createStudyV2RestClient({ baseUrl: 'http://localhost', token });
  try {
    const page = await rest.listStudies({ params: { query: { pageSize: 10, status: 'available' } } });
    return page.items[0]?.status ?? 'none';
  } catch (error) {
    return isTridentError(error, 'not_found') ? 'none' : 'error';
  }
}
`;
    const withGraphql = `import { createStudyV2RestClient } from 'study-v2-client/rest';
import { createStudyV2GraphqlClient, type Study } from 'study-v2-client/graphql';
import { isTridentError } from 'study-v2-client';
export async function read(token: string): Promise<string> {
  const rest = createStudyV2RestClient({ baseUrl: 'http://localhost', token });
  const page = await rest.listStudies({ params: { query: { pageSize: 10, status: 'available' } } });
  const graphql = createStudyV2GraphqlClient({ baseUrl: 'http://localhost', token });
  const study: Study = await graphql.getStudy({ studyId: page.items[0]!.id });
  try { return study.status; } catch (error) { return isTridentError(error, 'not_found') ? 'none' : 'error'; }
}
`;
    const rest = await compile(restOnly);
    expect(rest.code, rest.stdout).toBe(0);
    // The GraphQL documents are typed with graphql-js's DocumentNode: without it the check says so.
    const missing = await compile(withGraphql);
    expect(missing.code).not.toBe(0);
    expect(missing.stdout).toMatch(/Cannot find module 'graphql'/);
    await installInto(dir, ['graphql']);
    const good = await compile(withGraphql);
    expect(good.code, good.stdout).toBe(0);
    const bad = await compile(`import { createStudyV2RestClient } from 'study-v2-client/rest';
import { createStudyV2GraphqlClient } from 'study-v2-client/graphql';
const rest = createStudyV2RestClient({ baseUrl: 'http://localhost' });
await rest.listStudies({ params: { query: { status: 'no-such-status' } } });
const graphql = createStudyV2GraphqlClient({ baseUrl: 'http://localhost' });
await graphql.getStudy({ studyIdentifier: 'stu_1' });
`);
    expect(bad.code).not.toBe(0);
    expect(bad.stdout).toMatch(/no-such-status/);
    expect(bad.stdout).toMatch(/studyIdentifier/);
  }, 300_000);

  it('builds in a fresh `npm create vite` TypeScript app, its template tsconfig unchanged', async () => {
    await run('npm', ['create', '--yes', 'vite@latest', 'vite-app', '--', '--template', 'vanilla-ts'], { cwd: scratch, timeout: 300_000 });
    const dir = join(scratch, 'vite-app');
    const tsconfig = readFileSync(join(dir, 'tsconfig.json'), 'utf8');
    expect(tsconfig).toMatch(/"noUnusedLocals": true/);
    await installInto(dir, []);
    // graphql for the GraphQL documents' types, as the package's README says.
    await installInto(dir, [tarball, 'graphql']);
    rmSync(join(dir, 'src', 'counter.ts'), { force: true });
    writeFileSync(
      join(dir, 'src', 'main.ts'),
      `import { createStudyV2RestClient } from 'study-v2-client/rest';
import { createStudyV2GraphqlClient } from 'study-v2-client/graphql';
import { isTridentError } from 'study-v2-client';

const token = new URLSearchParams(location.search).get('token') ?? '';
const rest = createStudyV2RestClient({ baseUrl: location.origin, token });
const graphql = createStudyV2GraphqlClient({ baseUrl: location.origin, token });
const app = document.querySelector<HTMLDivElement>('#app')!;
try {
  const page = await rest.listStudies({ params: { query: { pageSize: 5 } } });
  const first = page.items[0];
  const study = first ? await graphql.getStudy({ studyId: first.id }) : undefined;
  app.textContent = \`\${page.items.length} studies; first: \${study?.status ?? 'none'}\`;
} catch (error) {
  app.textContent = isTridentError(error) ? \`\${error.code}: \${error.message}\` : String(error);
}
`,
    );
    expect(readFileSync(join(dir, 'tsconfig.json'), 'utf8')).toBe(tsconfig);
    const built = await run('npm', ['run', 'build'], { cwd: dir, timeout: 300_000 });
    expect(built.stdout).toMatch(/built in/);
  }, 600_000);

  it('trident package study/v2 writes the package from the command line', async () => {
    const out = join(scratch, 'from-cli');
    const result = await run(node, ['tools/trident.ts', 'package', 'study/v2', '--out', out], { cwd: repoRoot });
    expect(result.stdout).toMatch(/^wrote study-v2-client@\d+\.\d+\.\d+ \(rest, graphql, grpc\) to /m);
    expect(JSON.parse(readFileSync(join(out, 'package.json'), 'utf8'))).toMatchObject({ name: 'study-v2-client', type: 'module' });
  }, 120_000);

  it('trident package of an unknown API version names the known ones', async () => {
    const result = await run(node, ['tools/trident.ts', 'package', 'nothing/v9'], { cwd: repoRoot, allowFailure: true });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no API version 'nothing\/v9' under contracts\/; the known ones are image\/v1, review\/v1, study\/v1, study\/v2/);
  });

  it('writes a README with an example per protocol', () => {
    const dir = join(scratch, 'readme');
    mkdirSync(dir);
    return run('tar', ['-xzf', tarball, '-C', dir], { cwd: scratch }).then(() => {
      const readme = readFileSync(join(dir, 'package', 'README.md'), 'utf8');
      for (const entry of ["from 'study-v2-client/rest'", "from 'study-v2-client/graphql'", "from 'study-v2-client/grpc'"]) expect(readme).toContain(entry);
    });
  });
});
