import type { ScalarKind, TypeRef } from '../../compiler/ir.ts';
import type { Subjects } from '../model.ts';
import type { RuleId } from '../rules.ts';
import type { DiffContext } from './context.ts';
import { compareObjects } from './objects.ts';
import { graphqlTypeName } from './names.ts';
import type { Direction } from './reach.ts';
import { compareEnums, compareUnions } from './variants.ts';

/** Where a compared value sits: enough to name, locate and fingerprint a finding about it. */
export interface Place {
  /** The stable key of the fingerprint, e.g. `Study.numberOfImages`. */
  subject: string;
  /** How a sentence names it: "property 'numberOfImages' of Study". */
  label: string;
  basePointer: string;
  revisionPointer: string;
  direction: Direction;
  subjects: Subjects;
  /** Set for a parameter, which travels as text in a URL or header. */
  parameter?: true;
}

/**
 * Compares the types of two values and, through named types, everything they contain. Each pair
 * of named types is compared once per direction, however many places refer to it, so a change
 * in a shared schema is one finding listing every operation it affects.
 */
export class ValueDiff {
  readonly context: DiffContext;
  private readonly compared = new Set<string>();

  constructor(context: DiffContext) {
    this.context = context;
  }

  value(base: TypeRef, revision: TypeRef, place: Place): void {
    if (base.kind === 'scalar' && revision.kind === 'scalar') return this.scalar(base.scalar, revision.scalar, place);
    if ((base.kind === 'list' && revision.kind === 'list') || (base.kind === 'map' && revision.kind === 'map')) {
      const items = base.kind === 'list' ? 'the items' : 'the values';
      return this.value(base.of, (revision as typeof base).of, { ...place, label: `${items} of ${place.label}` });
    }
    if (base.kind === 'named' && revision.kind === 'named') return this.named(base.name, revision.name, place);
    if (base.kind === 'json' && revision.kind === 'json') return;
    this.changed('type-changed', place, describe(base), describe(revision));
  }

  private scalar(base: ScalarKind, revision: ScalarKind, place: Place): void {
    if (base === revision) return;
    const rule = place.parameter && place.direction === 'request' && revision === 'string' && widensToText.has(base) ? 'parameter-widened-to-string' : scalarRule(base, revision, place.direction);
    this.changed(rule, place, scalarNames[base], scalarNames[revision]);
  }

  private named(baseName: string, revisionName: string, place: Place): void {
    const base = this.context.type('base', baseName);
    const revision = this.context.type('revision', revisionName);
    if (!base || !revision) return;
    if (base.kind !== revision.kind) return this.changed('type-changed', place, `${base.kind} ${base.name}`, `${revision.kind} ${revision.name}`);
    if (baseName !== revisionName) {
      // An inline schema that became a component keeps its shape; only the generated type names move.
      const extracted = !/^\/components\/schemas\/[^/]+$/.test(base.pointer) && /^\/components\/schemas\/[^/]+$/.test(revision.pointer);
      this.context.probe(
        { subject: `${baseName} -> ${revisionName}`, direction: place.direction, at: { side: 'revision', pointer: place.revisionPointer }, label: `${place.label} (schema '${baseName}', now '${revisionName}')` },
        () => this.context.probes.renamed(place.direction, baseName, revisionName),
      );
      this.context.report(extracted ? 'schema-extracted' : 'schema-renamed', {
        subject: `${baseName} -> ${revisionName}`,
        message: `schema '${baseName}' is replaced by '${revisionName}' in ${place.label}`,
        at: { side: 'revision', pointer: place.revisionPointer },
        // The names a reference tool reports as removed are the base's.
        subjects: { ...place.subjects, graphql: graphqlTypeName(base, place.direction), proto: baseName },
      });
    }
    const key = `${baseName}|${revisionName}|${place.direction}`;
    if (this.compared.has(key)) return;
    this.compared.add(key);
    if (base.kind === 'object' && revision.kind === 'object') compareObjects(this, base, revision, place.direction);
    if (base.kind === 'enum' && revision.kind === 'enum') compareEnums(this.context, base, revision, place.direction);
    if (base.kind === 'union' && revision.kind === 'union') compareUnions(this, base, revision, place.direction);
  }

  private changed(rule: RuleId, place: Place, from: string, to: string): void {
    this.context.report(rule, {
      subject: place.subject,
      message: `the type of ${place.label} changes from ${from} to ${to}`,
      at: { side: 'revision', pointer: place.revisionPointer },
      subjects: place.subjects,
      direction: place.direction,
    });
  }
}

// Every number or boolean a parameter carried is also a valid string.
const widensToText = new Set<ScalarKind>(['int32', 'int64', 'float', 'double', 'boolean']);

// Which rule a scalar change falls under; the direction matters only where the protocols split.
function scalarRule(base: ScalarKind, revision: ScalarKind, direction: Direction): RuleId {
  const change = `${base}->${revision}`;
  if (change === 'int32->int64') return direction === 'request' ? 'request-int32-to-int64' : 'response-int32-to-int64';
  if (change === 'int64->int32') return direction === 'request' ? 'request-int64-to-int32' : 'response-int64-to-int32';
  if (change === 'float->double') return direction === 'request' ? 'request-float-to-double' : 'response-float-to-double';
  if (change === 'double->float') return direction === 'request' ? 'request-double-to-float' : 'response-double-to-float';
  if ((base === 'int32' || base === 'int64') && (revision === 'float' || revision === 'double')) return 'integer-to-number';
  if ((base === 'date' && revision === 'datetime') || (base === 'datetime' && revision === 'date')) return 'date-time-date-changed';
  const textual = new Set<ScalarKind>(['string', 'date', 'datetime']);
  if (!textual.has(base) || !textual.has(revision)) return 'type-changed';
  // A request string gaining a format the server checks refuses values it took (and GraphQL and
  // proto type a date-time otherwise); a plain date format lost accepts more.
  if (direction === 'request' && base === 'string') return 'request-constraint-tightened';
  if (direction === 'request' && base === 'date') return 'request-constraint-loosened';
  return base === 'datetime' || revision === 'datetime' ? 'date-time-format-changed' : 'string-format-changed';
}

// How the contract spells each scalar (`format: date-time`), which is what a reader looks for.
const scalarNames: Record<ScalarKind, string> = {
  string: 'string',
  boolean: 'boolean',
  int32: 'int32',
  int64: 'int64',
  float: 'float',
  double: 'double',
  datetime: 'date-time',
  date: 'date',
  bytes: 'bytes',
};

function describe(type: TypeRef): string {
  switch (type.kind) {
    case 'scalar':
      return scalarNames[type.scalar];
    case 'named':
      return type.name;
    case 'list':
      return `a list of ${describe(type.of)}`;
    case 'map':
      return `a map of ${describe(type.of)}`;
    case 'json':
      return type.shape === 'object' ? 'a free-form object' : 'any JSON value';
  }
}
