import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corsOptions, CorsConfigError, originAllowed, parseCorsOrigins } from '../../src/runtime/cors.ts';
import { preflight, send } from './clients.ts';
import { repoRoot, scratchDataDir, useServerProcess, type ServerProcess } from './server-process.ts';

/** The calls a browser page makes across the three kinds of HTTP endpoint: REST, GraphQL, an event stream. */
function endpoints(server: ServerProcess): Array<{ name: string; url: string; method: string; headers: Record<string, string>; body?: string }> {
  const auth = { authorization: `Bearer ${server.tokens.doctor}` };
  return [
    { name: 'REST read', url: `${server.httpUrl}/study/v2/studies/${server.studyId}`, method: 'GET', headers: auth },
    { name: 'REST refusal (401)', url: `${server.httpUrl}/study/v2/studies/${server.studyId}`, method: 'GET', headers: {} },
    { name: 'GraphQL', url: `${server.httpUrl}/study/v2/graphql`, method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ listStudies { items { id } } }' }) },
    { name: 'event stream', url: `${server.httpUrl}/review/v1/studies/${server.studyId}/events`, method: 'GET', headers: { ...auth, accept: 'text/event-stream' } },
  ];
}

describe('an allow-list entry', () => {
  it('matches exact origins, default ports and port wildcards, and nothing else', () => {
    const list = ['https://viewer.example.org', 'http://localhost:*', 'http://[::1]:*'];
    expect(originAllowed('https://viewer.example.org', list)).toBe(true);
    expect(originAllowed('https://VIEWER.example.org:443', list)).toBe(true);
    expect(originAllowed('http://localhost:5173', list)).toBe(true);
    expect(originAllowed('http://[::1]:8081', list)).toBe(true);
    expect(originAllowed('http://viewer.example.org', list)).toBe(false);
    expect(originAllowed('https://viewer.example.org.evil.test', list)).toBe(false);
    expect(originAllowed('https://localhost:5173', list)).toBe(false);
    expect(originAllowed('null', list)).toBe(false);
    expect(originAllowed('https://anything.test', ['*'])).toBe(true);
  });

  it('is refused with what an entry looks like when it is not an origin', () => {
    expect(parseCorsOrigins(' https://a.example , ,http://localhost:5173')).toEqual(['https://a.example', 'http://localhost:5173']);
    for (const bad of ['https://a.example/', 'a.example', 'https://a.example/app', 'ftp://a.example']) {
      expect(() => parseCorsOrigins(bad), bad).toThrow(CorsConfigError);
      expect(() => parseCorsOrigins(bad), bad).toThrow(/is not an origin: write scheme:\/\/host\[:port\]/);
    }
  });

  it('never allows credentials, and `*` is sent as `*`, not as the asking origin', () => {
    expect(corsOptions(['*']).origin).toBe('*');
    expect(corsOptions(['https://a.example']).credentials).toBe(false);
    expect(corsOptions(['*']).credentials).toBe(false);
  });
});

describe('dev mode allows pages on this machine only', () => {
  const server = useServerProcess();

  it('says so in its banner', () => {
    expect(server().output()).toContain('Browsers may call from: http://localhost:*, http://127.0.0.1:*, http://[::1]:* (TRIDENT_CORS_ORIGINS).');
  });

  it('answers the preflight of a local page for REST, GraphQL and event streams, and no other origin', async () => {
    for (const endpoint of endpoints(server())) {
      const allowed = await preflight(endpoint.url, 'http://localhost:5173', endpoint.method, 'authorization,content-type,if-match,last-event-id');
      expect(allowed.status, endpoint.name).toBe(204);
      expect(allowed.headers['access-control-allow-origin'], endpoint.name).toBe('http://localhost:5173');
      expect(String(allowed.headers['access-control-allow-methods']), endpoint.name).toContain(endpoint.method);
      expect(String(allowed.headers['access-control-allow-headers']).toLowerCase().split(/,\s*/), endpoint.name).toEqual(expect.arrayContaining(['authorization', 'content-type', 'if-match', 'last-event-id']));
      expect(allowed.headers['access-control-allow-credentials'], endpoint.name).toBeUndefined();
      expect(String(allowed.headers.vary), endpoint.name).toMatch(/origin/i);

      const refused = await preflight(endpoint.url, 'https://evil.example', endpoint.method);
      expect(refused.headers['access-control-allow-origin'], endpoint.name).toBeUndefined();
      expect(refused.headers['access-control-allow-methods'], endpoint.name).toBeUndefined();
    }
  });

  it('marks the responses themselves, errors and streams included, for the listed origin only', async () => {
    for (const endpoint of endpoints(server())) {
      const allowed = await send(endpoint.url, endpoint.method, { ...endpoint.headers, origin: 'http://127.0.0.1:3000' }, endpoint.body);
      expect(allowed.headers['access-control-allow-origin'], endpoint.name).toBe('http://127.0.0.1:3000');
      expect(allowed.headers['access-control-allow-credentials'], endpoint.name).toBeUndefined();
      expect(String(allowed.headers['access-control-expose-headers']).toLowerCase(), endpoint.name).toContain('etag');

      const other = await send(endpoint.url, endpoint.method, { ...endpoint.headers, origin: 'https://evil.example' }, endpoint.body);
      expect(other.status, endpoint.name).toBe(allowed.status);
      expect(other.headers['access-control-allow-origin'], endpoint.name).toBeUndefined();
    }
  });
});

describe('TRIDENT_CORS_ORIGINS replaces the default', () => {
  const server = useServerProcess({ env: { TRIDENT_CORS_ORIGINS: 'https://viewer.example.org' } });

  it('allows the listed origin over every endpoint and no longer a local page', async () => {
    expect(server().output()).toContain('Browsers may call from: https://viewer.example.org (TRIDENT_CORS_ORIGINS).');
    for (const endpoint of endpoints(server())) {
      expect((await preflight(endpoint.url, 'https://viewer.example.org', endpoint.method)).headers['access-control-allow-origin'], endpoint.name).toBe('https://viewer.example.org');
      expect((await preflight(endpoint.url, 'http://localhost:5173', endpoint.method)).headers['access-control-allow-origin'], endpoint.name).toBeUndefined();
    }
  });
});

describe('a malformed setting', () => {
  it.each([
    { env: { TRIDENT_CORS_ORIGINS: 'https://viewer.example.org/' }, said: "TRIDENT_CORS_ORIGINS: 'https://viewer.example.org/' is not an origin" },
    { env: { TRIDENT_GRAPHIQL: 'maybe' }, said: 'TRIDENT_GRAPHIQL=maybe is neither on nor off' },
  ])('stops serve with one line naming it: $said', async ({ env, said }) => {
    const data = scratchDataDir();
    try {
      const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
        const child = execFile(join(repoRoot, 'node_modules/.bin/node'), ['tools/trident.ts', 'serve'], { cwd: repoRoot, env: { ...process.env, PORT: '0', GRPC_PORT: '0', TRIDENT_DATA_DIR: data.dir, DATABASE_URL: '', ...env }, timeout: 60_000 }, (_error, stdout, stderr) =>
          resolve({ code: child.exitCode, output: stdout + stderr }),
        );
      });
      expect(result.code).not.toBe(0);
      expect(result.output).toContain(said);
      expect(result.output).not.toMatch(/^\s+at /m);
    } finally {
      data.remove();
    }
  });
});
