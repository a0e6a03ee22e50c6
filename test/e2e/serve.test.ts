import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './workspace.ts';

describe('npm start', () => {
  it('serves the demo data on PGlite, and SIGTERM drains, closes the database and exits 0', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'trident-serve-'));
    const child = spawn(join(repoRoot, 'node_modules/.bin/node'), ['tools/trident.ts', 'serve'], {
      cwd: repoRoot,
      env: { ...process.env, PORT: '0', GRPC_PORT: '0', TRIDENT_DATA_DIR: dataDir, DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 90_000;
      while (!output.includes('Try:') && Date.now() < deadline && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 200));
      expect(output).toContain('Database: embedded PGlite.');
      expect(output).toMatch(/Dev mode: tokens are signed with a built-in key that is only for local use\./);
      const curl = /curl -H "Authorization: Bearer ([^"]+)" (http:\/\/127\.0\.0\.1:\d+\/study\/v2\/studies\/stu_\w+)/.exec(output);
      expect(curl).not.toBeNull();
      const response = await fetch(curl![2]!, { headers: { authorization: `Bearer ${curl![1]}` } });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { description: string }).description).toContain('Demo');
      const docs = await fetch(new URL('/docs/study/v2', curl![2]!));
      expect(await docs.text()).toContain('data-url="/study/v2/openapi.json"');
      const graphiql = await fetch(new URL('/study/v2/graphql', curl![2]!), { headers: { accept: 'text/html' } });
      expect(await graphiql.text()).toContain('GraphiQL');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output).toContain('SIGTERM: finishing in-flight requests, then stopping.');
    } finally {
      child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('npm start on a database it cannot use', () => {
  it('says so in one line naming the server and the cause, without the password, and exits 1', async () => {
    // A port nothing listens on: the connection is refused.
    const { createServer } = await import('node:net');
    const closed = createServer();
    const port = await new Promise<number>((resolve) => closed.listen(0, '127.0.0.1', () => resolve((closed.address() as { port: number }).port)));
    await new Promise((resolve) => closed.close(resolve));
    const child = spawn(join(repoRoot, 'node_modules/.bin/node'), ['tools/trident.ts', 'serve'], {
      cwd: repoRoot,
      env: { ...process.env, PORT: '0', GRPC_PORT: '0', DATABASE_URL: `postgres://clinic:s3cret-pw@127.0.0.1:${port}/imaging` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(`trident serve: setting up src/services/index.ts failed: cannot use the PostgreSQL database of DATABASE_URL (127.0.0.1:${port}/imaging): connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(stderr).not.toContain('s3cret-pw');
  }, 120_000);
});
