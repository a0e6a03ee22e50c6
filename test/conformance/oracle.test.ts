import type { Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api, Operation } from '../../src/compiler/ir.ts';
import type { Caller, Exchange } from '../../src/conformance/callers/caller.ts';
import { ContractSchemas } from '../../src/conformance/contract-schemas.ts';
import { judgeRestResponse } from '../../src/conformance/rest.ts';
import { runConformance } from '../../src/conformance/run.ts';
import { basePathOf } from '../../src/conformance/target.ts';
import { openBench, type Bench } from './bench.ts';

// Item 7: express-openapi-validator, an independent OpenAPI 3.1 response validator, judges the
// same REST exchanges as the conformance checks and must come to the same verdicts.
interface Recorded {
  api: Api;
  operation: Operation;
  url: string;
  exchange: Exchange;
}

let bench: Bench;
const recorded: Recorded[] = [];
const oracles = new Map<Api, { url: string; server: Server }>();
let pending: Exchange | undefined;

beforeAll(async () => {
  bench = await openBench();
  const target = bench.target(bench.real.httpUrl, bench.real.grpcAddress);
  const rest = target.callers.rest;
  const recording: Caller = {
    protocol: 'rest',
    async call(api, operationId, input, token) {
      const outcome = await rest.call(api, operationId, input, token);
      const operation = api.operations.find((candidate) => candidate.id === operationId)!;
      const path = operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(String(input.path?.[name])));
      if (outcome.exchange && /json/.test(outcome.exchange.headers['content-type'] ?? '')) recorded.push({ api, operation, url: `${basePathOf(api)}${path}`, exchange: outcome.exchange });
      return outcome;
    },
  };
  (target.callers as { rest: Caller }).rest = recording;
  await runConformance({ target, seed: 5, runs: 4, areas: ['rest'] });
  for (const loaded of bench.apis) {
    const app = express();
    app.use(OpenApiValidator.middleware({ apiSpec: JSON.parse(loaded.openapi) as never, validateRequests: false, validateResponses: true, validateSecurity: false }));
    // Answers with the recorded response, which the validator checks on its way out.
    app.use((_request: Request, response: Response) => {
      const exchange = pending!;
      response.status(exchange.status).type(exchange.headers['content-type'] ?? 'application/json').json(exchange.body);
    });
    app.use((error: { status?: number; message: string }, _request: Request, response: Response, _next: NextFunction) => {
      response.status(599).type('text/plain').send(error.message);
    });
    const server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    const address = server.address();
    oracles.set(loaded.api, { url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, server });
  }
}, 180_000);

afterAll(async () => {
  for (const { server } of oracles.values()) await new Promise((resolve) => server.close(resolve));
  await bench?.close();
});

/** The validator's verdict: undefined when it accepts the response, else its message. */
async function oracle(entry: Recorded, exchange: Exchange): Promise<string | undefined> {
  const { url } = oracles.get(entry.api)!;
  pending = exchange;
  const response = await fetch(`${url}${entry.url}`, { method: entry.operation.method });
  const text = await response.text();
  return response.status === 599 ? text : undefined;
}

const ours = (entry: Recorded, exchange: Exchange): string[] => judgeRestResponse(new ContractSchemas(entry.api), entry.operation, exchange);

describe('express-openapi-validator agrees with the conformance verdicts on REST responses', () => {
  it('accepts every JSON response of our servers that the checks accept', async () => {
    expect(recorded.length).toBeGreaterThan(100);
    const disagreements: string[] = [];
    for (const entry of recorded) {
      const verdict = ours(entry, entry.exchange);
      const theirs = await oracle(entry, entry.exchange);
      if ((verdict.length === 0) !== (theirs === undefined)) disagreements.push(`${entry.operation.method} ${entry.url} ${entry.exchange.status}: ours ${verdict.join('; ') || 'ok'}, theirs ${theirs ?? 'ok'}`);
    }
    expect(disagreements).toEqual([]);
  });

  it('rejects the same broken responses: an undocumented status, a missing required property, a wrong type', async () => {
    const successes = recorded.filter((entry) => entry.exchange.status < 300 && typeof entry.exchange.body === 'object' && entry.exchange.body !== null && 'id' in (entry.exchange.body as object));
    expect(successes.length).toBeGreaterThan(5);
    const faults: Array<[string, (exchange: Exchange) => Exchange]> = [
      ['undocumented status', (exchange) => ({ ...exchange, status: 299 })],
      ['missing required id', (exchange) => ({ ...exchange, body: Object.fromEntries(Object.entries(exchange.body as object).filter(([key]) => key !== 'id')) })],
      ['id of the wrong type', (exchange) => ({ ...exchange, body: { ...(exchange.body as object), id: 12345 } })],
    ];
    for (const entry of successes.slice(0, 12)) {
      for (const [name, fault] of faults) {
        const broken = fault(entry.exchange);
        expect(ours(entry, broken).length, `${name}: ${entry.url}`).toBeGreaterThan(0);
        expect(await oracle(entry, broken), `${name}: ${entry.url}`).toBeDefined();
      }
    }
  });
});
