import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientErrorProblem } from '../../src/runtime/rest/client-errors.ts';
import { problemShape } from '../../src/runtime/rest/errors.ts';

// Node's own HTTP server, with its request timeout checked every 50 ms, answering what its parser
// refuses through the handler the Trident server installs.
const document = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'generated', 'openapi', 'study', 'v2', 'openapi.json'), 'utf8')) as Record<string, unknown>;
let server: Server;

beforeAll(async () => {
  server = createServer({ requestTimeout: 300, headersTimeout: 300, connectionsCheckingInterval: 50 }, (_request, response) => response.end('ok'));
  server.on('clientError', clientErrorProblem(problemShape(document)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function exchange(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    let received = '';
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer in 5 s')));
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
    socket.write(bytes);
  });
}

describe('what the HTTP parser refuses', () => {
  it('a request whose headers never finish answers 408 as problem+json, and the connection closes', async () => {
    const answer = await exchange('GET /study/v2/studies HTTP/1.1\r\nHost: x\r\n');
    const [head, body] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(head).toContain('Content-Type: application/problem+json');
    expect(JSON.parse(body ?? '')).toEqual({ type: 'urn:problem-type:trident:invalid_argument', title: 'Request Timeout', status: 408, detail: 'The request did not arrive in time.', code: 'invalid_argument', retryable: false });
  });

  it('bytes that are not HTTP answer 400 as problem+json', async () => {
    const answer = await exchange('NOT HTTP AT ALL\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(JSON.parse(answer.split('\r\n\r\n')[1] ?? '')).toMatchObject({ status: 400, code: 'invalid_argument' });
  });
});
