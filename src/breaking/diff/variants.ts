import type { EnumType, UnionType } from '../../compiler/ir.ts';
import { appendPointer, getAtPointer } from '../../compiler/pointer.ts';
import type { DiffContext } from './context.ts';
import { enumValueName } from '../../compiler/names.ts';
import { enumValueSubjects, typeSubjects, variantSubjects } from './names.ts';
import type { Direction } from './reach.ts';
import type { ValueDiff } from './values.ts';

/**
 * Enum values and union variants: a value a client may send, or may receive. More of the first
 * is safe and fewer breaks; more of the second surprises readers and fewer breaks only code that
 * names it.
 */
export function compareEnums(context: DiffContext, base: EnumType, revision: EnumType, direction: Direction): void {
  const routes = routesOf(context, base.name, revision.name, direction);
  const before = new Set(base.values.map((value) => value.value));
  const after = new Set(revision.values.map((value) => value.value));
  // A value gone and one come that GraphQL and proto name alike: the same value, respelled in JSON.
  const respelled = new Map<string, string>();
  for (const entry of base.values) {
    if (after.has(entry.value)) continue;
    const twin = revision.values.find((candidate) => !before.has(candidate.value) && enumValueName(candidate) === enumValueName(entry) && ![...respelled.values()].includes(candidate.value));
    if (twin) respelled.set(entry.value, twin.value);
  }
  for (const value of before) {
    if (after.has(value)) continue;
    context.probe(
      { subject: `${base.name}.${value}`, direction, at: { side: 'base', pointer: entryPointer(context.base.api.document, base.pointer, 'enum', value) }, label: `the value '${value}' of enum ${base.name}` },
      () => context.probes.enumValue(direction, value, revision),
    );
  }
  for (const [value, spelling] of respelled) {
    context.report(direction === 'request' ? 'request-enum-value-respelled' : 'response-enum-value-respelled', {
      subject: `${base.name}.${value}`,
      message: `enum ${revision.name} spells the value '${value}' as '${spelling}' (${enumValueName({ value: spelling })} in GraphQL and proto, as before)`,
      at: { side: 'revision', pointer: entryPointer(context.revision.api.document, revision.pointer, 'enum', spelling) },
      subjects: { rest: routes },
      direction,
    });
  }
  const respellings = new Set(respelled.values());
  for (const value of before) {
    if (after.has(value) || respelled.has(value)) continue;
    context.report(direction === 'request' ? 'request-enum-value-removed' : 'response-enum-value-removed', {
      subject: `${base.name}.${value}`,
      message: `enum ${base.name} loses the value '${value}'`,
      // The value list survives; the removed entry itself only exists in the base.
      at: { side: 'base', pointer: entryPointer(context.base.api.document, base.pointer, 'enum', value) },
      subjects: enumValueSubjects(base, value, routes),
      direction,
    });
  }
  for (const entry of revision.values) {
    if (before.has(entry.value) || respellings.has(entry.value)) continue;
    context.report(direction === 'request' ? 'request-enum-value-added' : 'response-enum-value-added', {
      subject: `${revision.name}.${entry.value}`,
      message: `enum ${revision.name} gains the value '${entry.value}'`,
      at: { side: 'revision', pointer: entryPointer(context.revision.api.document, revision.pointer, 'enum', entry.value) },
      subjects: enumValueSubjects(revision, entry.value, routes),
      direction,
    });
  }
  if (!base.deprecated && revision.deprecated) {
    context.report('deprecation-added', { subject: revision.name, message: `enum ${revision.name} is deprecated`, at: { side: 'revision', pointer: revision.pointer }, subjects: typeSubjects(revision, direction, routes) });
  }
}

/** Compares the variants (by tag) and the discriminator of two unions, and each kept variant's type. */
export function compareUnions(diff: ValueDiff, base: UnionType, revision: UnionType, direction: Direction): void {
  const context = diff.context;
  const routes = routesOf(context, base.name, revision.name, direction);
  if (base.discriminator !== revision.discriminator) {
    context.report('discriminator-changed', {
      subject: revision.name,
      message: `the discriminator of ${revision.name} changes from '${base.discriminator}' to '${revision.discriminator}'`,
      at: { side: 'revision', pointer: `${revision.pointer}/discriminator/propertyName` },
      subjects: typeSubjects(revision, direction, routes),
    });
  }
  const after = new Map(revision.variants.map((variant) => [variant.tag, variant]));
  const before = new Map(base.variants.map((variant) => [variant.tag, variant]));
  // A variant whose type stays while its tag changes: the discriminator mapping changed.
  const retagged = new Map<string, string>();
  for (const variant of base.variants) {
    if (after.has(variant.tag)) continue;
    const moved = revision.variants.find((candidate) => candidate.type === variant.type && !before.has(candidate.tag) && ![...retagged.values()].includes(candidate.tag));
    if (moved) retagged.set(variant.tag, moved.tag);
  }
  base.variants.forEach((variant, index) => {
    const retag = retagged.get(variant.tag);
    const other = after.get(variant.tag) ?? (retag !== undefined ? after.get(retag) : undefined);
    if (!after.has(variant.tag)) {
      context.probe(
        { subject: `${retag !== undefined ? revision.name : base.name}.${variant.tag}`, direction, at: { side: 'base', pointer: variantPointer(context.base.api.document, base.pointer, index) }, label: `the variant '${variant.tag}' of ${base.name}` },
        () => context.probes.variant(direction, base, variant.tag, revision),
        'variant',
      );
    }
    if (retag !== undefined && other) {
      context.report(direction === 'request' ? 'request-discriminator-mapping-changed' : 'response-discriminator-mapping-changed', {
        subject: `${revision.name}.${variant.tag}`,
        message: `variant ${variant.type} of ${revision.name} is tagged '${retag}', no longer '${variant.tag}'`,
        at: { side: 'revision', pointer: mappingPointer(context.revision.api.document, revision.pointer, retag) ?? variantPointer(context.revision.api.document, revision.pointer, revision.variants.indexOf(other)) },
        subjects: variantSubjects(revision, retag, other.type, direction, routes),
        direction,
      });
    }
    if (other) {
      const place = {
        subject: `${revision.name}.${variant.tag}`,
        label: `variant '${variant.tag}' of ${revision.name}`,
        basePointer: variantPointer(context.base.api.document, base.pointer, index),
        revisionPointer: variantPointer(context.revision.api.document, revision.pointer, revision.variants.indexOf(other)),
        direction,
        subjects: variantSubjects(revision, variant.tag, other.type, direction, routes),
      };
      diff.value({ kind: 'named', name: variant.type }, { kind: 'named', name: other.type }, place);
      return;
    }
    context.report(direction === 'request' ? 'request-union-variant-removed' : 'response-union-variant-removed', {
      subject: `${base.name}.${variant.tag}`,
      message: `${base.name} loses the variant '${variant.tag}' (${variant.type})`,
      at: { side: 'base', pointer: variantPointer(context.base.api.document, base.pointer, index) },
      subjects: variantSubjects(base, variant.tag, variant.type, direction, routes),
      direction,
    });
  });
  const retags = new Set(retagged.values());
  revision.variants.forEach((variant, index) => {
    if (before.has(variant.tag) || retags.has(variant.tag)) return;
    context.report(direction === 'request' ? 'request-union-variant-added' : 'response-union-variant-added', {
      subject: `${revision.name}.${variant.tag}`,
      message: `${revision.name} gains the variant '${variant.tag}' (${variant.type})`,
      at: { side: 'revision', pointer: variantPointer(context.revision.api.document, revision.pointer, index) },
      subjects: variantSubjects(revision, variant.tag, variant.type, direction, routes),
      direction,
    });
  });
}

function routesOf(context: DiffContext, baseName: string, revisionName: string, direction: Direction): string[] {
  const routes = context.revisionReach.routes(revisionName, direction);
  return routes.length > 0 ? routes : context.baseReach.routes(baseName, direction);
}

// The entry of a value in the schema's `enum` list (a nullable enum also lists null there).
function entryPointer(document: unknown, pointer: string, keyword: string, value: string): string {
  const list = getAtPointer(document, `${pointer}/${keyword}`);
  const index = Array.isArray(list) ? list.indexOf(value) : -1;
  return index === -1 ? pointer : `${pointer}/${keyword}/${index}`;
}

// The mapping entry of a tag, when the discriminator lists one.
function mappingPointer(document: unknown, pointer: string, tag: string): string | undefined {
  const mapping = getAtPointer(document, `${pointer}/discriminator/mapping`);
  return mapping !== null && typeof mapping === 'object' && Object.hasOwn(mapping, tag) ? appendPointer(`${pointer}/discriminator/mapping`, tag) : undefined;
}

// A union is a `oneOf` or an `anyOf`; its variants are the branches in order.
function variantPointer(document: unknown, pointer: string, index: number): string {
  const keyword = Array.isArray(getAtPointer(document, `${pointer}/oneOf`)) ? 'oneOf' : 'anyOf';
  return `${pointer}/${keyword}/${index}`;
}
