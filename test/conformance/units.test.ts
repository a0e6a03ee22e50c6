import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { devAuthenticator, devSecret, tokenAudience, tokenIssuer } from '../../src/runtime/auth.ts';
import { loadApis, type LoadedApi } from '../../src/runtime/load.ts';
import { inputValidator } from '../../src/runtime/validate.ts';
import { applyMutation, invalidInputs, portableKinds, schemaValues, validValue } from '../../src/conformance/generate-inputs.ts';
import { validVariations } from '../../src/conformance/acceptance.ts';
import { difference, normalise } from '../../src/conformance/normalise.ts';
import { consoleReport } from '../../src/conformance/report/console.ts';
import { junitReport } from '../../src/conformance/report/junit.ts';
import { findResources } from '../../src/conformance/resources.ts';
import { judgeGraphqlErrors } from '../../src/conformance/graphql.ts';
import { givenTokens, mintingTokens } from '../../src/conformance/tokens.ts';
import type { CheckResult } from '../../src/conformance/model.ts';
import { repoRoot } from '../e2e/workspace.ts';

let apis: LoadedApi[];
beforeAll(async () => {
  apis = await loadApis(repoRoot);
}, 60_000);
const api = (key: string) => apis.find((loaded) => loaded.key === key)!.api;
const operation = (key: string, id: string) => api(key).operations.find((candidate) => candidate.id === id)!;

describe('generated valid inputs', () => {
  it('are valid for the contract read as JSON Schema 2020-12, and reach past the one plain value', () => {
    const listStudies = operation('study/v2', 'listStudies');
    const admits = inputValidator(api('study/v2'), listStudies, 'annotate');
    const cases = fc.sample(validVariations(api('study/v2'), listStudies, { query: { pageSize: 5 } })!, { numRuns: 400, seed: 4 });
    const valid = cases.filter(({ input }) => admits(input).length === 0);
    expect(valid.length / cases.length).toBeGreaterThan(0.95);
    const varied = new Set(cases.map(({ variation }) => variation.pointer));
    expect([...varied].sort()).toEqual(['/query', '/query/modality', '/query/pageSize', '/query/pageToken', '/query/reviewState', '/query/startedAfter', '/query/startedBefore', '/query/status']);
    // Date-times come from the contract's pattern: offsets and separators beyond the plain UTC form.
    const times = cases.filter(({ variation }) => variation.pointer === '/query/startedAfter').map(({ variation }) => String(variation.value));
    expect(times.some((time) => !time.endsWith('Z'))).toBe(true);
  });

  it('show the examples: the page token the contract shows, and all query examples together', () => {
    const listStudies = operation('study/v2', 'listStudies');
    const cases = fc.sample(validVariations(api('study/v2'), listStudies, { query: { pageSize: 5 } })!, { numRuns: 400, seed: 5 });
    const together = cases.find(({ variation }) => variation.pointer === '/query');
    expect(together?.input.query).toEqual({ pageSize: 20, pageToken: expect.stringMatching(/^eyJ/), modality: 'XC' });
    expect(cases.some(({ variation }) => variation.pointer === '/query/pageToken' && variation.value === together?.input.query?.pageToken)).toBe(true);
  });

  it('leave the tied values as prepared', () => {
    const assignReview = operation('review/v1', 'assignReview');
    const base = { path: { reviewId: 'rev_0123456789abcdefAB' }, header: { 'If-Match': '"1"' }, body: { assigneeId: 'usr_0123456789abcdefAB' } };
    const cases = fc.sample(validVariations(api('review/v1'), assignReview, base, ['/body/assigneeId'])!, { numRuns: 100, seed: 6 });
    expect(new Set(cases.map(({ variation }) => variation.pointer))).toEqual(new Set(['/header/If-Match', '/body/dueAt']));
    expect(cases.every(({ input }) => (input.body as { assigneeId?: string }).assigneeId === 'usr_0123456789abcdefAB')).toBe(true);
  });

  it('a format without a pattern is an annotation: any text may come', () => {
    const values = fc.sample(schemaValues(api('study/v2'), { type: 'string', format: 'date-time' }), { numRuns: 200, seed: 7 }).map(String);
    expect(values.some((value) => Number.isNaN(Date.parse(value)))).toBe(true);
    expect(values.some((value) => !Number.isNaN(Date.parse(value)))).toBe(true);
  });
});

describe('generated invalid inputs', () => {
  const base = { path: { studyId: 'stu_0123456789abcdefAB' }, header: { 'If-Match': '"1"' }, body: { modalities: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: 'XC' }], startedAt: '2026-01-02T03:04:05Z' } };

  it('start from a valid input, and almost every case breaks the contract (the run discards the rest)', () => {
    const updateStudy = operation('study/v2', 'updateStudy');
    const validate = inputValidator(api('study/v2'), updateStudy);
    expect(validate(base)).toEqual([]);
    const cases = fc.sample(invalidInputs(api('study/v2'), updateStudy, base)!, { numRuns: 300, seed: 3 });
    const invalid = cases.filter(({ input }) => validate(input).length > 0);
    expect(invalid.length / cases.length).toBeGreaterThan(0.95);
    const kinds = new Set(cases.map(({ mutation }) => mutation.kind));
    for (const kind of ['wrong_type', 'missing_required', 'too_long', 'too_short', 'bad_pattern', 'bad_format', 'too_many_items'] as const) expect(kinds, kind).toContain(kind);
  });

  it('only the portable kinds when asked, and the same seed gives the same cases', () => {
    const listStudies = operation('study/v2', 'listStudies');
    const arbitrary = invalidInputs(api('study/v2'), listStudies, { query: { pageSize: 5 } }, portableKinds)!;
    const first = fc.sample(arbitrary, { numRuns: 40, seed: 9 });
    expect(new Set(first.map(({ mutation }) => mutation.kind))).toEqual(new Set(['out_of_range']));
    expect(fc.sample(arbitrary, { numRuns: 40, seed: 9 })).toEqual(first);
  });

  it('a removal and a replacement at a JSON pointer leave the base untouched', () => {
    const removed = applyMutation(base, { kind: 'missing_required', pointer: '/header/If-Match' });
    expect(removed.header).toEqual({});
    const replaced = applyMutation(base, { kind: 'too_long', pointer: '/body/modalities/0/code', value: 'x'.repeat(65) });
    expect((replaced.body as { modalities: Array<{ code: string }> }).modalities[0]?.code).toHaveLength(65);
    expect(base.body.modalities[0]?.code).toBe('XC');
  });

  it('a value generated from a schema satisfies it', () => {
    const registerStudy = operation('study/v1', 'registerStudy');
    const validate = inputValidator(api('study/v1'), registerStudy);
    for (const seed of [1, 2, 3]) {
      const body = validValue(api('study/v1'), (api('study/v1').document as { components: { schemas: Record<string, unknown> } }).components.schemas.StudyCreate, seed);
      expect(validate({ body })).toEqual([]);
    }
  });
});

describe('resources found in the paths', () => {
  it('study v2: create, get, list, update and cancellation', () => {
    const [studies] = findResources(api('study/v2'));
    expect(studies).toMatchObject({ collection: '/studies', idParameter: 'studyId', create: { id: 'registerStudy' }, get: { id: 'getStudy' }, list: { id: 'listStudies' }, update: { id: 'updateStudy' }, end: { id: 'cancelStudy' } });
    expect(findResources(api('review/v1')).map((resource) => resource.collection)).toEqual(['/assessments', '/reviews']);
  });
});

describe('normalisation', () => {
  it('absent, null and empty lists are alike; instants compare as instants', () => {
    expect(normalise({ a: null, b: [], c: '2026-01-02T03:04:05Z', d: { e: undefined, f: 1 } })).toEqual({ c: '2026-01-02T03:04:05.000Z', d: { f: 1 } });
    expect(difference(normalise({ a: 1, b: { c: 'x' } }), normalise({ a: 1, b: { c: 'y' } }))).toBe('/b/c: "x" vs "y"');
    expect(difference(normalise({ a: 1 }), normalise({ a: 1, z: null }))).toBe('');
  });
});

describe('tokens', () => {
  const verifier = devAuthenticator();
  const tokens = mintingTokens({ secret: devSecret, orgId: 'org_a', users: { doctor: 'usr_doc' }, issuer: tokenIssuer, audience: tokenAudience });

  it('minted with the dev key: valid passes; bad signature and expired are refused; other organisation acts elsewhere', async () => {
    expect(await verifier.verify((await tokens.token('valid', 'doctor')) as string)).toEqual({ userId: 'usr_doc', orgId: 'org_a', roles: ['doctor'] });
    await expect(verifier.verify((await tokens.token('bad_signature', 'doctor')) as string)).rejects.toThrow('not valid');
    await expect(verifier.verify((await tokens.token('expired', 'doctor')) as string)).rejects.toThrow('expired');
    expect((await verifier.verify((await tokens.token('other_org', 'doctor')) as string)).orgId).not.toBe('org_a');
  });

  it('carry iat and exp, and fit a server whose maximum lifetime is shorter than an hour', async () => {
    const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { iat: number; exp: number };
    const minted = claims((await tokens.token('valid', 'doctor')) as string);
    expect(minted.exp - minted.iat).toBe(3600);
    const strict = devAuthenticator(tokenIssuer, tokenAudience, { maxLifetimeSeconds: 300, clockSkewSeconds: 60 });
    await expect(strict.verify((await tokens.token('valid', 'doctor')) as string)).rejects.toThrow('above the maximum of 300 s');
    const short = mintingTokens({ secret: devSecret, orgId: 'org_a', users: { doctor: 'usr_doc' }, issuer: tokenIssuer, audience: tokenAudience, lifetimeSeconds: 300 });
    for (const variant of ['valid', 'wrong_role'] as const) await expect(strict.verify((await short.token(variant, 'doctor')) as string)).resolves.toMatchObject({ orgId: 'org_a' });
    expect((await strict.verify((await short.token('other_org', 'doctor')) as string)).orgId).not.toBe('org_a');
    await expect(strict.verify((await short.token('expired', 'doctor')) as string)).rejects.toThrow('expired');
  });

  it('given tokens: a forged signature, and a reason for what needs the key', async () => {
    const given = givenTokens('org_a', { doctor: (await tokens.token('valid', 'doctor')) as string });
    await expect(verifier.verify((await given.token('bad_signature', 'doctor')) as string)).rejects.toThrow('not valid');
    expect(await given.token('expired', 'doctor')).toEqual({ skipped: 'minting expired tokens needs the signing secret (TRIDENT_JWT_SECRET)' });
    expect(await given.token('valid', 'technician')).toMatchObject({ skipped: expect.stringContaining('--token technician=JWT') });
  });
});

describe('reports', () => {
  const results: CheckResult[] = [
    { area: 'rest', api: 'study/v2', name: 'a valid request is accepted', subject: 'getStudy', status: 'pass', ms: 3 },
    { area: 'rest', api: 'study/v2', name: 'a valid request is accepted', subject: 'listStudies', status: 'fail', detail: 'status 299 is not documented <&>', ms: 4 },
    { area: 'auth', api: 'study/v2', name: 'expired: the same decision', subject: 'getStudy', status: 'skip', detail: 'no key', ms: 0 },
  ];

  it('the console table counts per area and API and per operation, lists failed and skipped checks with their reasons, and names the seed', () => {
    const text = consoleReport({ results, seed: 17, ms: 1500, operations: [{ api: 'study/v2', id: 'getStudy' }, { api: 'study/v2', id: 'listStudies' }, { api: 'study/v2', id: 'cancelStudy' }] });
    expect(text).toMatch(/^rest\s+study\/v2\s+1\s+1\s+0$/m);
    expect(text).toMatch(/^auth\s+study\/v2\s+0\s+0\s+1$/m);
    expect(text).toMatch(/^ {2}study\/v2\s+getStudy\s+1\s+0\s+1$/m);
    expect(text).toMatch(/^ {2}study\/v2\s+listStudies\s+0\s+1\s+0$/m);
    // An operation no check reached is listed too, with nothing counted.
    expect(text).toMatch(/^ {2}study\/v2\s+cancelStudy\s+0\s+0\s+0$/m);
    expect(text).toContain('FAIL rest study/v2 listStudies: a valid request is accepted\n       status 299 is not documented <&>');
    expect(text).toContain('SKIP auth study/v2 getStudy: expired: the same decision\n       no key');
    expect(text).toContain('3 checks: 1 passed, 1 failed, 1 skipped in 1.5 s.');
    expect(text).toContain('--seed 17');
  });

  it('JUnit: a suite per area and API, failures and skips escaped', () => {
    const xml = junitReport({ results, seed: 17, ms: 1500 });
    expect(xml).toContain('<testsuites name="trident conformance" tests="3" failures="1" skipped="1" time="1.500">');
    expect(xml).toContain('<testsuite name="rest study/v2" tests="2" failures="1" skipped="0"');
    expect(xml).toContain('<failure message="status 299 is not documented &lt;&amp;&gt;">');
    expect(xml).toContain('<skipped message="no key"/>');
    expect(xml.match(/<testcase /g)).toHaveLength(3);
  });
});

describe('GraphQL error judgement', () => {
  it('wants extensions.code on every error and no stack trace; a problem+json refusal is not a GraphQL response', () => {
    const payload = { errors: [{ message: 'boom', extensions: { code: 'NOT_FOUND' } }, { message: 'bare' }] };
    expect(judgeGraphqlErrors(JSON.stringify(payload), payload)).toEqual(["error 'bare' has no extensions.code"]);
    const traced = { errors: [{ message: 'x', extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['Error: x', '    at f (/srv/a.js:1:2)'] } }] };
    expect(judgeGraphqlErrors(JSON.stringify(traced), traced)).toEqual(['an error carries a stack trace']);
    expect(judgeGraphqlErrors('{"status":400,"errors":[{"pointer":"/body"}]}', { errors: [{}] }, 'application/problem+json')).toEqual([]);
  });
});
