import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devAuthenticator } from '../../src/runtime/auth.ts';
import { defaultQueryLimits, type QueryLimits } from '../../src/runtime/graphql/limits.ts';
import { loadApis } from '../../src/runtime/load.ts';
import { startServers, type RunningServers } from '../../src/runtime/server.ts';
import { GraphqlLimitsError, graphqlLimitsFromEnv } from '../../tools/serve/graphql-limits.ts';
import { databases, openWorld, type World } from '../services/harness.ts';
import { call } from './clients.ts';
import { repoRoot, useServerProcess } from './server-process.ts';

// What a GraphQL request may call and spend, through the real study service on each database:
// documents calling too many operations are refused before they run, and an execution that
// outgrows its budget of resolver calls or time stops with one error naming the budget.
const identity = { issuer: 'urn:oid:2.999.7', patientId: 'PID-COST-1', patientName: 'Cost^Patient', birthDate: '1980-01-02', sex: 'female' };

interface GraphqlError {
  message: string;
  extensions?: { code?: string; errorCode?: string; retryable?: boolean };
}
interface GraphqlAnswer {
  status: number;
  data?: Record<string, unknown> | null;
  errors: GraphqlError[];
}

const aliases = (count: number, field: (index: number) => string): string => Array.from({ length: count }, (_, index) => field(index)).join(' ');

/** Neither a server error nor an internal one, whatever else the answer is. */
function expectNoServerError(answer: GraphqlAnswer): void {
  expect(answer.status).toBeLessThan(500);
  for (const error of answer.errors) expect(error.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
}

describe.each(databases)('GraphQL cost and budgets on $name', ({ name }) => {
  let world: World;
  const servers: Record<'defaults' | 'fewCalls' | 'littleTime', RunningServers | undefined> = { defaults: undefined, fewCalls: undefined, littleTime: undefined };
  let uploader = '';
  let studyId = '';
  const authenticator = devAuthenticator();

  const graphql = async (server: keyof typeof servers, query: string, accept = 'application/graphql-response+json'): Promise<GraphqlAnswer> => {
    const answer = await call(`${servers[server]!.httpUrl}/study/v2/graphql`, { method: 'POST', token: uploader, headers: { accept }, body: { query } });
    const body = answer.body as { data?: Record<string, unknown> | null; errors?: GraphqlError[] };
    return { status: answer.status, ...('data' in body ? { data: body.data } : {}), errors: body.errors ?? [] };
  };
  const version = async (): Promise<number> => Number((await call(`${servers.defaults!.httpUrl}/study/v2/studies/${studyId}`, { token: uploader })).body.version);

  beforeAll(async () => {
    world = await openWorld(name);
    const apis = await loadApis(repoRoot);
    const start = (limits: Partial<QueryLimits>) => startServers({ apis, implementations: world.services as unknown as Record<string, object>, authenticator, logger: false, graphqlLimits: { ...defaultQueryLimits, ...limits } });
    servers.defaults = await start({});
    servers.fewCalls = await start({ maxResolverCalls: 50 });
    servers.littleTime = await start({ maxExecutionMs: 1 });
    uploader = await authenticator.issue!({ userId: world.orgA.users.clinic_uploader, orgId: world.orgA.id, roles: ['clinic_uploader'] });
    const created = await call(`${servers.defaults.httpUrl}/study/v2/studies`, { method: 'POST', token: uploader, body: { subjectIdentity: identity, description: 'cost' } });
    expect(created.status).toBe(201);
    studyId = created.body.id as string;
  }, 120_000);
  afterAll(async () => {
    for (const server of Object.values(servers)) await server?.close();
    await world?.close().catch(() => {});
  });

  it('refuses 450 aliases of getStudy (27 kB, within the token, depth and field limits) as BAD_USER_INPUT naming the call limit', async () => {
    const query = `query { ${aliases(450, (index) => `s${index}: getStudy(studyId: "${studyId}") { id }`)} }`;
    expect(query.length).toBeGreaterThan(26_000);
    const before = await version();
    for (const accept of ['application/graphql-response+json', 'application/json']) {
      const answer = await graphql('defaults', query, accept);
      expectNoServerError(answer);
      expect(answer.status, accept).toBe(accept === 'application/json' ? 200 : 400);
      expect(answer.data).toBeUndefined();
      expect(answer.errors).toHaveLength(1);
      expect(answer.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', errorCode: 'invalid_argument', retryable: false });
      expect(answer.errors[0]?.message).toBe('The query calls more than 20 operations (root fields, each alias and repetition counted); at most 20 are allowed: split it into several requests.');
    }
    expect(await version()).toBe(before);
  });

  it('refuses a small document over the call limit each time it is sent, and answers one within it each time', async () => {
    // Small enough for the parsed-document cache: the second sending gets the verdict on the same document.
    const over = `query { ${aliases(21, (index) => `s${index}: getStudy(studyId: "${studyId}") { id }`)} }`;
    const within = `query { ${aliases(2, (index) => `s${index}: getStudy(studyId: "${studyId}") { id }`)} }`;
    for (let sending = 0; sending < 2; sending += 1) {
      const refused = await graphql('defaults', over);
      expect(refused.status).toBe(400);
      expect(refused.errors[0]?.message).toContain('calls more than 20 operations');
      const answered = await graphql('defaults', within);
      expect(answered.errors ?? []).toEqual([]);
      expect((answered.data as Record<string, { id: string }>).s1?.id).toBe(studyId);
    }
  });

  it('counts a root field repeated without an alias, or spread from a fragment, as one call each time', async () => {
    const repeated = `query { ${aliases(21, () => `getStudy(studyId: "${studyId}") { id }`)} }`;
    const spread = `query { ${aliases(21, () => '...S')} } fragment S on Query { getStudy(studyId: "${studyId}") { id } }`;
    const mutations = `mutation { ${aliases(21, (index) => `u${index}: updateStudy(studyId: "${studyId}", ifMatch: "*", input: { description: "u${index}" }) { version }`)} }`;
    const before = await version();
    for (const query of [repeated, spread, mutations]) {
      const answer = await graphql('defaults', query);
      expectNoServerError(answer);
      expect(answer.status).toBe(400);
      expect(answer.errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(answer.errors[0]?.message).toMatch(/^The (query|mutation) calls more than 20 operations .*at most 20 are allowed/);
    }
    // Nothing ran: not one of the 21 updates changed the study.
    expect(await version()).toBe(before);
  });

  it('answers a document of exactly 20 calls', async () => {
    const answer = await graphql('defaults', `query { ${aliases(20, (index) => `s${index}: getStudy(studyId: "${studyId}") { id version }`)} }`);
    expect(answer.status).toBe(200);
    expect(answer.errors).toEqual([]);
    expect(Object.keys(answer.data ?? {})).toHaveLength(20);
    expect(answer.data?.s19).toMatchObject({ id: studyId });
  });

  it('stops a query that outgrows its resolver-call budget with one error naming the budget, and no data', async () => {
    // 10 calls and 40 fields fit; 20 calls of 3 fields each are 80 resolver calls, over 50.
    const fits = await graphql('fewCalls', `query { ${aliases(10, (index) => `s${index}: getStudy(studyId: "${studyId}") { id version status }`)} }`);
    expect(fits.status).toBe(200);
    expect(fits.errors).toEqual([]);
    const query = `query { ${aliases(20, (index) => `s${index}: getStudy(studyId: "${studyId}") { id version status }`)} }`;
    for (const accept of ['application/graphql-response+json', 'application/json']) {
      const answer = await graphql('fewCalls', query, accept);
      expectNoServerError(answer);
      expect(answer.status, accept).toBe(accept === 'application/json' ? 200 : 400);
      expect(answer.data).toBeUndefined();
      expect(answer.errors).toHaveLength(1);
      expect(answer.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', errorCode: 'invalid_argument', retryable: false });
      expect(answer.errors[0]?.message).toBe('The request ran out of its budget of 50 resolver calls (every field resolved, list items counted); ask for fewer fields, fewer aliases or smaller pages.');
    }
  });

  it('runs a mutation whole: its handlers run one at a time, bounded by the call limit, and no budget stops one halfway', async () => {
    const before = await version();
    // 6 updates of 16 resolver calls each, 96 in all: over the budget of 50 a query would have.
    const fields = 'id orgId studyInstanceUid description status reviewState version createdAt updatedAt startedAt numberOfImages subject { pseudonymId issuer } modalities { code }';
    const answer = await graphql('fewCalls', `mutation { ${aliases(6, (index) => `u${index}: updateStudy(studyId: "${studyId}", ifMatch: "*", input: { description: "budget ${index}" }) { ${fields} }`)} }`);
    expect(answer.status).toBe(200);
    expect(answer.errors).toEqual([]);
    const data = answer.data as Record<string, { version?: string }>;
    expect([0, 1, 2, 3, 4, 5].map((index) => data[`u${index}`]?.version)).toEqual([1, 2, 3, 4, 5, 6].map((step) => String(before + step)));
    expect(await version()).toBe(before + 6);
  });

  it('stops a query that outgrows its time budget with one error naming the budget', async () => {
    const answer = await graphql('littleTime', `query { ${aliases(20, (index) => `s${index}: listStudies(pageSize: 5) { items { id version status } }`)} }`);
    expectNoServerError(answer);
    expect(answer.status).toBe(400);
    expect(answer.data).toBeUndefined();
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', errorCode: 'invalid_argument', retryable: false });
    expect(answer.errors[0]?.message).toBe('The request ran out of its time budget of 1 ms of execution; ask for fewer fields, fewer aliases or smaller pages.');
  });
});

describe('GraphQL limits of the environment', () => {
  it.each([
    [{ TRIDENT_GRAPHQL_MAX_CALLS: '0' }, 'TRIDENT_GRAPHQL_MAX_CALLS=0 is not a whole number from 1 to 100000 (default 20)'],
    [{ TRIDENT_GRAPHQL_MAX_EXECUTION_MS: '5s' }, 'TRIDENT_GRAPHQL_MAX_EXECUTION_MS=5s is not a whole number from 1 to 3600000 (default 5000)'],
    [{ TRIDENT_GRAPHQL_MAX_NESTING: '100000' }, 'TRIDENT_GRAPHQL_MAX_NESTING=100000 is not a whole number from 1 to 1000 (default 64)'],
  ])('refuses %o', (env, message) => {
    expect(() => graphqlLimitsFromEnv(env)).toThrow(new GraphqlLimitsError(message));
  });

  it('keeps the defaults where nothing is set and takes each variable that is', () => {
    expect(graphqlLimitsFromEnv({})).toEqual(defaultQueryLimits);
    expect(graphqlLimitsFromEnv({ TRIDENT_GRAPHQL_MAX_CALLS: '3', TRIDENT_GRAPHQL_MAX_RESOLVER_CALLS: '500', TRIDENT_GRAPHQL_MAX_EXECUTION_MS: '250' })).toEqual({ ...defaultQueryLimits, maxCalls: 3, maxResolverCalls: 500, maxExecutionMs: 250 });
  });

  describe('in trident serve', () => {
    const server = useServerProcess({ env: { TRIDENT_GRAPHQL_MAX_CALLS: '2' } });
    it('refuses a document calling more operations than TRIDENT_GRAPHQL_MAX_CALLS allows', async () => {
      const post = (count: number) =>
        call(`${server().httpUrl}/study/v2/graphql`, { method: 'POST', token: server().tokens.doctor!, headers: { accept: 'application/graphql-response+json' }, body: { query: `query { ${aliases(count, (index) => `s${index}: getStudy(studyId: "${server().studyId}") { id }`)} }` } });
      expect((await post(2)).status).toBe(200);
      const refused = await post(3);
      expect(refused.status).toBe(400);
      expect(refused.text).toContain('at most 2 are allowed');
    });
  });
});
