import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admits, findType, type Api, type Operation, type TypeRef } from '../../src/compiler/ir.ts';
import { SeedingFixtures } from '../../src/conformance/seed-data.ts';
import { connect, type Target } from '../../src/conformance/target.ts';
import { givenTokens } from '../../src/conformance/tokens.ts';
import { loadApis } from '../../src/runtime/load.ts';
import { identityReaders } from '../../src/services/study/identity-access.ts';
import { openWorldDatabase } from '../services/harness.ts';
import { killServer, repoRoot, scratchDataDir, startServerProcess, type ServerProcess } from './server-process.ts';

/** A path to a value in a result: property names, `*` for every item of a list. */
type Path = string[];

/** The paths of every `x-sensitive` field a value of `type` can carry, through objects and lists. */
function sensitivePaths(api: Api, type: TypeRef, seen: ReadonlySet<string> = new Set()): Path[] {
  if (type.kind === 'list') return sensitivePaths(api, type.of, seen).map((path) => ['*', ...path]);
  if (type.kind !== 'named' || seen.has(type.name)) return [];
  const named = findType(api, type.name);
  if (named?.kind !== 'object') return [];
  const inside = new Set([...seen, type.name]);
  return named.fields.flatMap((field) => [...(field.sensitive ? [[field.name]] : []), ...sensitivePaths(api, field.type, inside).map((path) => [field.name, ...path])]);
}

/** The values found at `path` in `value`: absent and null ones left out. */
function valuesAt(value: unknown, path: Path): unknown[] {
  if (value === undefined || value === null) return [];
  const [step, ...rest] = path;
  if (step === undefined) return [value];
  if (step === '*') return Array.isArray(value) ? value.flatMap((item) => valuesAt(item, rest)) : [];
  return typeof value === 'object' ? valuesAt((value as Record<string, unknown>)[step], rest) : [];
}

/** Every operation of every API version whose result can carry a sensitive field, with those fields. */
function operationsCarryingIdentity(apis: readonly Api[]): Array<{ api: Api; operation: Operation; paths: Path[] }> {
  return apis.flatMap((api) => api.operations.flatMap((operation) => {
    const result = operation.result;
    const type = result.kind === 'json' ? result.type : result.kind === 'stream' ? result.item : undefined;
    const paths = type === undefined ? [] : sensitivePaths(api, type);
    return paths.length === 0 ? [] : [{ api, operation, paths }];
  }));
}

const protocols = ['rest', 'graphql', 'grpc'] as const;
const databases = [{ database: 'pglite' }, ...(process.env.DATABASE_URL ? [{ database: 'postgres' }] : [])];

describe.each(databases)('patient identity over every protocol, on $database', ({ database }) => {
  const data = scratchDataDir();
  let server: ServerProcess | undefined;
  let dropDatabase = async (): Promise<void> => {};
  let target: Target;
  let fixtures: SeedingFixtures;
  let walked: ReturnType<typeof operationsCarryingIdentity>;

  beforeAll(async () => {
    let databaseUrl: string | undefined;
    if (database === 'postgres') {
      const fresh = await openWorldDatabase('postgres', { empty: true });
      await fresh.db.close();
      dropDatabase = fresh.drop;
      databaseUrl = fresh.url;
    }
    server = await startServerProcess(data.dir, { databaseUrl });
    const orgId = /organisation (org_\w+)/.exec(server.output())?.[1] ?? '';
    const apis = await loadApis(repoRoot);
    target = connect({ httpUrl: server.httpUrl, grpcAddress: server.grpcAddress, apis, tokens: givenTokens(orgId, server.tokens), root: repoRoot });
    fixtures = new SeedingFixtures(target, 7, { underTest: apis.map((loaded) => loaded.key) });
    await fixtures.setup();
    walked = operationsCarryingIdentity(apis.map((loaded) => loaded.api));
  }, 120_000);

  afterAll(async () => {
    target?.close();
    await killServer(server);
    await dropDatabase();
    data.remove();
  });

  it('is walked for every operation whose result can carry a field the contracts mark x-sensitive', () => {
    const walkedIds = walked.map(({ api, operation }) => `${api.name}/v${api.version} ${operation.id}`);
    // The two shapes of the rule: v1 carries identity inside every study, v2 in an operation of its own.
    expect(walkedIds).toEqual(expect.arrayContaining(['study/v1 listStudies', 'study/v1 getStudy', 'study/v2 getStudySubjectIdentity']));
    expect(target.roles.filter((role) => !identityReaders.includes(role)).length).toBeGreaterThan(0);
    for (const role of target.roles) expect(server?.tokens[role], `a dev token for ${role}`).toMatch(/^eyJ/);
  });

  it('reaches only the roles that may read it, through REST, GraphQL and gRPC alike', async () => {
    const seen: string[] = [];
    // Per API version, the roles that received a sensitive value.
    const readersOf = new Map<string, Set<string>>();
    for (const { api, operation, paths } of walked) {
      for (const protocol of protocols) {
        for (const role of target.roles) {
          const where = `${api.name}/v${api.version} ${operation.id} over ${protocol} as ${role}`;
          // A valid call of its own each time: a write acts on a fresh resource, so an If-Match holds.
          const { input } = await fixtures.prepare(api, operation);
          const outcome = await target.callers[protocol].call(api, operation.id, input, server!.tokens[role]);
          if (!admits(operation, [role])) {
            expect(outcome.ok ? 'ok' : outcome.code, where).toBe('permission_denied');
            continue;
          }
          expect(outcome.ok ? 'ok' : `${outcome.code}: ${outcome.message}`, where).toBe('ok');
          const result = (outcome as { value: unknown }).value;
          const raw = outcome.exchange?.body;
          const found = paths.flatMap((path) => [...valuesAt(result, path), ...(protocol === 'rest' ? valuesAt(raw, path) : [])]);
          if (identityReaders.includes(role)) {
            // The rule is not vacuous: a reader does get the identity, so the walk sees these fields.
            expect(found.length, `${where}: identity readers get the identity`).toBeGreaterThan(0);
            readersOf.set(`${api.name}/v${api.version}`, (readersOf.get(`${api.name}/v${api.version}`) ?? new Set()).add(role));
          } else {
            expect(found, `${where}: ${paths.map((path) => path.join('.')).join(', ')}`).toEqual([]);
          }
          seen.push(where);
        }
      }
    }
    expect(seen.length).toBeGreaterThanOrEqual(walked.length * protocols.length);
    // One rule whatever the version: each version gives patient identity to the same roles.
    for (const [version, roles] of readersOf) expect([...roles].sort(), version).toEqual([...identityReaders].sort());
    expect([...readersOf.keys()]).toEqual(expect.arrayContaining(['study/v1', 'study/v2']));
  }, 300_000);
});
