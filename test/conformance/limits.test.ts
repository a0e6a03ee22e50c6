import { createServer, type Server } from 'node:http';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Api } from '../../src/compiler/ir.ts';
import { invalidInputs, satisfying, validValue } from '../../src/conformance/generate-inputs.ts';
import { Checks, CheckSkipped } from '../../src/conformance/model.ts';
import { seedVerdict } from '../../src/conformance/run.ts';
import type { SeedStep } from '../../src/conformance/seed-data.ts';
import { callDeadline, callSignal, TimeLimitExceeded, withinTimeLimit } from '../../src/conformance/time-limit.ts';
import { httpLocation } from '../../tools/conformance.ts';

// The bounds that keep a conformance run from going on without end, and the options that say where
// an implementation answers.

const servers: Server[] = [];
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A server that takes requests and never answers them. */
async function silentServer(): Promise<string> {
  const server = createServer(() => {});
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
}

describe('time limits', () => {
  it('a call made inside a limit is aborted when the limit runs out, and the limit rejects', async () => {
    const url = await silentServer();
    let callError: unknown;
    const started = performance.now();
    const limited = withinTimeLimit(200, async () => {
      await fetch(url, { signal: callSignal() }).catch((error: unknown) => {
        callError = error;
        throw error;
      });
    });
    await expect(limited).rejects.toEqual(new TimeLimitExceeded(200));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(callError).toBeInstanceOf(TimeLimitExceeded);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('a body that ignores the abort still ends at the limit; a check that runs out fails with the limit', async () => {
    const checks = new Checks(undefined, 100);
    const status = await checks.run('rest', 'study/v2', 'waits forever', 'getStudy', () => new Promise(() => {}));
    expect(status).toBe('fail');
    expect(checks.results[0]).toMatchObject({ detail: 'timed out after 100 ms' });
    expect(checks.results[0]!.ms).toBeLessThan(1000);
  });

  it('a nested limit is its own (a shared preparation outlives the check that started it); deadlines never pass the enclosing limit', async () => {
    const inner = withinTimeLimit(50, () => withinTimeLimit(1000, () => new Promise((resolve) => setTimeout(() => resolve('prepared'), 150))));
    await expect(inner).rejects.toBeInstanceOf(TimeLimitExceeded);
    await expect(withinTimeLimit(1000, () => new Promise((resolve) => setTimeout(() => resolve('prepared'), 150)))).resolves.toBe('prepared');
    await withinTimeLimit(300, async () => {
      expect(callDeadline(60_000).getTime()).toBeLessThanOrEqual(Date.now() + 300);
      expect(callDeadline(10).getTime()).toBeLessThanOrEqual(Date.now() + 10);
    });
    expect(callDeadline(5000).getTime()).toBeGreaterThan(Date.now() + 4000);
  });
});

describe('generated inputs are drawn in bounded time', () => {
  const api = { document: {} } as unknown as Api;
  const schema = (properties: Record<string, unknown>) => ({ type: 'object', required: Object.keys(properties), properties });

  it('an identifier longer than any default length and without maxLength gets a valid value', () => {
    // This shape (StudyId) used to make the generator draw without end.
    const value = validValue(api, schema({ studyId: { type: 'string', pattern: '^stu_[0-9A-Za-z]{16,32}$' } }), 5) as { studyId: string };
    expect(value.studyId).toMatch(/^stu_[0-9A-Za-z]{16,32}$/);
  });

  it('declared lengths still bound a pattern; none that fit is a skip with the reason, not a stall', () => {
    const fits = validValue(api, schema({ code: { type: 'string', pattern: '^[a-z]+$', minLength: 3, maxLength: 4 } }), 5) as { code: string };
    expect(fits.code).toMatch(/^[a-z]{3,4}$/);
    expect(() => validValue(api, schema({ code: { type: 'string', pattern: '^[a-z]{10}$', maxLength: 4 } }), 5)).toThrow(CheckSkipped);
    expect(() => validValue(api, schema({ code: { type: 'string', pattern: '^[a-z]{10}$', maxLength: 4 } }), 5)).toThrow('no valid input: no string matching ^[a-z]{10}$ of 0 to 4 characters could be generated');
  });

  it('satisfying: only values that hold, the same for a seed; undefined when none does', () => {
    const even = satisfying(fc.integer({ min: 0, max: 1000 }), (value) => value % 2 === 0, 1)!;
    const drawn = fc.sample(even, { numRuns: 200, seed: 4 });
    expect(drawn.every((value) => value % 2 === 0)).toBe(true);
    expect(new Set(drawn).size).toBeGreaterThan(50);
    expect(fc.sample(even, { numRuns: 20, seed: 4 })).toEqual(drawn.slice(0, 20));
    expect(satisfying(fc.integer({ min: 0, max: 1000 }), (value) => value > 5000, 1)).toBeUndefined();
  });

  it('a pattern no short text breaks gives no bad_pattern case instead of a stall', () => {
    const operation = { id: 'find', parameters: [{ name: 'q', in: 'query', required: true, pointer: '/paths/~1find/get/parameters/0' }], body: undefined, security: [] };
    const loose = { ...api, operations: [operation], document: { paths: { '/find': { get: { operationId: 'find', parameters: [{ name: 'q', in: 'query', required: true, schema: { type: 'string', pattern: '^[\\s\\S]*$', maxLength: 8 } }] } } } } } as unknown as Api;
    const cases = invalidInputs(loose, operation as never, { query: { q: 'abc' } });
    const kinds = new Set(fc.sample(cases!, { numRuns: 50, seed: 2 }).map(({ mutation }) => mutation.kind));
    expect(kinds.has('bad_pattern')).toBe(false);
    expect(kinds.has('too_long')).toBe(true);
  });
});

describe('where the implementation answers (--http, --base-path, --api)', () => {
  it("without a path, each API version at its contract's servers", () => {
    expect(httpLocation({ http: 'http://127.0.0.1:4010', basePath: undefined, apis: undefined, self: false })).toEqual({ httpUrl: 'http://127.0.0.1:4010', basePaths: {} });
    expect(httpLocation({ http: 'http://127.0.0.1:4010/', basePath: undefined, apis: ['study/v2', 'image/v1'], self: false })).toEqual({ httpUrl: 'http://127.0.0.1:4010', basePaths: {} });
  });

  it('a path in --http, or --base-path (/ for the root), is the base path of the one --api', () => {
    expect(httpLocation({ http: 'http://127.0.0.1:4010/api/study/', basePath: undefined, apis: ['study/v2'], self: false })).toEqual({ httpUrl: 'http://127.0.0.1:4010', basePaths: { 'study/v2': '/api/study' } });
    expect(httpLocation({ http: 'http://127.0.0.1:4010', basePath: '/', apis: ['study/v2'], self: false })).toEqual({ httpUrl: 'http://127.0.0.1:4010', basePaths: { 'study/v2': '' } });
  });

  it('refuses a base path without exactly one --api, given twice, relative, with --self, or a URL that is none', () => {
    expect(httpLocation({ http: 'http://h:1/x', basePath: undefined, apis: undefined, self: false })).toBe('a base path (a path in --http, or --base-path) is that of one API version: give exactly one --api');
    expect(httpLocation({ http: 'http://h:1', basePath: '/x', apis: ['study/v2', 'image/v1'], self: false })).toMatch(/give exactly one --api/);
    expect(httpLocation({ http: 'http://h:1/x', basePath: '/y', apis: ['study/v2'], self: false })).toBe('give the base path once: in --http (/x) or with --base-path');
    expect(httpLocation({ http: 'http://h:1', basePath: 'x', apis: ['study/v2'], self: false })).toMatch(/^--base-path takes a path/);
    expect(httpLocation({ http: 'http://h:1', basePath: '/x', apis: ['study/v2'], self: true })).toMatch(/--self starts ours/);
    expect(httpLocation({ http: 'localhost:8080', basePath: undefined, apis: undefined, self: false })).toMatch(/^--http takes a URL/);
  });
});

describe('the verdict on the seed data', () => {
  const step = (parameter: string, via: string, missing?: string, blocked = false): SeedStep => ({ api: via.split(' ')[0]!, parameter, noun: parameter, via, blocked, ...(missing ? { missing } : { id: 'x' }) });

  it('passes when all was created; fails when an API version under test refused; skips when only others did', () => {
    expect(seedVerdict([step('studyId', 'study/v2 registerStudy'), step('imageId', 'image/v1 uploadImageContent')], new Set(['study/v2'])).status).toBe('pass');
    const refusedImage = [step('studyId', 'study/v2 registerStudy'), step('imageId', 'image/v1 uploadImageContent', 'setup image/v1 createImage failed: http_404'), step('reviewId', 'review/v1 createReview', 'it needs imageId: ...', true)];
    expect(seedVerdict(refusedImage, new Set(['study/v2']))).toEqual({ status: 'skip', detail: 'could not create imageId, reviewId (setup image/v1 createImage failed: http_404); the checks that need them are skipped' });
    expect(seedVerdict(refusedImage, new Set(['image/v1'])).status).toBe('fail');
  });

  it('names a resource two API versions create by the version; nothing to create passes', () => {
    const studies = [{ ...step('a study', 'study/v1 registerStudy'), noun: 'a study' }, { ...step('a study', 'study/v2 registerStudy', 'setup study/v2 registerStudy: http_404'), noun: 'a study' }];
    expect(seedVerdict(studies, new Set(['study/v2']))).toEqual({ status: 'fail', detail: 'could not create a study (study/v2) (setup study/v2 registerStudy: http_404); the checks that need them are skipped' });
    expect(seedVerdict(studies.slice(0, 1), new Set(['study/v1']))).toEqual({ status: 'pass', detail: 'created a study' });
    expect(seedVerdict([], new Set(['study/v1'])).status).toBe('pass');
  });
});
