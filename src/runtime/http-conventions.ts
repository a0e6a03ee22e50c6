/**
 * What every HTTP response of the server follows, whatever the API version or protocol (REST,
 * GraphQL, event streams): cross-origin access, compression, the request id, and the bearer
 * challenge of a 401.
 */
import fastifyCompress from '@fastify/compress';
import fastifyCors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import { corsOptions } from './cors.ts';

/**
 * Media types worth compressing: JSON of every kind (problem+json, graphql-response+json), and
 * the pages and scripts of the reference and GraphiQL. Event streams never are (a compressed
 * stream is held back until a block fills), nor are downloads (images, ranges of them).
 */
export const compressibleTypes = /^(?:application\/(?:[\w.-]+\+)?json|application\/javascript|text\/(?:html|css|javascript))\s*(?:;|$)/i;

/**
 * The value of `WWW-Authenticate` on a 401 (RFC 6750): a bare challenge when no token was sent,
 * `error="invalid_token"` when one was and it was refused.
 */
export function bearerChallenge(authorization: string | undefined): string {
  return authorization !== undefined && /^bearer\s+\S/i.test(authorization) ? 'Bearer error="invalid_token"' : 'Bearer';
}

export interface HttpConventions {
  /** The CORS allow-list (./cors.ts); none when empty. */
  cors: readonly string[];
  /** The contracts' header parameters, which cross-origin pages must be allowed to send. */
  headerParameters: readonly string[];
}

/** Registers the conventions on the server before any route is added. */
export async function registerHttpConventions(http: FastifyInstance, conventions: HttpConventions): Promise<void> {
  // Callback hooks: an async one costs every request a promise and a turn of the microtask queue.
  http.addHook('onRequest', (request, reply, done) => {
    reply.header('X-Request-Id', request.id);
    done();
  });
  http.addHook('onSend', (request, reply, payload, done) => {
    if (reply.statusCode === 401 && !reply.hasHeader('WWW-Authenticate')) reply.header('WWW-Authenticate', bearerChallenge(request.headers.authorization));
    done(null, payload);
  });
  if (conventions.cors.length > 0) await http.register(fastifyCors, corsOptions(conventions.cors, conventions.headerParameters));
  // Request bodies are read as sent: a compressed body is refused by its content type, not inflated.
  await http.register(fastifyCompress, { customTypes: compressibleTypes, globalDecompression: false, threshold: 1024 });
}
