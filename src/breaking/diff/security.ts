import { describeRequirement, type Operation, type SecurityRequirement } from '../../compiler/ir.ts';
import { appendPointer, getAtPointer } from '../../compiler/pointer.ts';
import { resolveSchema } from '../../compiler/schema-shapes.ts';
import type { Subjects } from '../model.ts';
import type { DiffContext } from './context.ts';
import type { OperationPair } from './operations.ts';

/** Whether every caller who satisfies `held` satisfies `needed` too: it names no scheme or role more. */
function covers(needed: SecurityRequirement, held: SecurityRequirement): boolean {
  return needed.schemes.every(({ scheme, roles }) => {
    const holder = held.schemes.find((candidate) => candidate.scheme === scheme);
    return holder !== undefined && roles.every((role) => holder.roles.includes(role));
  });
}

const same = (a: SecurityRequirement, b: SecurityRequirement): boolean => covers(a, b) && covers(b, a);

interface SecurityChanges {
  /** A requirement that now asks for more (a role, a scope or a scheme): its callers are refused. */
  tightened: Array<[SecurityRequirement, SecurityRequirement]>;
  /** A requirement no alternative of the revision admits any more. */
  removed: SecurityRequirement[];
  /** A requirement that now asks for less. */
  loosened: Array<[SecurityRequirement, SecurityRequirement]>;
  /** A new alternative. */
  added: SecurityRequirement[];
}

/**
 * How the alternatives changed, as OpenAPI reads them: a caller who satisfied one requirement of the
 * base keeps access when some requirement of the revision asks for no scheme or role more. A
 * changed requirement is paired with a new one that asks for everything it did and more
 * (tightened), or for a part of it (loosened).
 */
export function securityChanges(base: SecurityRequirement[], revision: SecurityRequirement[]): SecurityChanges {
  const changes: SecurityChanges = { tightened: [], removed: [], loosened: [], added: [] };
  const gone = base.filter((before) => !revision.some((after) => same(before, after)));
  const fresh = revision.filter((after) => !base.some((before) => same(before, after)));
  const paired = new Set<SecurityRequirement>();
  const partner = (fits: (after: SecurityRequirement) => boolean) => fresh.find((after) => !paired.has(after) && fits(after));
  for (const before of gone) {
    if (revision.some((after) => covers(after, before))) {
      const looser = partner((after) => covers(after, before));
      if (looser) {
        paired.add(looser);
        changes.loosened.push([before, looser]);
      }
      continue;
    }
    const stricter = partner((after) => covers(before, after));
    if (stricter) {
      paired.add(stricter);
      changes.tightened.push([before, stricter]);
    } else {
      changes.removed.push(before);
    }
  }
  changes.added = fresh.filter((after) => !paired.has(after));
  return changes;
}

/** What a client sees of a security scheme: its kind and where and how the credential goes. */
const schemeFields = ['type', 'scheme', 'bearerFormat', 'in', 'name', 'openIdConnectUrl'] as const;
const flowFields = ['authorizationUrl', 'tokenUrl', 'refreshUrl'] as const;

function schemeDefinition(document: Record<string, unknown>, name: string): Record<string, unknown> | undefined {
  const value = resolveSchema(document, getAtPointer(document, appendPointer('/components/securitySchemes', name)));
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
}

/** The differences a client must follow between two definitions of a scheme, in words. */
export function schemeDifferences(base: Record<string, unknown> | undefined, revision: Record<string, unknown> | undefined): string[] {
  if (base === undefined || revision === undefined) return [];
  const text = (value: unknown) => (value === undefined ? 'nothing' : JSON.stringify(value));
  const normal = (field: string, value: unknown) => (field === 'scheme' && typeof value === 'string' ? value.toLowerCase() : value);
  const differences: string[] = [];
  for (const field of schemeFields) {
    const before = normal(field, base[field]);
    const after = normal(field, revision[field]);
    if (before !== after) differences.push(`${field} ${text(base[field])} -> ${text(revision[field])}`);
  }
  const flows = (definition: Record<string, unknown>) => (definition.flows !== null && typeof definition.flows === 'object' ? (definition.flows as Record<string, Record<string, unknown> | undefined>) : {});
  const baseFlows = flows(base);
  const revisionFlows = flows(revision);
  for (const [kind, flow] of Object.entries(baseFlows)) {
    const next = revisionFlows[kind];
    if (next === undefined) {
      differences.push(`the ${kind} flow is gone`);
      continue;
    }
    for (const field of flowFields) if (flow?.[field] !== next[field]) differences.push(`${kind} ${field} ${text(flow?.[field])} -> ${text(next[field])}`);
  }
  return differences;
}

/**
 * Who may call an operation, and how the credential is presented. Security is enforced identically
 * in every protocol, so a caller the base admitted and the revision refuses breaks every client.
 */
export function compareSecurity(context: DiffContext, pair: OperationPair, subjects: Subjects): void {
  const { base, revision } = pair;
  // The requirement may be the operation's own or the document's default.
  const own = appendPointer(revision.pointer, 'security');
  const document = context.revision.api.document;
  const pointer = getAtPointer(document, own) !== undefined ? own : getAtPointer(document, '/security') !== undefined ? '/security' : revision.pointer;
  const report = { subject: revision.id, at: { side: 'revision' as const, pointer }, subjects };
  const list = (requirements: SecurityRequirement[]) => requirements.map(describeRequirement).join('; or ');
  if (base.security.length === 0 && revision.security.length > 0) {
    context.report('security-added', { ...report, message: `'${revision.id}' now requires ${list(revision.security)}` });
    return;
  }
  if (base.security.length > 0 && revision.security.length === 0) {
    context.report('security-removed', { ...report, message: `'${revision.id}' no longer requires credentials` });
    return;
  }
  const changes = securityChanges(base.security, revision.security);
  const pairs = (found: Array<[SecurityRequirement, SecurityRequirement]>, was: string) => found.map(([before, after]) => `${describeRequirement(after)} where ${describeRequirement(before)} ${was}`).join('; ');
  if (changes.tightened.length > 0) context.report('security-requirement-tightened', { ...report, message: `'${revision.id}' now requires ${pairs(changes.tightened, 'sufficed')}` });
  if (changes.removed.length > 0) context.report('security-requirement-removed', { ...report, message: `'${revision.id}' no longer accepts ${list(changes.removed)}` });
  if (changes.loosened.length > 0) context.report('security-requirement-loosened', { ...report, message: `'${revision.id}' now accepts ${pairs(changes.loosened, 'was required')}` });
  if (changes.added.length > 0) context.report('security-requirement-added', { ...report, message: `'${revision.id}' now also accepts ${list(changes.added)}` });
  compareSchemes(context, pair, subjects);
}

/** A scheme both sides require of the operation, defined differently: every caller presents it anew. */
function compareSchemes(context: DiffContext, pair: OperationPair, subjects: Subjects): void {
  const used = (operation: Operation) => new Set(operation.security.flatMap((requirement) => requirement.schemes.map(({ scheme }) => scheme)));
  const before = used(pair.base);
  for (const scheme of used(pair.revision)) {
    if (!before.has(scheme)) continue;
    const differences = schemeDifferences(schemeDefinition(context.base.api.document, scheme), schemeDefinition(context.revision.api.document, scheme));
    if (differences.length === 0) continue;
    const pointer = appendPointer('/components/securitySchemes', scheme);
    context.report('security-scheme-changed', {
      subject: `securityScheme ${scheme}`,
      message: `security scheme '${scheme}' changes: ${differences.join(', ')}`,
      at: { side: 'revision', pointer: getAtPointer(context.revision.api.document, pointer) !== undefined ? pointer : '/components' },
      subjects,
    });
  }
}
