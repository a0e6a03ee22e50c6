import { METHODS, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.ts';
import { toStatusProblem, type ProblemShape } from './errors.ts';

/**
 * What Node's HTTP parser refuses before any route sees the request, as problem+json: a request
 * whose headers did not arrive in time (408), headers too large (431), or bytes that are not HTTP
 * (400). The connection is closed after the answer, as Node does.
 */
export function clientErrorProblem(shape: ProblemShape): (error: Error & { code?: string }, socket: Socket) => void {
  return (error, socket) => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const [status, detail, pointer] =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'The request did not arrive in time.', '']
        : error.code === 'HPE_HEADER_OVERFLOW'
          ? [431, 'The request headers are larger than the server accepts.', '/header']
          : [400, 'The request is not well-formed HTTP.', ''];
    const problem = toStatusProblem(status, STATUS_CODES[status] ?? 'Bad request', new ApiError('invalid_argument', detail, pointer === '' ? [] : [{ pointer, message: 'is too large' }]), undefined, shape);
    const body = JSON.stringify(problem);
    if (socket.writable) {
      socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    }
    socket.destroy();
  };
}

/**
 * Lets the router see every method Node parses (PROPFIND, SEARCH...), not only those Fastify knows,
 * so that a path answers 405 with `Allow` for any method it does not declare. CONNECT never reaches
 * the router: Node hands it to the `connect` event.
 */
export function routeEveryMethod(app: FastifyInstance): void {
  for (const method of METHODS) {
    if (method !== 'CONNECT' && !app.supportedMethods.includes(method)) app.addHttpMethod(method, { hasBody: true });
  }
}

/**
 * Answers every method a URL does not declare with 405 and `Allow` (HEAD is allowed wherever GET
 * is), as the request arrives, before its body, of whatever type, is read.
 */
export function refuseOtherMethods(app: FastifyInstance, url: string, declared: readonly string[], shape: ProblemShape): void {
  const allowed = declared.includes('GET') && !declared.includes('HEAD') ? [...declared, 'HEAD'] : [...declared];
  const others = app.supportedMethods.filter((method) => !allowed.includes(method));
  if (others.length === 0) return;
  const refuse = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const error = new ApiError('invalid_argument', `${request.method} is not allowed here; use ${allowed.join(', ')}.`);
    const problem = toStatusProblem(405, 'Method not allowed', error, request.url, shape);
    await reply.code(405).header('Allow', allowed.join(', ')).type('application/problem+json').send(JSON.stringify(problem));
  };
  app.route({ method: others, url, onRequest: refuse, handler: refuse });
}
