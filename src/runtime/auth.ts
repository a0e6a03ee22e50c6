import { createSecretKey, type KeyObject } from 'node:crypto';
import { importSPKI, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { ApiError } from './errors.ts';
import type { Principal } from './handler.ts';

/** Turns a bearer token into a principal, or says why it cannot. */
export interface Authenticator {
  verify(token: string): Promise<Principal>;
  /** Set only in dev mode: signs tokens for local use. */
  issue?: (principal: Principal, ttlSeconds?: number) => Promise<string>;
  mode: 'dev' | 'production';
}

export const tokenIssuer = 'trident';
export const tokenAudience = 'trident-api';

/** A fixed key for local development only; production refuses to start without a configured key. */
export const devSecret = 'trident-dev-only-signing-key-never-use-in-production';

/**
 * Builds the authenticator from the environment. `TRIDENT_JWT_PUBLIC_KEY` (an SPKI PEM, verified
 * as RS256 or ES256) is the production key; `TRIDENT_JWT_SECRET` an HS256 secret. Without either,
 * dev mode uses a built-in key and says so, unless `NODE_ENV=production`, which refuses.
 */
export async function authenticatorFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<Authenticator> {
  const issuer = env.TRIDENT_JWT_ISSUER ?? tokenIssuer;
  const audience = env.TRIDENT_JWT_AUDIENCE ?? tokenAudience;
  if (env.TRIDENT_JWT_PUBLIC_KEY) {
    const algorithm = env.TRIDENT_JWT_ALGORITHM ?? 'RS256';
    const key = await importSPKI(env.TRIDENT_JWT_PUBLIC_KEY, algorithm);
    return { mode: 'production', verify: (token) => verifyToken(token, key, [algorithm], issuer, audience) };
  }
  if (env.TRIDENT_JWT_SECRET) {
    const key = createSecretKey(Buffer.from(env.TRIDENT_JWT_SECRET));
    return { mode: 'production', verify: (token) => verifyToken(token, key, ['HS256'], issuer, audience) };
  }
  if (env.NODE_ENV === 'production') {
    throw new Error('No token key configured: set TRIDENT_JWT_PUBLIC_KEY (or TRIDENT_JWT_SECRET) in production.');
  }
  return devAuthenticator(issuer, audience);
}

/** The dev-mode authenticator: verifies and issues HS256 tokens with the built-in dev key. */
export function devAuthenticator(issuer = tokenIssuer, audience = tokenAudience): Authenticator {
  const key = createSecretKey(Buffer.from(devSecret));
  return {
    mode: 'dev',
    verify: (token) => verifyToken(token, key, ['HS256'], issuer, audience),
    issue: (principal, ttlSeconds = 12 * 3600) =>
      new SignJWT({ org: principal.orgId, roles: [...principal.roles] })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(principal.userId)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key),
  };
}

async function verifyToken(token: string, key: KeyObject | Awaited<ReturnType<typeof importSPKI>>, algorithms: string[], issuer: string, audience: string): Promise<Principal> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, key, { algorithms, issuer, audience }));
  } catch (error) {
    const reason = (error as { code?: string }).code === 'ERR_JWT_EXPIRED' ? 'the token has expired' : 'the token is not valid';
    throw new ApiError('unauthenticated', `Bearer token rejected: ${reason}.`);
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
