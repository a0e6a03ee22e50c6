import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import type { Authenticator } from '../auth.ts';
import { bearerToken } from '../auth.ts';
import { ApiError } from '../errors.ts';
import { reportFailure } from '../failure-log.ts';
import type { BinaryContent, BinaryUpload } from '../handler.ts';
import { invoke, traceHeadersOf, type BoundOperation, type ServedApi } from '../operation.ts';
import { lifecycleHeaders } from '../lifecycle.ts';
import { etagMatches, parseRange, restInput, routePath } from './convert.ts';
import { refuseOtherMethods } from './client-errors.ts';
import { toProblem, type ProblemShape } from './errors.ts';

/**
 * Serves one API version over REST on a Fastify instance: a route per operation under the
 * contract's base path, answering problem+json for every error (fitted to `shape`, the contract's
 * problem schema) and 405 with `Allow` for every method the server parses that the contract does
 * not declare on a path. Responses of operations that need credentials carry personal or
 * organisation data, so they are marked `Cache-Control: no-store`.
 */
export function registerRestApi(app: FastifyInstance, served: ServedApi, authenticator: Authenticator, shape: ProblemShape): void {
  const byPath = new Map<string, BoundOperation[]>();
  for (const bound of served.operations) {
    const url = routePath(served.basePath, bound.operation.path);
    byPath.set(url, [...(byPath.get(url) ?? []), bound]);
  }
  const lifecycle = Object.entries(lifecycleHeaders(served.api));
  for (const [url, bounds] of byPath) {
    for (const bound of bounds) {
      app.route({ method: bound.operation.method as HTTPMethods, url, handler: (request, reply) => handle(bound, request, reply, authenticator, lifecycle, shape) });
    }
    refuseOtherMethods(app, url, bounds.map((bound) => bound.operation.method), shape);
  }
}

/** Whether a request carries a body: a length above zero, or chunks. */
function hasBody(request: FastifyRequest): boolean {
  return request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
}

/** A body whose media type the operation does not declare is refused (binary uploads check theirs when they stream it). */
function checkMediaType(operation: BoundOperation['operation'], request: FastifyRequest): void {
  if (operation.body?.kind === 'binary' || !hasBody(request)) return;
  const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const accepted = operation.body?.mediaTypes ?? [];
  if (accepted.includes(contentType)) return;
  const expected = accepted.length === 0 ? 'no body' : `Content-Type ${accepted.join(' or ')}`;
  throw new ApiError('unsupported_media_type', `This operation takes ${expected}, not ${contentType || 'an untyped body'}.`, [{ pointer: '/header/Content-Type', message: `must be ${accepted.join(' or ') || 'absent (no body)'}` }]);
}

async function handle(bound: BoundOperation, request: FastifyRequest, reply: FastifyReply, authenticator: Authenticator, lifecycle: ReadonlyArray<[string, string]>, shape: ProblemShape): Promise<void> {
  for (const [name, value] of lifecycle) reply.header(name, value);
  if (bound.operation.security.length > 0) reply.header('Cache-Control', 'no-store');
  const aborter = new AbortController();
  // Only a caller that goes away before the answer is complete aborts the handler; aborting
  // after a normal finish would build an AbortError for every request.
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) aborter.abort();
  });
  const operation = bound.operation;
  try {
    checkMediaType(operation, request);
    let body: unknown = request.body;
    if (operation.body?.kind === 'binary') body = upload(bound, request);
    const input = restInput(operation, request.params as Record<string, string>, request.query as Record<string, string>, request.headers as Record<string, string>, body);
    const result = await invoke(bound, input, { token: bearerToken(request.headers.authorization), protocol: 'rest', signal: aborter.signal, requestId: request.id, log: request.log, traceHeaders: traceHeadersOf((name) => request.headers[name] as string | undefined) }, authenticator);
    const status = Number(operation.result.status) || 200;
    switch (operation.result.kind) {
      case 'empty':
        await reply.code(status === 200 ? 204 : status).send();
        return;
      case 'json': {
        const version = (result as { version?: unknown } | null)?.version;
        if (typeof version === 'number' || typeof version === 'string') reply.header('ETag', `"${version}"`);
        await reply.code(status).type('application/json').send(JSON.stringify(result));
        return;
      }
      case 'binary':
        await sendBinary(result as BinaryContent, request, reply, shape);
        return;
      case 'stream':
        await sendEvents(result as AsyncIterable<unknown>, request, reply, shape, aborter.signal, (error) => reportFailure(request.log, error, { protocol: 'rest', operation: operation.id }));
        return;
    }
  } catch (error) {
    if (reply.sent || reply.raw.headersSent) return;
    const apiError = reportFailure(request.log, error, { protocol: 'rest', operation: operation.id });
    const problem = toProblem(apiError, request.url, shape);
    await reply.code(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }
}

function upload(bound: BoundOperation, request: FastifyRequest): BinaryUpload {
  const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
  const accepted = bound.operation.body?.mediaTypes ?? [];
  if (!accepted.includes(contentType)) {
    throw new ApiError('unsupported_media_type', `Content-Type must be one of ${accepted.join(', ')}.`, [{ pointer: '/header/Content-Type', message: `must be one of ${accepted.join(', ')}` }]);
  }
  const length = Number(request.headers['content-length']);
  return { contentType, ...(Number.isFinite(length) ? { declaredSize: length } : {}), chunks: request.raw };
}

async function sendBinary(content: BinaryContent, request: FastifyRequest, reply: FastifyReply, shape: ProblemShape): Promise<void> {
  const etag = content.etag.startsWith('"') || content.etag.startsWith('W/') ? content.etag : `"${content.etag}"`;
  reply.header('ETag', etag).header('Accept-Ranges', 'bytes');
  if (etagMatches(request.headers['if-none-match'], etag)) {
    await reply.code(304).send();
    return;
  }
  const range = parseRange(request.headers.range, content.size);
  if (range === null) {
    const problem = toProblem(new ApiError('range_not_satisfiable', `The content has ${content.size} bytes.`), request.url, shape);
    await reply.code(416).header('Content-Range', `bytes */${content.size}`).type('application/problem+json').send(JSON.stringify(problem));
    return;
  }
  reply.type(content.contentType);
  if (range === undefined) {
    await reply.code(200).header('Content-Length', content.size).send(Readable.from(content.read()));
    return;
  }
  await reply
    .code(206)
    .header('Content-Range', `bytes ${range.start}-${range.end}/${content.size}`)
    .header('Content-Length', range.end - range.start + 1)
    .send(Readable.from(content.read(range)));
}

// Server-sent events: `id` is the event's sequence, so a reconnecting client resumes with Last-Event-ID.
// HEAD gets the headers of the stream at once, and no stream.
async function sendEvents(events: AsyncIterable<unknown>, request: FastifyRequest, reply: FastifyReply, shape: ProblemShape, signal: AbortSignal, report: (error: unknown) => ApiError): Promise<void> {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, { ...reply.getHeaders(), 'cache-control': String(reply.getHeader('cache-control') ?? 'no-cache'), 'content-type': 'text/event-stream', connection: 'keep-alive' } as Record<string, string>);
  if (request.method === 'HEAD') {
    raw.end();
    await events[Symbol.asyncIterator]().return?.();
    return;
  }
  raw.write(': stream open\n\n');
  const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), 15_000);
  try {
    for await (const event of events) {
      if (signal.aborted) break;
      const record = (event ?? {}) as { sequence?: unknown; id?: unknown; type?: unknown };
      const id = record.sequence ?? record.id;
      raw.write(`${id !== undefined ? `id: ${String(id)}\n` : ''}${typeof record.type === 'string' ? `event: ${record.type}\n` : ''}data: ${JSON.stringify(event)}\n\n`);
    }
  } catch (error) {
    const apiError = report(error);
    raw.write(`event: error\ndata: ${JSON.stringify(toProblem(apiError, undefined, shape))}\n\n`);
  } finally {
    clearInterval(heartbeat);
    raw.end();
  }
}
