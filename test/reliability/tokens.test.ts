import { execFile } from 'node:child_process';
import { createSecretKey } from 'node:crypto';
import { join } from 'node:path';
import { SignJWT, type JWTPayload } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { AuthConfigError, authenticatorFromEnv, devSecret } from '../../src/runtime/auth.ts';
import { demoOrgId, demoUsers } from '../../src/services/demo/seed.ts';
import { openDatabase } from '../../src/store/index.ts';
import { openWorldDatabase } from '../services/harness.ts';
import { call, grpcClient, pagesOffered, preflight, unary } from './clients.ts';
import { repoRoot, scratchDataDir, useServerProcess, type ServerProcess } from './server-process.ts';

// A production server: an HS256 secret, a pseudonym key, NODE_ENV=production, and token limits
// tighter than the defaults, so the configuration is seen to take effect.
const productionSecret = 'a production secret of the token tests, 32 bytes or more';
const productionEnv = { NODE_ENV: 'production', TRIDENT_JWT_SECRET: productionSecret, TRIDENT_PSEUDONYM_KEY: 'a production pseudonym key of the token tests' };
const productionLimits = { TRIDENT_JWT_MAX_LIFETIME: '7200', TRIDENT_JWT_CLOCK_SKEW: '10' };

const now = () => Math.floor(Date.now() / 1000);

/** An HS256 token of the demo organisation's admin with exactly the given time claims. */
function token(secret: string, times: Pick<JWTPayload, 'iat' | 'nbf' | 'exp'>): Promise<string> {
  const claims = { sub: demoUsers.org_admin.id, org: demoOrgId, roles: ['org_admin'], iss: 'trident', aud: 'trident-api', ...times };
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(createSecretKey(Buffer.from(secret)));
}

/** What each protocol answers to listStudies with `bearer`: the status or code, the message, the ids. */
async function listStudies(server: ServerProcess, bearer: string): Promise<{ rest: { status: number; detail: string; ids: string[] }; graphql: { code: string; message: string; ids: string[] }; grpc: { code: number; details: string; ids: string[] } }> {
  const rest = await call(`${server.httpUrl}/study/v2/studies`, { token: bearer });
  const graphql = await call(`${server.httpUrl}/study/v2/graphql`, { method: 'POST', token: bearer, body: { query: '{ listStudies { items { id } } }' } });
  const client = grpcClient(server.grpcAddress, 'trident.study.v2.StudyService');
  try {
    const grpc = await unary(client, 'ListStudies', {}, bearer);
    const graphqlError = (graphql.body.errors as Array<{ message: string; extensions: { code: string } }> | undefined)?.[0];
    const ids = (items: unknown) => ((items ?? []) as Array<{ id: string }>).map((item) => item.id);
    return {
      rest: { status: rest.status, detail: String(rest.body.detail ?? ''), ids: ids(rest.body.items) },
      graphql: { code: graphqlError?.extensions.code ?? 'OK', message: graphqlError?.message ?? '', ids: ids((graphql.body.data as { listStudies?: { items: unknown } } | null)?.listStudies?.items) },
      grpc: { code: grpc.error?.code ?? 0, details: grpc.error?.details ?? '', ids: ids((grpc.response?.body as { items?: unknown } | undefined)?.items) },
    };
  } finally {
    client.close();
  }
}

/** The three protocols refuse `bearer` as unauthenticated, each saying `reason`. */
async function expectRefused(server: ServerProcess, bearer: string, reason: RegExp, name: string): Promise<void> {
  const answers = await listStudies(server, bearer);
  expect(answers.rest.status, name).toBe(401);
  expect(answers.rest.detail, name).toMatch(reason);
  expect(answers.graphql.code, name).toBe('UNAUTHENTICATED');
  expect(answers.graphql.message, name).toMatch(reason);
  expect(answers.grpc.code, name).toBe(16);
  expect(answers.grpc.details, name).toMatch(reason);
}

/** The three protocols accept `bearer` and list the organisation's studies. */
async function expectAccepted(server: ServerProcess, bearer: string, name: string): Promise<string[]> {
  const answers = await listStudies(server, bearer);
  expect(answers.rest.status, `${name}: ${answers.rest.detail}`).toBe(200);
  expect(answers.graphql.code, `${name}: ${answers.graphql.message}`).toBe('OK');
  expect(answers.grpc.code, `${name}: ${answers.grpc.details}`).toBe(0);
  expect(answers.graphql.ids, name).toEqual(answers.rest.ids);
  expect(answers.grpc.ids, name).toEqual(answers.rest.ids);
  return answers.rest.ids;
}

describe.each([
  { mode: 'dev', env: {}, secret: devSecret, maxLifetime: 86_400, skew: 60 },
  { mode: 'production', env: { ...productionEnv, ...productionLimits }, secret: productionSecret, maxLifetime: 7200, skew: 10 },
])('token times in $mode mode, over REST, GraphQL and gRPC', ({ env, secret, maxLifetime, skew }) => {
  const server = useServerProcess({ env });

  it('a token that lives within the maximum is accepted, with or without iat', async () => {
    await expectAccepted(server(), await token(secret, { iat: now(), exp: now() + 3600 }), 'one hour');
    await expectAccepted(server(), await token(secret, { iat: now(), exp: now() + maxLifetime }), 'the maximum lifetime');
    await expectAccepted(server(), await token(secret, { exp: now() + 600 }), 'no iat, ten minutes');
    // A clock a little ahead of the server's, within the skew.
    await expectAccepted(server(), await token(secret, { iat: now() + skew - 5, nbf: now() + skew - 5, exp: now() + 3600 }), 'iat and nbf within the skew');
  }, 60_000);

  it('a token without exp is refused, saying tokens must expire', async () => {
    await expectRefused(server(), await token(secret, { iat: now() }), /carries no exp \(expiry\) claim; every token must expire/, 'no exp');
  });

  it('a token living longer than the maximum is refused, naming the maximum', async () => {
    const reason = new RegExp(`above the maximum of ${maxLifetime} s; issue a shorter-lived token`);
    await expectRefused(server(), await token(secret, { iat: now(), exp: now() + maxLifetime + 1 }), reason, 'one second too long');
    await expectRefused(server(), await token(secret, { iat: now(), exp: Date.UTC(2100, 0, 1) / 1000 }), reason, 'expiring in 2100');
    await expectRefused(server(), await token(secret, { exp: now() + maxLifetime + skew + 60 }), reason, 'too long without iat');
  });

  it('a token issued in the future is refused, beyond the clock skew', async () => {
    const reason = /its iat \(issued at\) is in the future/;
    await expectRefused(server(), await token(secret, { iat: now() + 365 * 86_400, exp: now() + 365 * 86_400 + 600 }), reason, 'issued a year ahead');
    await expectRefused(server(), await token(secret, { iat: now() + skew + 30, exp: now() + 3600 }), reason, 'issued just past the skew');
  });

  it('a token used before its nbf is refused, beyond the clock skew', async () => {
    await expectRefused(server(), await token(secret, { iat: now(), nbf: now() + skew + 30, exp: now() + 3600 }), /not valid yet \(its nbf is in the future\)/, 'nbf ahead');
  });

  it('an expired token is refused, beyond the clock skew', async () => {
    await expectRefused(server(), await token(secret, { iat: now() - 600, exp: now() - skew - 30 }), /the token has expired/, 'expired');
  });
});

describe('production mode seeds no demo data', () => {
  // The reference pages switched on, GraphiQL and introspection left at production's default.
  const server = useServerProcess({ env: { ...productionEnv, TRIDENT_REFERENCE: 'on' } });

  it('names no demo study and prints no token; the demo organisation has no studies', async () => {
    expect(server().output()).toContain('No demo data: it is seeded in dev mode only.');
    expect(server().output()).not.toContain('Demo study');
    expect(server().output()).toMatch(/^Production mode: tokens are verified with the configured key\. Tokens must carry exp and live at most 86400 s/m);
    expect(server().tokens).toEqual({});
    // No browser origin is allowed unless TRIDENT_CORS_ORIGINS lists it, not even a local page.
    expect(server().output()).toContain('No browser origin may call the APIs (set TRIDENT_CORS_ORIGINS to allow some).');
    expect((await preflight(`${server().httpUrl}/study/v2/studies`, 'http://localhost:5173', 'GET')).headers['access-control-allow-origin']).toBeUndefined();
    // GraphiQL and introspection are off unless switched on; the contracts are served all the same.
    const admin = await token(productionSecret, { iat: now(), exp: now() + 600 });
    expect(await pagesOffered(server().httpUrl, admin)).toEqual({ graphiql: false, introspection: false, reference: true, contract: true });
    expect(server().output()).toContain('Off: GraphiQL (TRIDENT_GRAPHIQL), GraphQL introspection (TRIDENT_INTROSPECTION).');
    const refused = await call(`${server().httpUrl}/study/v2/graphql`, { method: 'POST', token: admin, body: { query: '{ __type(name: "Study") { name } }' } });
    expect((refused.body.errors as Array<{ message: string; extensions: { code: string } }>)[0]).toMatchObject({ message: expect.stringMatching(/introspection has been disabled.*Introspection is off on this server/), extensions: { code: 'BAD_USER_INPUT' } });
    // A valid token of the demo organisation's admin finds nothing in it, through any protocol.
    expect(await expectAccepted(server(), await token(productionSecret, { iat: now(), exp: now() + 600 }), 'the demo organisation')).toEqual([]);
  });
});

describe.each([{ database: 'pglite' }, ...(process.env.DATABASE_URL ? [{ database: 'postgres' }] : [])])('serve --self-check in production mode on $database', ({ database }) => {
  const data = scratchDataDir();
  const cleanup: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
    data.remove();
  });

  it('checks every protocol, says why it compares no read, exits 0, and leaves the store without demo data', async () => {
    let databaseUrl = '';
    if (database === 'postgres') {
      const fresh = await openWorldDatabase('postgres', { empty: true });
      await fresh.db.close();
      cleanup.push(fresh.drop);
      databaseUrl = fresh.url ?? '';
    }
    const env = { ...process.env, ...productionEnv, PORT: '0', GRPC_PORT: '0', TRIDENT_DATA_DIR: data.dir, DATABASE_URL: databaseUrl };
    const run = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(join(repoRoot, 'node_modules/.bin/node'), ['tools/trident.ts', 'serve', '--self-check'], { cwd: repoRoot, env, encoding: 'utf8', timeout: 120_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr });
      });
    });
    expect(run.output).toContain('self-check: gRPC health SERVING.');
    expect(run.output).toContain('self-check: no read compared over the three protocols (production mode: the handler module set up no data to read, and tokens are issued in dev mode only).');
    expect(run.output).not.toContain('Demo study');
    expect(run.code, run.output).toBe(0);
    // The store the server migrated holds no organisation at all, the demo one included.
    const db = await openDatabase(databaseUrl ? { databaseUrl } : { pgliteDir: join(data.dir, 'db') });
    try {
      expect(await db.query<{ count: number }>('SELECT count(*)::int AS count FROM studies')).toEqual([{ count: 0 }]);
      expect(await db.query<{ id: string }>('SELECT id FROM organisations')).toEqual([]);
    } finally {
      await db.close();
    }
  }, 150_000);
});

describe('token limits of the environment', () => {
  it.each([
    [{ TRIDENT_JWT_MAX_LIFETIME: '1d' }, 'TRIDENT_JWT_MAX_LIFETIME=1d is not a whole number of seconds from 1 to 31622400 (e.g. 86400 for 24 h)'],
    [{ TRIDENT_JWT_MAX_LIFETIME: '0' }, 'TRIDENT_JWT_MAX_LIFETIME=0 is not a whole number of seconds from 1 to 31622400 (e.g. 86400 for 24 h)'],
    [{ TRIDENT_JWT_CLOCK_SKEW: '3600' }, 'TRIDENT_JWT_CLOCK_SKEW=3600 is not a whole number of seconds from 0 to 300 (e.g. 60)'],
    [{ TRIDENT_JWT_CLOCK_SKEW: '-1' }, 'TRIDENT_JWT_CLOCK_SKEW=-1 is not a whole number of seconds from 0 to 300 (e.g. 60)'],
  ])('%j is refused, saying what is expected', async (env, message) => {
    const refused = authenticatorFromEnv({ TRIDENT_JWT_SECRET: productionSecret, ...env });
    await expect(refused).rejects.toThrow(AuthConfigError);
    await expect(refused).rejects.toThrow(message);
  });

  it('dev tokens live 12 h, or the maximum when it is shorter, and never longer', async () => {
    const lifetime = async (issued: Promise<string>) => {
      const claims = JSON.parse(Buffer.from((await issued).split('.')[1] ?? '', 'base64url').toString()) as { iat: number; exp: number };
      return claims.exp - claims.iat;
    };
    const principal = { userId: 'usr_a', orgId: 'org_a', roles: ['doctor'] };
    const defaults = await authenticatorFromEnv({});
    expect(await lifetime(defaults.issue!(principal))).toBe(12 * 3600);
    const short = await authenticatorFromEnv({ TRIDENT_JWT_MAX_LIFETIME: '900' });
    expect(await lifetime(short.issue!(principal))).toBe(900);
    await expect(short.verify(await short.issue!(principal))).resolves.toMatchObject({ orgId: 'org_a' });
    await expect(short.issue!(principal, 901)).rejects.toThrow('a token cannot live 901 s: the maximum lifetime is 900 s (TRIDENT_JWT_MAX_LIFETIME)');
  });
});
