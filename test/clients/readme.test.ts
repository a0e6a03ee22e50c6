import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeClientPackage } from '../../tools/package.ts';
import { repoRoot, serveDemo, type Served } from './harness.ts';

// Every TypeScript example of the README's "For frontend teams" section is type-checked and run,
// as written, against the real servers; only the addresses of `npm start` are replaced by those
// of the servers started here, and `token` is given.
const run = promisify(execFile);
const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const section = /^## For frontend teams[^\n]*\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? '';
const examples = [...section.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '');
// Inside the repository, so that the client packages' own dependencies resolve from its node_modules;
// the packages themselves are written by `trident package` into the folder's node_modules.
const dir = join(repoRoot, '.tmp', `readme-clients-${process.pid}`);
const node = join(repoRoot, 'node_modules', '.bin', 'node');

let served: Served;
beforeAll(async () => {
  served = await serveDemo();
  mkdirSync(dir, { recursive: true });
  for (const key of ['study/v2', 'review/v1']) {
    await writeClientPackage({ root: repoRoot, key, out: join(dir, 'node_modules', `${key.replace('/', '-')}-client`), log: () => {} });
  }
  const token = await served.token('doctor');
  examples.forEach((example, index) => {
    const code = example.replaceAll("'http://127.0.0.1:8080'", `'${served.servers.httpUrl}'`).replaceAll("'127.0.0.1:50051'", `'${served.servers.grpcAddress}'`);
    writeFileSync(join(dir, `example-${index}.ts`), `const token = ${JSON.stringify(token)};\n${code}\nexport {};\n`);
  });
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../../tsconfig.json', include: ['.'], exclude: ['node_modules'] }));
}, 120_000);

afterAll(async () => {
  await served?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('README, for frontend teams', () => {
  it('has an example for the REST, GraphQL and gRPC clients and for errors', () => {
    expect(examples.length).toBeGreaterThanOrEqual(4);
    for (const client of ['-client/rest', '-client/graphql', '-client/grpc', "from 'study-v2-client'"]) expect(examples.some((example) => example.includes(client))).toBe(true);
  });

  it('every example type-checks', async () => {
    await run(join(repoRoot, 'node_modules', '.bin', 'tsc'), ['-p', join(dir, 'tsconfig.json')], { cwd: repoRoot }).catch((error: { stdout?: string }) => {
      throw new Error(error.stdout ?? String(error));
    });
  }, 120_000);

  it('every example runs against the servers and prints what it read', async () => {
    for (const [index] of examples.entries()) {
      const { stdout } = await run(node, [join(dir, `example-${index}.ts`)], { cwd: repoRoot, timeout: 30_000 });
      expect(stdout.trim(), `example ${index}`).not.toBe('');
      expect(stdout).not.toMatch(/undefined undefined/);
    }
  }, 120_000);
});
