import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator } from '../auth.ts';
import { bearerToken } from '../auth.ts';
import { ApiError } from '../errors.ts';
import { reportFailure } from '../failure-log.ts';
import type { BinaryContent, BinaryUpload } from '../handler.ts';
import { invoke, traceHeadersOf, type BoundOperation, type ServedApi } from '../operation.ts';
import { lifecycleHeaders } from '../lifecycle.ts';
import { etagMatches, parseRange, restInput, routePath } from './convert.ts';
import { toProblem } from './errors.ts';

const methods = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'] as const;

/**
 * Serves one API version over REST on a Fastify instance: a route per operation under the
 * contract's base path, answering problem+json for every error and 405 with `Allow` for methods
 * the contract does not declare on a path.
 */
/** `retryable`: whether the contract's problem schema declares it (`declaresRetryable`), so problems carry it. */
export function registerRestApi(app: FastifyInstance, served: ServedApi, authenticator: Authenticator, retryable: boolean): void {
  const byPath = new Map<string, BoundOperation[]>();
  for (const bound of served.operations) {
    const url = routePath(served.basePath, bound.operation.path);
    byPath.set(url, [...(byPath.get(url) ?? []), bound]);
  }
  const lifecycle = lifecycleHeaders(served.api);
  for (const [url, bounds] of byPath) {
    for (const bound of bounds) {
      app.route({ method: bound.operation.method as (typeof methods)[number], url, handler: (request, reply) => handle(bound, request, reply, authenticator, lifecycle, retryable) });
    }
    const allowed = bounds.map((bound) => bound.operation.method);
    const others = methods.filter((method) => !allowed.includes(method) && !(method === 'HEAD' && allowed.includes('GET')));
    if (others.length === 0) continue;
    app.route({
      method: others,
      url,
      handler: async (request, reply) => {
        const error = new ApiError('invalid_argument', `${request.method} is not allowed here; use ${allowed.join(', ')}.`);
        const problem = { ...toProblem(error, request.url, retryable), status: 405, title: 'Method not allowed' };
        await reply.code(405).header('Allow', allowed.join(', ')).type('application/problem+json').send(JSON.stringify(problem));
      },
    });
  }
}

async function handle(bound: BoundOperation, request: FastifyRequest, reply: FastifyReply, authenticator: Authenticator, lifecycle: Record<string, string>, retryable: boolean): Promise<void> {
  for (const [name, value] of Object.entries(lifecycle)) reply.header(name, value);
  const aborter = new AbortController();
  // Only a caller that goes away before the answer is complete aborts the handler; aborting
  // after a normal finish would build an AbortError for every request.
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) aborter.abort();
  });
  const operation = bound.operation;
  try {
    let body: unknown = request.body;
    if (operation.body?.kind === 'binary') body = upload(bound, request);
    const input = restInput(operation, request.params as Record<string, string>, request.query as Record<string, string>, request.headers as Record<string, string>, body);
    const result = await invoke(bound, input, { token: bearerToken(request.headers.authorization), protocol: 'rest', signal: aborter.signal, requestId: request.id, traceHeaders: traceHeadersOf((name) => request.headers[name] as string | undefined) }, authenticator);
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
        await sendBinary(result as BinaryContent, request, reply, retryable);
        return;
      case 'stream':
        await sendEvents(result as AsyncIterable<unknown>, reply, retryable, aborter.signal, (error) => reportFailure(request.log, error, { protocol: 'rest', operation: operation.id }));
        return;
    }
  } catch (error) {
    if (reply.sent || reply.raw.headersSent) return;
    const apiError = reportFailure(request.log, error, { protocol: 'rest', operation: operation.id });
    const problem = toProblem(apiError, request.url, retryable);
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

async function sendBinary(content: BinaryContent, request: FastifyRequest, reply: FastifyReply, retryable: boolean): Promise<void> {
  const etag = content.etag.startsWith('"') || content.etag.startsWith('W/') ? content.etag : `"${content.etag}"`;
  reply.header('ETag', etag).header('Accept-Ranges', 'bytes');
  if (etagMatches(request.headers['if-none-match'], etag)) {
    await reply.code(304).send();
    return;
  }
  const range = parseRange(request.headers.range, content.size);
  if (range === null) {
    const problem = toProblem(new ApiError('range_not_satisfiable', `The content has ${content.size} bytes.`), request.url, retryable);
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
async function sendEvents(events: AsyncIterable<unknown>, reply: FastifyReply, retryable: boolean, signal: AbortSignal, report: (error: unknown) => ApiError): Promise<void> {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, { ...reply.getHeaders(), 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' } as Record<string, string>);
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
    raw.write(`event: error\ndata: ${JSON.stringify(toProblem(apiError, undefined, retryable))}\n\n`);
  } finally {
    clearInterval(heartbeat);
    raw.end();
  }
}
