import { createHmac } from 'node:crypto';
import type { PseudonymSecrets } from '../deps.ts';

/**
 * The stable pseudonym of a patient: HMAC-SHA256 under the organisation's secret of
 * `issuer|patientId`, in lowercase hex. The same patient of the same issuer always gets the same
 * pseudonym within one organisation, and it cannot be reversed or compared across organisations.
 */
export function pseudonymOf(secrets: PseudonymSecrets, orgId: string, issuer: string, patientId: string): string {
  return createHmac('sha256', secrets.keyFor(orgId)).update(`${issuer}|${patientId}`).digest('hex');
}

/**
 * Per-organisation secrets derived from one master key, so that a deployment configures one
 * secret and every organisation still gets its own.
 */
export function secretsFromMasterKey(masterKey: string | Uint8Array): PseudonymSecrets {
  return { keyFor: (orgId) => createHmac('sha256', masterKey).update(`pseudonym|${orgId}`).digest() };
}

/**
 * The issuer of v1's patient ids: v1 has no issuer field, so its ids are taken as assigned by the
 * clinic itself.
 */
export function clinicIssuer(orgId: string): string {
  return `urn:trident:org:${orgId}`;
}
