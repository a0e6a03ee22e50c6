import type { Subjects } from '../model.ts';
import type { DiffContext } from './context.ts';
import type { Operation } from '../../compiler/ir.ts';
import { getAtPointer } from '../../compiler/pointer.ts';
import type { OperationPair } from './operations.ts';

/** Deprecation and the operation's own sunset date. */
export function compareLifecycle(context: DiffContext, pair: OperationPair, subjects: Subjects): void {
  const { base, revision } = pair;
  if (!base.deprecated && revision.deprecated) {
    context.report('deprecation-added', {
      subject: revision.id,
      message: `operation '${revision.id}' is deprecated`,
      at: { side: 'revision', pointer: `${revision.pointer}/deprecated` },
      subjects,
    });
  }
  const before = ownSunset(context.base.api.document, base);
  const after = ownSunset(context.revision.api.document, revision);
  compareSunset(context, { subject: revision.id, label: `operation '${revision.id}'`, pointer: revision.pointer, subjects }, before, after);
}

/** The sunset date of a whole version (`info.x-sunset`). */
export function compareVersionSunset(context: DiffContext): void {
  const name = `${context.revision.api.name} v${context.revision.api.version}`;
  compareSunset(context, { subject: 'info', label: name, pointer: '/info', subjects: {} }, context.base.api.sunset, context.revision.api.sunset);
}

interface Dated {
  subject: string;
  label: string;
  pointer: string;
  subjects: Subjects;
}

// Dates are ISO 8601 (YYYY-MM-DD), so string order is date order.
function compareSunset(context: DiffContext, what: Dated, before: string | undefined, after: string | undefined): void {
  if (before === after) return;
  const at = { side: 'revision' as const, pointer: after !== undefined ? `${what.pointer}/x-sunset` : what.pointer };
  if (before === undefined && after !== undefined) {
    context.report('sunset-added', { subject: what.subject, message: `${what.label} gets the sunset date ${after}`, at, subjects: what.subjects });
  } else if (after !== undefined && before !== undefined && after < before) {
    context.report('sunset-brought-forward', { subject: what.subject, message: `the sunset of ${what.label} moves from ${before} to ${after}`, at, subjects: what.subjects });
  } else {
    const change = after === undefined ? `no longer has a sunset date (was ${String(before)})` : `moves its sunset from ${String(before)} to ${after}`;
    context.report('sunset-postponed', { subject: what.subject, message: `${what.label} ${change}`, at, subjects: what.subjects });
  }
}

/** The `x-sunset` written on the operation itself, not inherited from `info`. */
function ownSunset(document: unknown, operation: Operation): string | undefined {
  const value = getAtPointer(document, `${operation.pointer}/x-sunset`);
  return typeof value === 'string' ? value : undefined;
}
