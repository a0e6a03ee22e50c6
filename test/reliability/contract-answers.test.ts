import { METHODS, request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { connect as connectTcp } from 'node:net';
import { dirname, join } from 'node:path';
import { create, createFileRegistry, fromBinary, toJson, type DescMessage, type FileRegistry } from '@bufbuild/protobuf';
import { anyUnpack, FileDescriptorProtoSchema, FileDescriptorSetSchema, type Any, type FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import { credentials, loadPackageDefinition, type Client, type ClientDuplexStream } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnswerLog, problemValidator } from './contract-answers.ts';
import { grpcClient, unary } from './clients.ts';
import { openWorldDatabase, databases } from '../services/harness.ts';
import { killServer, scratchDataDir, startServerProcess, useServerProcess, type ServerProcess } from './server-process.ts';

// Every answer of the running server matches its contract: the declared statuses, the problem
// schema's limits, problem+json for what the framework refuses, no-store on personal data.

const server = useServerProcess();
const log = new AnswerLog();
const fitsProblem = problemValidator();

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Milliseconds from the request to the end of the answer. */
  ms: number;
}

/** One request over node:http (fetch refuses TRACE and other methods), recorded in the log. */
function send(method: string, path: string, options: { token?: string; headers?: Record<string, string>; body?: string | Buffer; target?: ServerProcess } = {}): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest((options.target ?? server()).httpUrl + path, {
      method,
      // node:http sends a GET or TRACE body without framing unless its length is given.
      headers: { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...(options.body !== undefined ? { 'content-length': String(Buffer.byteLength(options.body)) } : {}), ...options.headers },
      timeout: 10_000,
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error(`${method} ${path.slice(0, 80)} got no answer in 10 s`)));
    outgoing.on('error', reject);
    outgoing.on('response', (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        log.record(method, path, incoming.statusCode ?? 0);
        resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, text: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started });
      });
    });
    outgoing.end(options.body);
  });
}

/** Whether an answer is a problem+json body valid against the contract's Problem schema; the problem. */
function problemOf(answer: Answer, path: string): Record<string, unknown> {
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(answer.text) as Record<string, unknown>;
  expect(fitsProblem(path, problem)).toBeUndefined();
  expect(problem.status).toBe(answer.status);
  return problem;
}

/** Bytes written on a raw connection, and everything the server answered before it closed. */
function rawExchange(bytes: string): Promise<string> {
  const url = new URL(server().httpUrl);
  return new Promise((resolve, reject) => {
    const socket = connectTcp(Number(url.port), url.hostname);
    let received = '';
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer in 10 s')));
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
    socket.write(bytes);
  });
}

const study = () => `/study/v2/studies/${server().studyId}`;

describe('problems fit the contract problem schema', () => {
  it('cuts an echoed URL to instance maxLength: a 10 kB id answers a short, valid problem', async () => {
    const path = `/study/v2/studies/stu_${'a'.repeat(10_000)}`;
    const answer = await send('GET', path, { token: server().tokens.doctor });
    expect(answer.status).toBe(400);
    const problem = problemOf(answer, path);
    expect(String(problem.instance)).toHaveLength(512);
    expect(Buffer.byteLength(answer.text)).toBeLessThan(4096);
  });

  it('cuts a URL inside a percent-escape without leaving half of it', async () => {
    const path = `/study/v2/studies/stu_${'%C3%A9'.repeat(200)}`;
    const problem = problemOf(await send('GET', path, { token: server().tokens.doctor }), path);
    expect(String(problem.instance).length).toBeLessThanOrEqual(512);
    expect(String(problem.instance)).toMatch(/(%[0-9A-F]{2})+$/);
  });

  it('lists at most errors maxItems violations when there are more', async () => {
    const body = { subjectIdentity: { issuer: 'urn:oid:2.999.7', patientId: 'X-1', patientName: 'A^B', sex: 'female' }, modalities: Array.from({ length: 400 }, () => ({ code: 5 })) };
    const answer = await send('POST', '/study/v2/studies', { token: server().tokens.org_admin, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(answer.status).toBe(400);
    const problem = problemOf(answer, '/study/v2/studies');
    expect(problem.errors).toHaveLength(100);
  });
});

describe('what the framework refuses is problem+json with a declared status', () => {
  it('answers 405 with Allow for every method Node parses that a path does not declare', async () => {
    const declared = ['GET', 'PATCH', 'HEAD'];
    const others = METHODS.filter((method) => method !== 'CONNECT' && !declared.includes(method));
    expect(others).toEqual(expect.arrayContaining(['QUERY', 'TRACE', 'PROPFIND', 'DELETE', 'OPTIONS']));
    for (const method of others) {
      const answer = await send(method, study(), { token: server().tokens.doctor, ...(method === 'QUERY' ? {} : { headers: { 'content-type': 'text/plain' }, body: 'x' }) });
      expect([method, answer.status]).toEqual([method, 405]);
      expect(answer.headers.allow).toBe('GET, PATCH, HEAD');
      if (method !== 'HEAD') problemOf(answer, study());
    }
  });

  it('answers 405 with Allow on a GraphQL endpoint too (outside the REST contract, so not logged)', async () => {
    for (const method of ['PUT', 'DELETE', 'QUERY']) {
      const response = await fetch(`${server().httpUrl}/study/v2/graphql`, { method, headers: { 'content-type': 'application/json' }, body: '{}' });
      expect([method, response.status]).toEqual([method, 405]);
      expect(response.headers.get('allow')).toBe('GET, POST, OPTIONS, HEAD');
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });

  it('answers 415 for a body type the operation does not take, naming Content-Type', async () => {
    for (const [type, body] of [['text/plain', 'hello'], ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--'], ['application/xml', '<a/>']] as const) {
      const answer = await send('POST', '/study/v2/studies', { token: server().tokens.org_admin, headers: { 'content-type': type }, body });
      expect([type, answer.status]).toEqual([type, 415]);
      const problem = problemOf(answer, '/study/v2/studies');
      expect(problem.errors).toEqual([expect.objectContaining({ pointer: '/header/Content-Type' })]);
    }
    // An operation without a body refuses one, whatever its type.
    const answer = await send('GET', study(), { token: server().tokens.doctor, headers: { 'content-type': 'text/plain' }, body: 'x' });
    expect(answer.status).toBe(415);
  });

  it('answers 413 for a body over the limit', async () => {
    const answer = await send('POST', '/study/v2/studies', { token: server().tokens.org_admin, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ description: 'x'.repeat(1_100_000) }) });
    expect(answer.status).toBe(413);
    problemOf(answer, '/study/v2/studies');
  });

  it('answers 431 for headers too large and 400 for bytes that are not HTTP, as problem+json', async () => {
    const path = study();
    const large = await send('GET', path, { token: server().tokens.doctor, headers: { 'x-large': 'a'.repeat(20_000) } });
    expect(large.status).toBe(431);
    problemOf(large, path);
    const garbage = await rawExchange('GET /study/v2/studies HTTP/1.1\r\nHost: x\r\nbad header line\r\n\r\n');
    const [head, body] = garbage.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    expect(head).toMatch(/content-type: application\/problem\+json/i);
    expect(fitsProblem(path, JSON.parse(body ?? ''))).toBeUndefined();
  });
});

describe('personal data is not cached', () => {
  it('marks every answer of an operation that needs credentials no-store, errors included', async () => {
    const answers = await Promise.all([
      send('GET', study(), { token: server().tokens.doctor }),
      send('GET', `${study()}/subject-identity`, { token: server().tokens.org_admin }),
      send('GET', '/study/v2/studies/stu_0000000000000000', { token: server().tokens.doctor }),
      send('GET', study()),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 404, 401]);
    for (const answer of answers) expect(answer.headers['cache-control']).toBe('no-store');
  });

  it('marks a GraphQL answer to a caller with credentials no-store', async () => {
    const response = await fetch(`${server().httpUrl}/study/v2/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server().tokens.doctor}` },
      body: JSON.stringify({ query: 'query($id: String!) { getStudy(studyId: $id) { id subject { pseudonymId } } }', variables: { id: server().studyId } }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data?: { getStudy?: { id: string } } }).data?.getStudy?.id).toBe(server().studyId);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});

describe('HEAD answers at once', () => {
  it('on an event-stream URL: the stream headers, no body, the connection not held', async () => {
    const path = `/review/v1/studies/${server().studyId}/events`;
    const answer = await send('HEAD', path, { token: server().tokens.doctor });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/event-stream');
    expect(answer.text).toBe('');
    expect(answer.ms).toBeLessThan(5000);
  });

  it('on a resource: the headers GET gives', async () => {
    const [head, get] = await Promise.all([send('HEAD', study(), { token: server().tokens.doctor }), send('GET', study(), { token: server().tokens.doctor })]);
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    expect([head.headers.etag, head.headers['content-type'], head.headers['cache-control']]).toEqual([get.headers.etag, get.headers['content-type'], get.headers['cache-control']]);
  });
});

describe.each(databases)('retryable only where a retry can succeed, on $name', ({ name }) => {
  // PGlite: the server of the file; PostgreSQL: a server of its own on a fresh database.
  let own: ServerProcess | undefined;
  const cleanup: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    if (name === 'pglite') return;
    const fresh = await openWorldDatabase('postgres', { empty: true });
    await fresh.db.close();
    cleanup.push(fresh.drop);
    const data = scratchDataDir();
    cleanup.push(async () => data.remove());
    own = await startServerProcess(data.dir, { databaseUrl: fresh.url ?? '' });
    cleanup.push(() => killServer(own));
  }, 120_000);
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it('a conflict no retry resolves (cancelling a cancelled study) says retryable false over REST, GraphQL and gRPC', async () => {
    const target = own ?? server();
    const token = target.tokens.org_admin!;
    const json = { 'content-type': 'application/json' };
    const registered = await send('POST', '/study/v2/studies', { token, headers: json, body: JSON.stringify({ subjectIdentity: { issuer: 'urn:oid:2.999.7', patientId: 'RETRY-1', patientName: 'A^B', sex: 'female' } }), target });
    expect(registered.status).toBe(201);
    const { id, version } = JSON.parse(registered.text) as { id: string; version: number };
    const path = `/study/v2/studies/${id}/cancellation`;
    const cancel = (ifMatch: number) => send('POST', path, { token, headers: { ...json, 'if-match': `"${ifMatch}"` }, body: JSON.stringify({ reason: 'Registered twice.' }), target });
    const cancelled = await cancel(version);
    expect(cancelled.status).toBe(200);
    const current = (JSON.parse(cancelled.text) as { version: number }).version;
    const again = await cancel(current);
    expect(again.status).toBe(409);
    expect(problemOf(again, path)).toMatchObject({ code: 'conflict', retryable: false });

    const graphql = await fetch(`${target.httpUrl}/study/v2/graphql`, {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: 'mutation($id: String!, $m: String!) { cancelStudy(studyId: $id, ifMatch: $m, input: { reason: "again" }) { id } }', variables: { id, m: `"${current}"` } }),
    });
    const payload = (await graphql.json()) as { errors?: Array<{ extensions?: Record<string, unknown> }> };
    expect(payload.errors?.[0]?.extensions).toMatchObject({ errorCode: 'conflict', retryable: false });

    const client = grpcClient(target.grpcAddress, 'trident.study.v2.StudyService');
    try {
      const { error } = await unary(client, 'CancelStudy', { study_id: id, if_match: `"${current}"`, body: { reason: 'again' } }, token);
      expect(error?.code).toBe(10);
      const details = error?.metadata.get('grpc-status-details-bin')[0] as Buffer;
      // ErrorInfo's metadata entry `retryable` = `false`, as bytes of the google.rpc.Status.
      expect(details.includes(Buffer.from('\x0a\x09retryable\x12\x05false', 'latin1'))).toBe(true);
    } finally {
      client.close();
    }
  });
});

type ReflectionResponse = { file_descriptor_response?: { file_descriptor_proto: Buffer[] }; error_response?: { error_message: string } };

/** What a reflection client knows after asking for `symbols`: every file they need, imports followed by file name. */
async function reflectedRegistry(symbols: string[]): Promise<FileRegistry> {
  const reflectionProto = join(dirname(createRequire(import.meta.url).resolve('@grpc/reflection/package.json')), 'build', 'proto', 'grpc', 'reflection', 'v1', 'reflection.proto');
  const definition = loadPackageDefinition(loadSync(reflectionProto, { keepCase: true })) as unknown as { grpc: { reflection: { v1: { ServerReflection: new (address: string, creds: unknown) => Client & { ServerReflectionInfo(): ClientDuplexStream<object, ReflectionResponse> } } } } };
  const client = new definition.grpc.reflection.v1.ServerReflection(server().grpcAddress, credentials.createInsecure());
  const files = new Map<string, FileDescriptorProto>();
  try {
    const ask = (request: object): Promise<ReflectionResponse> =>
      new Promise((resolve, reject) => {
        const call = client.ServerReflectionInfo();
        call.on('data', resolve);
        call.on('error', reject);
        call.write(request);
        call.end();
      });
    const take = (response: ReflectionResponse): void => {
      if (!response.file_descriptor_response) throw new Error(response.error_response?.error_message ?? 'no file descriptor');
      for (const bytes of response.file_descriptor_response.file_descriptor_proto) {
        const file = fromBinary(FileDescriptorProtoSchema, bytes);
        files.set(file.name, file);
      }
    };
    for (const symbol of symbols) take(await ask({ file_containing_symbol: symbol }));
    for (let missing = [...files.values()].flatMap((file) => file.dependency).filter((name) => !files.has(name)); missing.length > 0; missing = [...files.values()].flatMap((file) => file.dependency).filter((name) => !files.has(name))) {
      for (const name of new Set(missing)) take(await ask({ file_by_filename: name }));
    }
  } finally {
    client.close();
  }
  // The registry takes each file after those it imports.
  const ordered: FileDescriptorProto[] = [];
  while (ordered.length < files.size) {
    const ready = [...files.values()].filter((file) => !ordered.includes(file) && file.dependency.every((name) => ordered.some((done) => done.name === name)));
    if (ready.length === 0) throw new Error('the reflected files import each other in a cycle');
    ordered.push(...ready);
  }
  return createFileRegistry(create(FileDescriptorSetSchema, { file: ordered }));
}

describe('gRPC reflection describes the error details', () => {
  it('a reflection client decodes the ErrorInfo and BadRequest of an error status with what the server hands out', async () => {
    const registry = await reflectedRegistry(['google.rpc.Status', 'google.rpc.ErrorInfo', 'google.rpc.BadRequest']);
    const client = grpcClient(server().grpcAddress, 'trident.study.v2.StudyService');
    try {
      const { error } = await unary(client, 'GetStudy', { study_id: 'xyz' }, server().tokens.doctor!);
      expect(error?.code).toBe(3);
      const statusType = registry.getMessage('google.rpc.Status') as DescMessage;
      const status = fromBinary(statusType, error?.metadata.get('grpc-status-details-bin')[0] as Buffer) as unknown as { details: Any[] };
      const details = status.details.map((detail) => {
        const unpacked = anyUnpack(detail, registry);
        return unpacked ? toJson(registry.getMessage(detail.typeUrl.split('/').pop()!)!, unpacked, { registry }) : detail.typeUrl;
      });
      expect(details).toEqual([
        { reason: 'invalid_argument', domain: 'trident', metadata: { retryable: 'false' } },
        { fieldViolations: [expect.objectContaining({ field: '/path/studyId' })] },
      ]);
    } finally {
      client.close();
    }
  });
});

describe('every status the server answered is declared', () => {
  it('for the operation (or path) each request reached', () => {
    expect(log.answers.length).toBeGreaterThan(40);
    expect(log.undeclared()).toEqual([]);
  });
});
