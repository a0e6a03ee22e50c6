import { serverAudits } from 'graphql-http';
import { describe, expect, it } from 'vitest';
import { useServerProcess } from './server-process.ts';

// GraphQL over HTTP as graphql-http's audits judge it, and documents built to hurt the server,
// against a real `trident serve` process.
const server = useServerProcess();
const endpoints = ['image/v1', 'review/v1', 'study/v1', 'study/v2'];

async function post(path: string, query: string, accept: string): Promise<{ status: number; errors: Array<{ message: string; extensions?: Record<string, unknown> }> }> {
  const response = await fetch(`${server().httpUrl}/${path}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server().tokens.doctor}`, 'content-type': 'application/json', accept },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
  return { status: response.status, errors: body.errors ?? [] };
}

describe('GraphQL over HTTP', () => {
  it('passes every graphql-http audit on every endpoint, the MAY and SHOULD ones included', async () => {
    const notOk: string[] = [];
    let audited = 0;
    for (const path of endpoints) {
      const audits = serverAudits({
        url: `${server().httpUrl}/${path}/graphql`,
        fetchFn: (input: RequestInfo, init: RequestInit = {}) => fetch(input, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${server().tokens.doctor}` } }),
      });
      for (const audit of audits) {
        const result = await audit.fn();
        audited += 1;
        if (result.status !== 'ok') notOk.push(`${path}: ${result.status}: ${audit.name}: ${'reason' in result ? result.reason : ''}`);
      }
    }
    expect(notOk).toEqual([]);
    expect(audited).toBeGreaterThan(4 * 40);
  }, 120_000);

  it('answers a document that does not parse or validate with 400 under application/graphql-response+json, 200 under application/json', async () => {
    for (const query of ['{ nope(', '{ noSuchField }']) {
      const strict = await post('study/v2', query, 'application/graphql-response+json');
      expect(strict.status, query).toBe(400);
      const legacy = await post('study/v2', query, 'application/json');
      expect(legacy.status, query).toBe(200);
      expect(legacy.errors.length, query).toBeGreaterThan(0);
    }
  });

  it('refuses hostile documents as BAD_USER_INPUT naming the limit, never as a server error', async () => {
    const fragments = Array.from({ length: 30 }, (_, index) => `fragment F${index} on Query { ...F${index + 1} ...F${index + 1} }`).join('\n');
    const hostile: Array<[string, string, RegExp]> = [
      ['nested 5,000 levels deep', `query { ${'a { '.repeat(5000)}b${' }'.repeat(5000)} }`, /at most 64 are allowed/],
      ['a string of nested lists as an argument', `query { getStudy(studyId: ${'['.repeat(3000)}"x"${']'.repeat(3000)}) { id } }`, /at most 64 are allowed/],
      ['huge: 20,000 aliased fields', `query { ${Array.from({ length: 20_000 }, (_, index) => `a${index}: __typename`).join(' ')} }`, /more that 5000 tokens|more than 5000 tokens/],
      ['fragments spreading each other 2^30 times', `query { ...F0 }\n${fragments}\nfragment F30 on Query { __typename }`, /more than 2000 fields and fragment spreads/],
      ['300 aliases of a list', `query { ${Array.from({ length: 300 }, (_, index) => `a${index}: listStudies { items { id } }`).join(' ')} }`, /calls more than 20 operations/],
      ['10 aliases of a page of 100', `query { ${Array.from({ length: 10 }, (_, index) => `a${index}: listStudies(pageSize: 100) { items { id version status } }`).join(' ')} }`, /more than 2000 fields/],
      ['fields nested 22 deep', `query { __schema { types { ${'fields { type { '.repeat(10)}name${' } }'.repeat(10)} } } }`, /nested \d+ levels deep; at most 12/],
    ];
    for (const [name, query, limit] of hostile) {
      for (const accept of ['application/graphql-response+json', 'application/json']) {
        const started = performance.now();
        const { status, errors } = await post('study/v2', query, accept);
        expect(status, `${name} (${accept})`).toBeLessThan(500);
        if (accept === 'application/graphql-response+json') expect(status, name).toBe(400);
        expect(errors[0]?.extensions?.code, name).toBe('BAD_USER_INPUT');
        expect(errors[0]?.extensions?.retryable, name).toBe(false);
        expect(errors[0]?.message, name).toMatch(limit);
        // Refused before anything runs: a refusal is quick, whatever the document would have cost.
        expect(performance.now() - started, name).toBeLessThan(5_000);
      }
    }
  }, 120_000);
});
