import type { Operation } from '../../compiler/ir.ts';
import { appendPointer, getAtPointer } from '../../compiler/pointer.ts';
import type { Subjects } from '../model.ts';
import type { DiffContext } from './context.ts';
import type { OperationPair } from './operations.ts';

// Every (scheme, role) pair that grants access; a scheme without roles grants it to any holder.
function grants(operation: Operation): Set<string> {
  return new Set(operation.security.flatMap(({ scheme, roles }) => (roles.length === 0 ? [`${scheme} (any role)`] : roles.map((role) => `${scheme} role ${role}`))));
}

/**
 * Who may call an operation. Authentication and roles are enforced identically in every protocol,
 * so losing a grant breaks every client that relied on it, and gaining one breaks nobody.
 */
export function compareSecurity(context: DiffContext, pair: OperationPair, subjects: Subjects): void {
  const { base, revision } = pair;
  // The requirement may be the operation's own or the document's default.
  const own = appendPointer(revision.pointer, 'security');
  const pointer = getAtPointer(context.revision.api.document, own) !== undefined ? own : getAtPointer(context.revision.api.document, '/security') !== undefined ? '/security' : revision.pointer;
  const report = { subject: revision.id, at: { side: 'revision' as const, pointer }, subjects };
  const before = grants(base);
  const after = grants(revision);
  if (before.size === 0 && after.size > 0) {
    context.report('security-added', { ...report, message: `'${revision.id}' now requires ${[...after].join(' or ')}` });
    return;
  }
  if (before.size > 0 && after.size === 0) {
    context.report('security-removed', { ...report, message: `'${revision.id}' no longer requires credentials` });
    return;
  }
  const lost = [...before].filter((grant) => !after.has(grant));
  const gained = [...after].filter((grant) => !before.has(grant));
  if (lost.length > 0) context.report('security-role-removed', { ...report, message: `'${revision.id}' no longer accepts ${lost.join(', ')}` });
  if (gained.length > 0) context.report('security-role-added', { ...report, message: `'${revision.id}' now also accepts ${gained.join(', ')}` });
}
