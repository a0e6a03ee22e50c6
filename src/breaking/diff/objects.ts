import { sameType, type Field, type ObjectType } from '../../compiler/ir.ts';
import { fieldProtoName } from '../../compiler/names.ts';
import { getAtPointer } from '../../compiler/pointer.ts';
import type { RuleId } from '../rules.ts';
import { compareConstraints, effectiveSchema } from './constraints.ts';
import type { DiffContext } from './context.ts';
import { fieldSubjects } from './names.ts';
import type { Direction } from './reach.ts';
import type { Place, ValueDiff } from './values.ts';
import type { Member } from '../typescript/probes.ts';
import type { Finding } from '../model.ts';
import { setFromOneof, zeroValueJudgement } from './zero-values.ts';

/** A property as a TypeScript probe sees it. */
export function fieldMember(field: Field): Member {
  return { name: field.name, type: field.type, optional: !field.required, nullable: field.nullable };
}

/**
 * Compares the properties of two object types as seen in one direction: a read-only property is
 * not part of what clients send, a write-only one not of what they read, exactly as the
 * generated layers leave them out.
 */
export function compareObjects(diff: ValueDiff, base: ObjectType, revision: ObjectType, direction: Direction): void {
  const context = diff.context;
  const visible = (field: Field): boolean => (direction === 'request' ? !field.readOnly : !field.writeOnly);
  const baseFields = new Map(base.fields.filter(visible).map((field) => [field.name, field]));
  const revisionFields = new Map(revision.fields.filter(visible).map((field) => [field.name, field]));
  const routes = context.revisionReach.routes(revision.name, direction);
  const renamed = renamesKeepingNumbers(context, base, revision, baseFields, revisionFields);
  const renameTargets = new Set(renamed.values());

  for (const [name, field] of baseFields) {
    if (revisionFields.has(name)) continue;
    const newName = renamed.get(name);
    const target = newName !== undefined ? revisionFields.get(newName) : undefined;
    context.probe(
      { subject: `${base.name}.${name}`, direction, at: { side: 'base', pointer: field.pointer }, label: `property '${name}' of ${base.name}` },
      () => context.probes.member(direction, fieldMember(field), undefined),
    );
    if (target) {
      // Readers of the old name are judged as for a removal; writers as for an unknown name.
      const renameRule: RuleId = direction === 'request' ? 'property-renamed-number-kept' : field.required ? 'response-property-renamed-number-kept' : 'response-optional-property-renamed-number-kept';
      context.report(renameRule, {
        subject: `${base.name}.${name}`,
        message: `property '${name}' of ${revision.name} is renamed to '${target.name}' and keeps its proto number`,
        at: { side: 'revision', pointer: target.pointer },
        // JSON and GraphQL lose the old name; the proto field keeps its number under the new one.
        subjects: { ...fieldSubjects(revision, name, direction, routes), proto: `${revision.name}.${fieldProtoName(target)}` },
        direction,
      });
      compareField(diff, revision, field, target, direction, routes);
      continue;
    }
    const hidden = revision.fields.find((candidate) => candidate.name === name);
    const rename = hidden ? undefined : likelyRename(field, baseFields, revisionFields);
    const why = hidden ? (direction === 'request' ? 'is now read-only' : 'is now write-only') : `was removed${rename ? ` (renamed to '${rename}'?)` : ''}`;
    // A closed object refuses what it no longer lists; an open one drops it.
    const closed = direction === 'request' && !hidden && effectiveSchema(context.revision.api.document, revision.pointer).schema.additionalProperties === false;
    // Readers of an optional property already handle its absence; a required one they rely on.
    const responseRule: RuleId = field.required ? 'response-property-removed' : 'response-optional-property-removed';
    const requestRule: RuleId = hidden ? 'request-property-became-read-only' : closed ? 'request-property-removed-closed' : 'request-property-removed';
    context.report(direction === 'request' ? requestRule : responseRule, {
      subject: `${base.name}.${name}`,
      message: `property '${name}' of ${base.name} ${why}${direction === 'request' ? ' (clients can no longer send it)' : ''}`,
      at: hidden ? { side: 'revision', pointer: hidden.pointer } : { side: 'base', pointer: field.pointer },
      subjects: fieldSubjects(base, name, direction, routes.length > 0 ? routes : context.baseReach.routes(base.name, direction)),
      direction,
    });
  }
  for (const [name, field] of revisionFields) {
    if (baseFields.has(name) || renameTargets.has(name)) continue;
    const rule: RuleId = direction === 'response' ? 'response-property-added' : field.required ? 'request-property-added-required' : 'request-property-added-optional';
    context.probe(
      { subject: `${revision.name}.${name}`, direction, at: { side: 'revision', pointer: field.pointer }, label: `property '${name}' of ${revision.name}` },
      () => context.probes.member(direction, undefined, fieldMember(field)),
    );
    const grpc = rule === 'request-property-added-required' ? requiredForGrpc(context, revision, field) : undefined;
    context.report(rule, {
      subject: `${revision.name}.${name}`,
      message: `property '${name}' is added to ${revision.name}${field.required ? ' as required' : ''}`,
      at: { side: 'revision', pointer: field.pointer },
      subjects: fieldSubjects(revision, name, direction, routes),
      direction,
      ...(grpc ? { grpc } : {}),
    });
  }
  for (const [name, field] of baseFields) {
    const other = revisionFields.get(name);
    if (other) compareField(diff, revision, field, other, direction, routes);
  }
}

function compareField(diff: ValueDiff, owner: ObjectType, base: Field, revision: Field, direction: Direction, routes: string[]): void {
  const context = diff.context;
  const place: Place = {
    subject: `${owner.name}.${revision.name}`,
    label: `property '${revision.name}' of ${owner.name}`,
    basePointer: base.pointer,
    revisionPointer: revision.pointer,
    direction,
    subjects: fieldSubjects(owner, revision.name, direction, routes),
  };
  const report = (rule: RuleId, change: string, pointer = revision.pointer, grpc?: Finding['grpc']): void =>
    context.report(rule, { subject: place.subject, message: `${place.label} ${change}`, at: { side: 'revision', pointer }, subjects: place.subjects, direction, ...(grpc ? { grpc } : {}) });
  const requiredEntry = requiredPointer(context, owner, revision.name) ?? revision.pointer;
  if (base.required !== revision.required || base.nullable !== revision.nullable || !sameType(base.type, revision.type)) {
    context.probe({ subject: place.subject, direction, at: { side: 'revision', pointer: revision.pointer }, label: place.label }, () => context.probes.member(direction, fieldMember(base), fieldMember(revision)));
  }
  if (base.required !== revision.required) {
    if (direction === 'request') {
      const grpc = revision.required ? requiredForGrpc(context, owner, revision) : undefined;
      report(revision.required ? 'request-property-became-required' : 'request-property-became-optional', revision.required ? 'becomes required' : 'becomes optional', requiredEntry, grpc);
    }
    else report(revision.required ? 'response-property-became-required' : 'response-property-became-optional', revision.required ? 'is now always present' : 'may now be missing', requiredEntry);
  }
  if (base.nullable !== revision.nullable) {
    if (direction === 'request') {
      // Proto has no null: a gRPC client that meant null leaves the field unset. Optional, that is
      // still fine; required, the server now takes the zero value for it instead of null.
      const grpc: Finding['grpc'] = revision.nullable
        ? undefined
        : !revision.required
          ? { verdict: 'safe', reason: 'proto has no null: a gRPC client that meant null leaves the field unset, which the optional property still allows' }
          : (zeroValueJudgement(context.revision.api, revision) ?? { verdict: 'breaking', reason: 'a gRPC client that meant null leaves the field unset, and the server now takes the proto zero value for it, which the validation refuses' });
      report(revision.nullable ? 'request-property-became-nullable' : 'request-property-became-non-nullable', revision.nullable ? 'now accepts null' : 'no longer accepts null', revision.pointer, grpc);
    }
    else report(revision.nullable ? 'response-property-became-nullable' : 'response-property-became-non-nullable', revision.nullable ? 'may now be null' : 'is no longer null');
  }
  if (!base.deprecated && revision.deprecated) report('deprecation-added', 'is deprecated');
  diff.value(base.type, revision.type, place);
  compareConstraints(context, place, base.type, revision.type);
}

// What an old gRPC client's call meets where a property of a request must now be sent: the tag a
// union's oneof case sets, or the zero value the binding fills in (src/breaking/diff/zero-values.ts).
function requiredForGrpc(context: DiffContext, owner: ObjectType, field: Field): Finding['grpc'] {
  if (setFromOneof(context.revision.api, owner.name, field.name)) {
    return { verdict: 'safe', reason: `'${field.name}' is the discriminator of the union ${owner.name} belongs to, which the gRPC binding sets from the oneof case the client chose` };
  }
  return zeroValueJudgement(context.revision.api, field);
}

// The `required` entry naming a property, when the object lists it there directly.
function requiredPointer(context: DiffContext, owner: ObjectType, name: string): string | undefined {
  const list = getAtPointer(context.revision.api.document, `${owner.pointer}/required`);
  const index = Array.isArray(list) ? list.indexOf(name) : -1;
  return index === -1 ? undefined : `${owner.pointer}/required/${index}`;
}

// A removed property and an added one that the lock gives the same proto number: a rename that
// the binary wire does not see (the lock file was edited to carry the number over).
function renamesKeepingNumbers(
  context: DiffContext,
  base: ObjectType,
  revision: ObjectType,
  baseFields: ReadonlyMap<string, Field>,
  revisionFields: ReadonlyMap<string, Field>,
): Map<string, string> {
  const renamed = new Map<string, string>();
  if (!context.sameMajor || base.name !== revision.name) return renamed;
  const before = context.base.lock.messages[base.name]?.numbers ?? {};
  const after = context.revision.lock.messages[revision.name]?.numbers ?? {};
  const added = [...revisionFields.keys()].filter((name) => !baseFields.has(name));
  for (const name of baseFields.keys()) {
    if (revisionFields.has(name)) continue;
    const number = before[fieldProtoName(baseFields.get(name)!)];
    const match = added.find((candidate) => number !== undefined && after[fieldProtoName(revisionFields.get(candidate)!)] === number);
    if (match !== undefined) renamed.set(name, match);
  }
  return renamed;
}

// One removed and one added property of the same type read as a rename; the message says so,
// while the verdicts stay those of a removal (JSON and GraphQL clients know properties by name).
function likelyRename(removed: Field, baseFields: ReadonlyMap<string, Field>, revisionFields: ReadonlyMap<string, Field>): string | undefined {
  const added = [...revisionFields.values()].filter((field) => !baseFields.has(field.name));
  const gone = [...baseFields.values()].filter((field) => !revisionFields.has(field.name));
  const alike = added.filter((field) => sameType(field.type, removed.type));
  return gone.length === 1 && alike.length === 1 ? alike[0]?.name : undefined;
}
