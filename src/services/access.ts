import { ApiError } from '../runtime/errors.ts';
import type { OperationContext } from '../runtime/handler.ts';

/** The caller's organisation: what every create records and every read and write filters on. */
export function orgOf(context: OperationContext): string {
  return context.principal.orgId;
}

/** Whether the caller holds `role` in their organisation. */
export function hasRole(context: OperationContext, role: string): boolean {
  return context.principal.roles.includes(role);
}

/** Throws `permission_denied` unless the caller holds `role`; `why` names the rule. */
export function requireRole(context: OperationContext, role: string, why: string): void {
  if (!hasRole(context, role)) throw new ApiError('permission_denied', why);
}

/** The uniform answer for a resource that does not exist or belongs to another organisation. */
export function notFound(kind: string, id: string): ApiError {
  return new ApiError('not_found', `No ${kind} ${id}.`);
}
