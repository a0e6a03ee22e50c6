import { ApiError } from '../../runtime/errors.ts';
import type { OperationContext } from '../../runtime/handler.ts';
import { hasRole } from '../access.ts';

/**
 * The roles that may read a patient's raw identity (patient id, name, birth date and the
 * accession number): the one rule every version of the Study API applies, whatever the protocol.
 * v2 serves the identity by its own operation; v1 carries it inside the study and leaves it out
 * for everyone else.
 */
export const identityReaders: readonly string[] = ['org_admin'];

/** Whether the caller may read patient identity in their organisation. */
export function mayReadIdentity(context: OperationContext): boolean {
  return identityReaders.some((role) => hasRole(context, role));
}

/** Throws `permission_denied` unless the caller may read patient identity. */
export function requireIdentityReader(context: OperationContext): void {
  if (!mayReadIdentity(context)) throw new ApiError('permission_denied', `Patient identity is readable by ${identityReaders.join(', ')} only.`);
}
