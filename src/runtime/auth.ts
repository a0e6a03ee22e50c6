import { createSecretKey, webcrypto, type KeyObject } from 'node:crypto';
import { importSPKI, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { ApiError } from './errors.ts';
import type { Principal } from './handler.ts';

/** Turns a bearer token into a principal, or says why it cannot. */
export interface Authenticator {
  verify(token: string): Promise<Principal>;
  /**
   * Set only in dev mode: signs tokens for local use, living `ttlSeconds` (by default 12 h, or the
   * maximum lifetime when that is shorter). A lifetime above the maximum throws `AuthConfigError`.
   */
  issue?: (principal: Principal, ttlSeconds?: number) => Promise<string>;
  mode: 'dev' | 'production';
  /** The limits tokens are held to, where the authenticator says. */
  policy?: TokenPolicy;
}

/**
 * What a token's times must satisfy beyond its signature: it carries `exp`, lives at most
 * `maxLifetimeSeconds` (from `iat`, or from now when it has none), was not issued in the future,
 * and is not used before its `nbf`; each comparison with the clock allows `clockSkewSeconds`.
 */
export interface TokenPolicy {
  maxLifetimeSeconds: number;
  clockSkewSeconds: number;
}

export const defaultTokenPolicy: TokenPolicy = { maxLifetimeSeconds: 24 * 3600, clockSkewSeconds: 60 };

/** The largest clock skew a server accepts to allow for: beyond it, clocks need fixing instead. */
export const maxClockSkewSeconds = 300;

/** The lifetime of dev tokens when none is asked for. */
export const defaultDevTokenSeconds = 12 * 3600;

/** A token setting of the environment that cannot be used, said in one line. */
export class AuthConfigError extends Error {
  override name = 'AuthConfigError';
}

export const tokenIssuer = 'trident';
export const tokenAudience = 'trident-api';

/** A fixed key for local development only; production refuses to start without a configured key. */
export const devSecret = 'trident-dev-only-signing-key-never-use-in-production';

/**
 * The token policy of the environment: `TRIDENT_JWT_MAX_LIFETIME` (seconds, 86400 by default) and
 * `TRIDENT_JWT_CLOCK_SKEW` (seconds, 60 by default, at most 300).
 */
export function tokenPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): TokenPolicy {
  const seconds = (name: string, fallback: number, min: number, max: number, example: string): number => {
    const value = env[name];
    if (value === undefined || value === '') return fallback;
    const parsed = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      throw new AuthConfigError(`${name}=${value} is not a whole number of seconds from ${min} to ${max} (${example})`);
    }
    return parsed;
  };
  return {
    maxLifetimeSeconds: seconds('TRIDENT_JWT_MAX_LIFETIME', defaultTokenPolicy.maxLifetimeSeconds, 1, 366 * 24 * 3600, 'e.g. 86400 for 24 h'),
    clockSkewSeconds: seconds('TRIDENT_JWT_CLOCK_SKEW', defaultTokenPolicy.clockSkewSeconds, 0, maxClockSkewSeconds, 'e.g. 60'),
  };
}

/**
 * Builds the authenticator from the environment. `TRIDENT_JWT_PUBLIC_KEY` (an SPKI PEM, verified
 * as RS256 or ES256) is the production key; `TRIDENT_JWT_SECRET` an HS256 secret. Without either,
 * dev mode uses a built-in key and says so, unless `NODE_ENV=production`, which refuses. Either
 * way tokens are held to the policy of `tokenPolicyFromEnv`.
 */
export async function authenticatorFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<Authenticator> {
  const issuer = env.TRIDENT_JWT_ISSUER ?? tokenIssuer;
  const audience = env.TRIDENT_JWT_AUDIENCE ?? tokenAudience;
  const policy = tokenPolicyFromEnv(env);
  if (env.TRIDENT_JWT_PUBLIC_KEY) {
    const algorithm = env.TRIDENT_JWT_ALGORITHM ?? 'RS256';
    const key = await importSPKI(env.TRIDENT_JWT_PUBLIC_KEY, algorithm);
    return { mode: 'production', policy, verify: (token) => verifyToken(token, key, [algorithm], issuer, audience, policy) };
  }
  if (env.TRIDENT_JWT_SECRET) {
    const key = await hmacVerifyKey(env.TRIDENT_JWT_SECRET);
    return { mode: 'production', policy, verify: (token) => verifyToken(token, key, ['HS256'], issuer, audience, policy) };
  }
  if (env.NODE_ENV === 'production') {
    throw new AuthConfigError('no token key configured: set TRIDENT_JWT_PUBLIC_KEY (or TRIDENT_JWT_SECRET) in production');
  }
  return devAuthenticator(issuer, audience, policy);
}

/** The dev-mode authenticator: verifies and issues HS256 tokens with the built-in dev key. */
export function devAuthenticator(issuer = tokenIssuer, audience = tokenAudience, policy: TokenPolicy = defaultTokenPolicy): Authenticator {
  const key = createSecretKey(Buffer.from(devSecret));
  const verifyKey = hmacVerifyKey(devSecret);
  return {
    mode: 'dev',
    policy,
    verify: async (token) => verifyToken(token, await verifyKey, ['HS256'], issuer, audience, policy),
    issue: async (principal, ttlSeconds = Math.min(defaultDevTokenSeconds, policy.maxLifetimeSeconds)) => {
      if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > policy.maxLifetimeSeconds) {
        throw new AuthConfigError(`a token cannot live ${ttlSeconds} s: the maximum lifetime is ${policy.maxLifetimeSeconds} s (TRIDENT_JWT_MAX_LIFETIME)`);
      }
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ org: principal.orgId, roles: [...principal.roles] })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(principal.userId)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt(now)
        .setExpirationTime(now + ttlSeconds)
        .sign(key);
    },
  };
}

/**
 * An HS256 secret as a Web Crypto key, imported once: given a KeyObject or bytes, jose imports the
 * key again for every token it verifies, which costs about as much as the check itself.
 */
function hmacVerifyKey(secret: string): Promise<webcrypto.CryptoKey> {
  return webcrypto.subtle.importKey('raw', Buffer.from(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
}

/** Why jose refused a token, in words a caller can act on; the claim names are jose's. */
function rejection(error: unknown): string {
  const { code, claim, reason } = error as { code?: string; claim?: string; reason?: string };
  if (code === 'ERR_JWT_EXPIRED') return 'the token has expired';
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') {
    if (claim === 'exp' && reason === 'missing') return 'it carries no exp (expiry) claim; every token must expire';
    if (claim === 'nbf') return 'it is not valid yet (its nbf is in the future)';
    if (claim === 'iss' || claim === 'aud') return `its ${claim} is missing or not the one this server expects`;
  }
  return 'the token is not valid';
}

async function verifyToken(token: string, key: KeyObject | webcrypto.CryptoKey | Awaited<ReturnType<typeof importSPKI>>, algorithms: string[], issuer: string, audience: string, policy: TokenPolicy): Promise<Principal> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, key, { algorithms, issuer, audience, requiredClaims: ['exp'], clockTolerance: policy.clockSkewSeconds }));
  } catch (error) {
    throw new ApiError('unauthenticated', `Bearer token rejected: ${rejection(error)}.`);
  }
  // jose has checked exp (present, not past), nbf and the types of iat and nbf; it checks iat
  // against the clock only as a token age, which would make iat required, so these two are here.
  const now = Math.floor(Date.now() / 1000);
  const { exp, iat } = payload as JWTPayload & { exp: number };
  if (iat !== undefined && iat > now + policy.clockSkewSeconds) {
    throw new ApiError('unauthenticated', 'Bearer token rejected: its iat (issued at) is in the future; check the issuer\'s clock.');
  }
  // Without iat the lifetime counts from now, and the issuer's clock may be ahead by the skew.
  const lifetime = exp - (iat ?? now);
  if (lifetime > policy.maxLifetimeSeconds + (iat !== undefined ? 0 : policy.clockSkewSeconds)) {
    throw new ApiError('unauthenticated', `Bearer token rejected: it lives ${lifetime} s ${iat !== undefined ? 'from iat to exp' : 'from now to exp'}, above the maximum of ${policy.maxLifetimeSeconds} s; issue a shorter-lived token.`);
  }
  const { sub, org, roles } = payload as JWTPayload & { org?: unknown; roles?: unknown };
  if (typeof sub !== 'string' || typeof org !== 'string' || !Array.isArray(roles) || !roles.every((role) => typeof role === 'string')) {
    throw new ApiError('unauthenticated', 'Bearer token rejected: it must carry sub, org and roles.');
  }
  return { userId: sub, orgId: org, roles };
}

/** The token of an `Authorization: Bearer <token>` value, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}
