import { createSecretKey, randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';

/** The credentials every auth check needs, in the organisation the checks run in. */
export type TokenVariant = 'valid' | 'bad_signature' | 'expired' | 'other_org' | 'wrong_role';

export const tokenVariants: readonly Exclude<TokenVariant, 'valid'>[] = ['bad_signature', 'expired', 'other_org', 'wrong_role'];

/**
 * The roles a role key stands for: one role, or the roles of a requirement that lists several,
 * joined by `+` (`writer+editor`), as `--token writer+editor=JWT` names them.
 */
export function rolesOfKey(key: string): string[] {
  return key.split('+').filter((role) => role !== '');
}

/** The role key of a set of roles. */
export function keyOfRoles(roles: readonly string[]): string {
  return roles.join('+');
}

/**
 * Hands out bearer tokens for a role key (see `rolesOfKey`). With the signing secret (HS256) it mints every variant;
 * with given tokens only, it can still forge a bad signature, and says why it cannot do the rest.
 */
export interface TokenSource {
  /** The organisation the tokens act for. */
  orgId: string;
  /** A token holding the roles of `role` (a role key), or the reason there is none. */
  token(variant: TokenVariant, role: string): Promise<string | { skipped: string }>;
}

export interface MintOptions {
  secret: string;
  orgId: string;
  /** The user id for each role (the demo users for our servers). */
  users: Record<string, string>;
  issuer: string;
  audience: string;
  /** A second organisation for the other-organisation checks. */
  otherOrgId?: string;
  /**
   * How long the tokens that should pass live (3600 s by default): at most the server's maximum
   * token lifetime, which refuses longer ones whatever else they carry.
   */
  lifetimeSeconds?: number;
}

/**
 * Mints HS256 tokens with a known secret: our dev key, or `TRIDENT_JWT_SECRET` of another server.
 * Every token carries `iat` and `exp`; only the expired one is meant to be refused for its times.
 */
export function mintingTokens(options: MintOptions): TokenSource {
  const key = createSecretKey(Buffer.from(options.secret));
  const wrongKey = createSecretKey(randomBytes(32));
  const sign = (orgId: string, roles: string[], userId: string, expiresAt: number, signingKey = key) =>
    new SignJWT({ org: orgId, roles })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(options.issuer)
      .setAudience(options.audience)
      .setIssuedAt(Math.min(expiresAt - 1, Math.floor(Date.now() / 1000)))
      .setExpirationTime(expiresAt)
      .sign(signingKey);
  const now = () => Math.floor(Date.now() / 1000);
  const lifetime = options.lifetimeSeconds ?? 3600;
  const userOf = (role: string) => options.users[role] ?? options.users[rolesOfKey(role)[0] ?? ''] ?? `usr_conformance${role.replace(/[^0-9A-Za-z]/g, '').slice(0, 10).padEnd(10, '0')}`;
  return {
    orgId: options.orgId,
    async token(variant, role) {
      switch (variant) {
        case 'valid':
          return sign(options.orgId, rolesOfKey(role), userOf(role), now() + lifetime);
        case 'bad_signature':
          return sign(options.orgId, rolesOfKey(role), userOf(role), now() + lifetime, wrongKey);
        case 'expired':
          return sign(options.orgId, rolesOfKey(role), userOf(role), now() - 120);
        case 'other_org':
          return sign(options.otherOrgId ?? 'org_conformanceOther01', rolesOfKey(role), 'usr_conformanceOutsider', now() + lifetime);
        case 'wrong_role':
          return sign(options.orgId, rolesOfKey(role), userOf(role), now() + lifetime);
      }
    },
  };
}

/** Tokens given on the command line (`--token role=JWT`), for a server whose key we do not hold. */
export function givenTokens(orgId: string, tokens: Record<string, string>): TokenSource {
  return {
    orgId,
    async token(variant, role) {
      const given = tokens[role];
      if (given === undefined) return { skipped: `no token for role ${role} (pass --token ${role}=JWT, or TRIDENT_JWT_SECRET)` };
      if (variant === 'valid' || variant === 'wrong_role') return given;
      if (variant === 'bad_signature') {
        // Same header and claims, another signature: any verifier must refuse it.
        const [header, payload] = given.split('.');
        return `${header}.${payload}.${Buffer.from(randomBytes(32)).toString('base64url')}`;
      }
      return { skipped: `minting ${variant.replace('_', ' ')} tokens needs the signing secret (TRIDENT_JWT_SECRET)` };
    },
  };
}
