import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { credentials, loadPackageDefinition, Metadata, type ChannelCredentials, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoLoaderOptions } from '../../src/runtime/load.ts';
import { repoRoot } from './server-process.ts';

type Unary = (request: object, metadata: Metadata, options: { deadline: number }, callback: (error: ServiceError | null, response: Record<string, unknown>) => void) => void;

/** A grpc-js client of one generated service, e.g. `trident.study.v2.StudyService`. */
export function grpcClient(address: string, service: string, channel: ChannelCredentials = credentials.createInsecure()): Client & Record<string, Unary> {
  const [, api, version] = service.split('.');
  const definition = loadPackageDefinition(loadSync(`trident/${api}/${version}/${api}.proto`, { ...protoLoaderOptions, includeDirs: [join(repoRoot, 'generated/proto')] }));
  const Constructor = service.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], definition) as new (address: string, creds: unknown) => Client;
  return new Constructor(address, channel) as Client & Record<string, Unary>;
}

/** One unary call, settled with the response or the error. */
export function unary(client: Record<string, Unary>, method: string, request: object, token: string, deadlineMs = 10_000): Promise<{ response?: Record<string, unknown>; error?: ServiceError }> {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return new Promise((resolve) => client[method]!(request, metadata, { deadline: Date.now() + deadlineMs }, (error, response) => resolve(error ? { error } : { response })));
}

/** A JSON request; the body comes back parsed when it is JSON. */
export async function call(url: string, init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; body: Record<string, unknown>; text: string }> {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON: the text is enough
  }
  return { status: response.status, body, text };
}

/** PNG bytes (a valid 2x2 image) padded to `size` bytes, with their SHA-256. */
export function pngOfSize(size: number): { bytes: Buffer; sha256: string; digestHeader: string } {
  const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000002000000020806000000f478d4fa0000001549444154789c63f8cfc0f09f81e1ff7f06860e00003e1e07f9b4d3ec6f0000000049454e44ae426082', 'hex');
  const bytes = Buffer.concat([png, randomBytes(Math.max(0, size - png.length))]);
  const digest = createHash('sha256').update(bytes).digest();
  return { bytes, sha256: digest.toString('hex'), digestHeader: `sha-256=:${digest.toString('base64')}:` };
}

/** Registers an image of the demo study for `bytes`; resolves to its id. */
export async function registerImage(httpUrl: string, token: string, studyId: string, image: { bytes: Buffer; sha256: string }): Promise<string> {
  const created = await call(`${httpUrl}/image/v1/images`, {
    method: 'POST',
    token,
    body: { studyId, contentType: 'image/png', sizeBytes: image.bytes.length, checksum: { algorithm: 'sha256', value: image.sha256 }, capture: { capturedAt: '2026-11-20T10:00:00Z', modality: 'XC', deviceId: 'cam-1' } },
  });
  if (created.status !== 201) throw new Error(`createImage answered ${created.status}: ${created.text}`);
  return created.body.id as string;
}

/** An upload whose body the test writes piece by piece; `response` settles when the server answers. */
export function startUpload(httpUrl: string, token: string, imageId: string, image: { bytes: Buffer; digestHeader: string }): { request: ClientRequest; response: Promise<{ status: number; body: string } | { error: Error }> } {
  const url = new URL(`${httpUrl}/image/v1/images/${imageId}/content`);
  const request = httpRequest(url, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png', 'content-length': String(image.bytes.length), 'content-digest': image.digestHeader },
  });
  const response = new Promise<{ status: number; body: string } | { error: Error }>((resolve) => {
    request.on('response', (message: IncomingMessage) => {
      let body = '';
      message.on('data', (chunk: Buffer) => (body += chunk.toString()));
      message.on('end', () => resolve({ status: message.statusCode ?? 0, body }));
      message.on('error', (error) => resolve({ error }));
    });
    request.on('error', (error) => resolve({ error }));
  });
  return { request, response };
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * One HTTP request with the headers a browser would send (fetch cannot set `Origin`). Event streams
 * are answered once their headers arrive; the connection is then dropped.
 */
export function send(url: string, method: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method, headers, timeout: 15_000 }, (incoming) => {
      resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers });
      incoming.destroy();
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error(`${method} ${url} timed out`)));
    outgoing.on('error', (error) => ((error as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(error)));
    outgoing.end(body);
  });
}

/** A browser's preflight of a `method` request with `headers` from `origin`. */
export function preflight(url: string, origin: string, method: string, headers = 'authorization,content-type'): Promise<Answer> {
  return send(url, 'OPTIONS', { origin, 'access-control-request-method': method, 'access-control-request-headers': headers });
}

/** Which of the pages for people a server offers for study v2: GraphiQL, introspection, the reference. */
export async function pagesOffered(httpUrl: string, token: string): Promise<{ graphiql: boolean; introspection: boolean; reference: boolean; contract: boolean }> {
  const graphiql = await fetch(`${httpUrl}/study/v2/graphql`, { headers: { accept: 'text/html' } });
  const page = await graphiql.text();
  const introspection = await call(`${httpUrl}/study/v2/graphql`, { method: 'POST', token, body: { query: '{ __schema { queryType { name } } }' } });
  const reference = await fetch(`${httpUrl}/docs/study/v2`);
  await reference.body?.cancel();
  const contract = await fetch(`${httpUrl}/study/v2/openapi.json`);
  await contract.body?.cancel();
  return {
    graphiql: graphiql.status === 200 && /graphiql/i.test(page),
    introspection: (introspection.body.data as { __schema?: unknown } | undefined)?.__schema !== undefined,
    reference: reference.status === 200,
    contract: contract.status === 200,
  };
}
