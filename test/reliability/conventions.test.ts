import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { request } from 'node:http';
import { Metadata, type ServiceError } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { bearerChallenge, compressibleTypes } from '../../src/runtime/http-conventions.ts';
import { requestIdFrom } from '../../src/runtime/request-id.ts';
import { grpcClient, pagesOffered, send } from './clients.ts';
import { useServerProcess } from './server-process.ts';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A request whose body comes back as sent (compressed or not), with the response headers. */
function fetchRaw(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: init.method ?? 'GET', headers: init.headers, timeout: 15_000 }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(chunks) }));
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error(`${url} timed out`)));
    outgoing.on('error', reject);
    outgoing.end(init.body);
  });
}

describe('the pure parts', () => {
  it('keeps a usable request id and replaces any other', () => {
    expect(requestIdFrom('lb-7f3a.2026-12-05:0001')).toBe('lb-7f3a.2026-12-05:0001');
    expect(requestIdFrom(['first', 'second'])).toBe('first');
    for (const bad of [undefined, '', 'has space', 'x'.repeat(129), 'new\nline', 'é']) expect(requestIdFrom(bad), JSON.stringify(bad)).toMatch(uuid);
  });

  it('challenges for a bearer token, saying when the one sent was refused', () => {
    expect(bearerChallenge(undefined)).toBe('Bearer');
    expect(bearerChallenge('Basic dXNlcjpwdw==')).toBe('Bearer');
    expect(bearerChallenge('Bearer abc.def.ghi')).toBe('Bearer error="invalid_token"');
  });

  it('compresses JSON, pages and scripts, never event streams or images', () => {
    for (const type of ['application/json', 'application/problem+json; charset=utf-8', 'application/graphql-response+json', 'text/html; charset=utf-8', 'application/javascript']) expect(compressibleTypes.test(type), type).toBe(true);
    for (const type of ['text/event-stream', 'image/png', 'application/dicom', 'application/octet-stream', 'multipart/mixed']) expect(compressibleTypes.test(type), type).toBe(false);
  });
});

describe('through the running server', () => {
  const server = useServerProcess({ env: { TRIDENT_LOG: 'info' } });
  const studyUrl = () => `${server().httpUrl}/study/v2/studies/${server().studyId}`;
  const auth = () => ({ authorization: `Bearer ${server().tokens.doctor}` });

  it('offers GraphiQL, introspection and the reference pages in dev mode', async () => {
    expect(await pagesOffered(server().httpUrl, server().tokens.doctor!)).toEqual({ graphiql: true, introspection: true, reference: true, contract: true });
    expect(server().output()).not.toContain('Off: ');
  });

  it('challenges every 401 with WWW-Authenticate: Bearer, naming a refused token', async () => {
    const none = await fetchRaw(studyUrl());
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    const refused = await fetchRaw(studyUrl(), { headers: { authorization: 'Bearer not.a.token' } });
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    const stream = await send(`${server().httpUrl}/review/v1/studies/${server().studyId}/events`, 'GET', { accept: 'text/event-stream', authorization: 'Bearer expired' });
    expect(stream.status).toBe(401);
    expect(stream.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    const fine = await fetchRaw(studyUrl(), { headers: auth() });
    expect(fine.status).toBe(200);
    expect(fine.headers['www-authenticate']).toBeUndefined();
  });

  it('compresses JSON answers for a caller that accepts it, and the bytes decode to the same JSON', async () => {
    const list = `${server().httpUrl}/study/v2/openapi.json`;
    const plain = await fetchRaw(list);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const gzip = await fetchRaw(list, { headers: { 'accept-encoding': 'gzip' } });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.body.length).toBeLessThan(plain.body.length / 3);
    expect(JSON.parse(gunzipSync(gzip.body).toString())).toEqual(JSON.parse(plain.body.toString()));
    const br = await fetchRaw(list, { headers: { 'accept-encoding': 'br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(JSON.parse(brotliDecompressSync(br.body).toString())).toEqual(JSON.parse(plain.body.toString()));

    // A GraphQL answer large enough to be worth it (the schema's types) is compressed too.
    const body = JSON.stringify({ query: '{ __schema { types { name fields { name } } } }' });
    const graphql = await fetchRaw(`${server().httpUrl}/study/v2/graphql`, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json', 'accept-encoding': 'gzip' }, body });
    expect(graphql.headers['content-encoding']).toBe('gzip');
    expect((JSON.parse(gunzipSync(graphql.body).toString()) as { data: { __schema: { types: unknown[] } } }).data.__schema.types.length).toBeGreaterThan(10);
  });

  it('never compresses an event stream', async () => {
    const stream = await send(`${server().httpUrl}/review/v1/studies/${server().studyId}/events`, 'GET', { ...auth(), accept: 'text/event-stream', 'accept-encoding': 'gzip, br' });
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(stream.headers['content-encoding']).toBeUndefined();
  });

  it('carries the request id through REST, GraphQL, gRPC and one log line per call', async () => {
    // Kept when sent, made when not, replaced when unusable; on successes and errors alike.
    const kept = await fetchRaw(studyUrl(), { headers: { ...auth(), 'x-request-id': 'client-rest-0001' } });
    expect(kept.headers['x-request-id']).toBe('client-rest-0001');
    expect(String((await fetchRaw(`${server().httpUrl}/study/v2/nowhere`)).headers['x-request-id'])).toMatch(uuid);
    expect(String((await fetchRaw(studyUrl(), { headers: { 'x-request-id': 'a b' } })).headers['x-request-id'])).toMatch(uuid);

    const graphql = await fetchRaw(`${server().httpUrl}/study/v2/graphql`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json', 'x-request-id': 'client-graphql-0002' },
      body: JSON.stringify({ query: '{ getStudy(studyId: "stu_0000000000000000") { id } }' }),
    });
    expect(graphql.headers['x-request-id']).toBe('client-graphql-0002');
    const errors = (JSON.parse(graphql.body.toString()) as { errors: Array<{ extensions: Record<string, unknown> }> }).errors;
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) expect(error.extensions.requestId).toBe('client-graphql-0002');
    const syntax = await fetchRaw(`${server().httpUrl}/study/v2/graphql`, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json', 'x-request-id': 'client-graphql-0003' }, body: JSON.stringify({ query: '{ getStudy(' }) });
    expect((JSON.parse(syntax.body.toString()) as { errors: Array<{ extensions: Record<string, unknown> }> }).errors[0]?.extensions.requestId).toBe('client-graphql-0003');

    const client = grpcClient(server().grpcAddress, 'trident.study.v2.StudyService');
    try {
      const grpcCall = (requestId: string | undefined, studyId: string) =>
        new Promise<{ sent: string | undefined; error: ServiceError | null }>((resolve) => {
          const metadata = new Metadata();
          metadata.set('authorization', `Bearer ${server().tokens.doctor}`);
          if (requestId !== undefined) metadata.set('x-request-id', requestId);
          let sent: string | undefined;
          const call = client.GetStudy!({ study_id: studyId }, metadata, { deadline: Date.now() + 10_000 }, (error) => resolve({ sent, error }));
          (call as unknown as { on(event: 'metadata', listener: (metadata: Metadata) => void): void }).on('metadata', (received) => (sent = String(received.get('x-request-id')[0])));
        });
      const ok = await grpcCall('client-grpc-0004', server().studyId);
      expect(ok.error).toBeNull();
      expect(ok.sent).toBe('client-grpc-0004');
      const missing = await grpcCall('client-grpc-0005', 'stu_0000000000000000');
      expect(missing.error?.code).toBe(5);
      expect(missing.sent).toBe('client-grpc-0005');
      expect((await grpcCall(undefined, server().studyId)).sent).toMatch(uuid);
    } finally {
      client.close();
    }

    // Each call leaves one line naming the request by the id its caller sent, whatever the protocol.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const logged = server()
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const calls = logged.filter((entry) => typeof entry.operation === 'string' && typeof entry.outcome === 'string');
    const line = (reqId: string) => calls.find((entry) => entry.reqId === reqId);
    expect(line('client-rest-0001')).toMatchObject({ api: 'study/v2', operation: 'getStudy', protocol: 'rest', outcome: 'ok', durationMs: expect.any(Number) });
    expect(line('client-graphql-0002')).toMatchObject({ api: 'study/v2', operation: 'getStudy', protocol: 'graphql', outcome: 'not_found' });
    expect(line('client-grpc-0004')).toMatchObject({ api: 'study/v2', operation: 'getStudy', protocol: 'grpc', outcome: 'ok' });
    expect(line('client-grpc-0005')).toMatchObject({ protocol: 'grpc', outcome: 'not_found' });
    // The lines say what happened, never with what: no input or result field is logged.
    for (const entry of calls) expect(Object.keys(entry).sort()).toEqual(['api', 'durationMs', 'hostname', 'level', 'msg', 'operation', 'outcome', 'pid', 'protocol', 'reqId', 'time']);
  });
});
