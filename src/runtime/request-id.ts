import { randomUUID } from 'node:crypto';

/** The header that carries a request's id in and out, over HTTP and as gRPC metadata. */
export const requestIdHeader = 'x-request-id';

// What a caller (or a proxy in front) may name a request by: a token of visible ASCII, short
// enough to log. Anything else is replaced by an id of our own rather than echoed.
const requestIdShape = /^[A-Za-z0-9._:/+=@-]{1,128}$/;

/** The caller's request id when it is a usable one, else a new UUID. */
export function requestIdFrom(value: unknown): string {
  const given = Array.isArray(value) ? value[0] : value;
  return typeof given === 'string' && requestIdShape.test(given) ? given : randomUUID();
}
