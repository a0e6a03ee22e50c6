/**
 * Cross-origin access: which web origins may call the APIs from a browser. One policy covers
 * REST, GraphQL and event streams, since all three are served by the one HTTP server.
 *
 * An allow-list entry is an origin (`https://viewer.example.org`), an origin with any port
 * (`http://localhost:*`), or `*` for any origin. A listed origin is answered with itself, `*` with
 * `*`; credentials (cookies) are never allowed, since the APIs authenticate with a bearer token
 * that a page sends explicitly. An origin that is not listed gets no CORS header, so the browser
 * refuses the response.
 */
import type { FastifyCorsOptions } from '@fastify/cors';

/** The origins allowed in dev mode when none are configured: pages served from this machine. */
export const devOrigins: readonly string[] = ['http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*'];

/** A malformed allow-list entry, named with what an entry looks like. */
export class CorsConfigError extends Error {
  override name = 'CorsConfigError';
}

interface OriginPattern {
  /** `scheme://host` in lower case. */
  site: string;
  /** A port, `*` for any, or '' for the scheme's default. */
  port: string;
}

const entryShape = /^(https?):\/\/(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}|\*))?$/;

/**
 * Reads an allow-list written as comma-separated entries (the `TRIDENT_CORS_ORIGINS` form).
 * Blank entries are skipped; a malformed one throws a CorsConfigError naming it.
 */
export function parseCorsOrigins(text: string, source = 'TRIDENT_CORS_ORIGINS'): string[] {
  const entries = text.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  for (const entry of entries) {
    if (entry !== '*' && !entryShape.test(entry.toLowerCase())) {
      throw new CorsConfigError(`${source}: '${entry}' is not an origin: write scheme://host[:port] with no path or trailing slash (e.g. https://viewer.example.org, http://localhost:5173, http://localhost:* for any port), or * for any origin`);
    }
  }
  return entries;
}

function pattern(entry: string): OriginPattern {
  const match = entryShape.exec(entry.toLowerCase());
  if (!match) throw new CorsConfigError(`'${entry}' is not an origin`);
  const [, scheme, host, port] = match;
  return { site: `${scheme}://${host}`, port: port === undefined || port === (scheme === 'https' ? '443' : '80') ? '' : port };
}

/** Whether `origin` (the request's `Origin` header) is allowed by `allowList`. */
export function originAllowed(origin: string, allowList: readonly string[]): boolean {
  if (allowList.includes('*')) return true;
  const asked = entryShape.exec(origin.toLowerCase());
  if (!asked || asked[3] === '*') return false;
  const { site, port } = pattern(origin);
  return allowList.some((entry) => {
    const allowed = pattern(entry);
    return allowed.site === site && (allowed.port === '*' || allowed.port === port);
  });
}

/** Request headers a page may send: the protocols' own and every header parameter of the contracts. */
const baseRequestHeaders = ['Authorization', 'Content-Type', 'Accept', 'If-Match', 'If-None-Match', 'Range', 'Last-Event-ID', 'X-Request-Id'];
/** Response headers a page may read besides the CORS-safelisted ones. */
const exposedHeaders = ['ETag', 'Location', 'Retry-After', 'Content-Range', 'Accept-Ranges', 'Content-Disposition', 'Deprecation', 'Sunset', 'Link', 'WWW-Authenticate', 'X-Request-Id'];

/**
 * The @fastify/cors options of an allow-list. `headerParameters` are the names of the contracts'
 * header parameters, which pages must be allowed to send.
 */
export function corsOptions(allowList: readonly string[], headerParameters: readonly string[] = []): FastifyCorsOptions {
  const allowedHeaders = [...new Map([...baseRequestHeaders, ...headerParameters].map((name) => [name.toLowerCase(), name])).values()];
  const any = allowList.includes('*');
  return {
    // `*` is sent as `*`; otherwise a listed origin is answered with itself and any other with no header at all.
    origin: any ? '*' : (origin, done) => done(null, origin !== undefined && originAllowed(origin, allowList)),
    credentials: false,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders,
    exposedHeaders,
    maxAge: 600,
    // A preflight without Access-Control-Request-Method is answered like any OPTIONS request, not with a text/plain 400.
    strictPreflight: false,
  };
}
