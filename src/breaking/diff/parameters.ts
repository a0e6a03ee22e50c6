import { sameType, type Operation, type Parameter } from '../../compiler/ir.ts';
import { fragmentToPointer, getAtPointer } from '../../compiler/pointer.ts';
import { compareConstraints } from './constraints.ts';
import { parameterSubjects } from './names.ts';
import type { OperationPair } from './operations.ts';
import type { Place, ValueDiff } from './values.ts';
import type { Member } from '../typescript/probes.ts';

const parameterMember = (parameter: Parameter): Member => ({ name: parameter.name, type: parameter.type, optional: !parameter.required, nullable: false });

// Header names are case-insensitive; every other location is not.
const keyOf = (parameter: Parameter): string => `${parameter.in}:${parameter.in === 'header' ? parameter.name.toLowerCase() : parameter.name}`;
const pathNames = (operation: Operation): string[] => [...operation.path.matchAll(/\{([^}]*)\}/g)].map((match) => match[1] ?? '');

/**
 * Compares the parameters of a pair of operations: by location and name, then a renamed path
 * parameter by its position in the template, then a parameter that moved by its name alone.
 */
export function compareParameters(values: ValueDiff, pair: OperationPair): void {
  const context = values.context;
  const { base, revision } = pair;
  const remaining = new Map(revision.parameters.map((parameter) => [keyOf(parameter), parameter]));
  const matches: Array<[Parameter, Parameter]> = [];
  const unmatched: Parameter[] = [];
  for (const parameter of base.parameters) {
    const match = remaining.get(keyOf(parameter));
    if (match) {
      matches.push([parameter, match]);
      remaining.delete(keyOf(parameter));
    } else unmatched.push(parameter);
  }
  const basePath = pathNames(base);
  const revisionPath = pathNames(revision);
  const removed: Parameter[] = [];
  for (const parameter of unmatched) {
    const position = parameter.in === 'path' ? basePath.indexOf(parameter.name) : -1;
    const renamedTo = position >= 0 && basePath.length === revisionPath.length ? revisionPath[position] : undefined;
    const candidates = [...remaining.values()];
    const match = renamedTo !== undefined
      ? candidates.find((candidate) => candidate.in === 'path' && candidate.name === renamedTo)
      : candidates.find((candidate) => candidate.name.toLowerCase() === parameter.name.toLowerCase());
    if (!match) {
      removed.push(parameter);
      continue;
    }
    remaining.delete(keyOf(match));
    matches.push([parameter, match]);
    const subjects = parameterSubjects(revision, match.name);
    if (match.in === parameter.in) {
      context.report('path-parameter-renamed', { subject: `${revision.id}(${parameter.name})`, message: `path parameter '${parameter.name}' of '${revision.id}' is renamed to '${match.name}'`, at: { side: 'revision', pointer: match.pointer }, subjects: { ...subjects, graphql: parameterSubjects(base, parameter.name).graphql ?? '', proto: parameterSubjects(base, parameter.name).proto ?? '' } });
    } else {
      context.report('parameter-moved', { subject: `${revision.id}(${match.name})`, message: `parameter '${match.name}' of '${revision.id}' moves from the ${parameter.in} to the ${match.in}`, at: { side: 'revision', pointer: match.pointer }, subjects });
    }
  }
  for (const parameter of removed) {
    context.probe(
      { subject: `${base.id}(${parameter.name})`, direction: 'request', at: { side: 'base', pointer: parameter.pointer }, label: `${parameter.in} parameter '${parameter.name}' of '${base.id}'` },
      () => context.probes.member('request', parameterMember(parameter), undefined),
    );
    context.report('parameter-removed', { subject: `${base.id}(${parameter.name})`, message: `${parameter.in} parameter '${parameter.name}' of '${base.id}' was removed`, at: { side: 'base', pointer: parameter.pointer }, subjects: parameterSubjects(base, parameter.name), direction: 'request' });
  }
  for (const parameter of remaining.values()) {
    context.probe(
      { subject: `${revision.id}(${parameter.name})`, direction: 'request', at: { side: 'revision', pointer: parameter.pointer }, label: `${parameter.in} parameter '${parameter.name}' of '${revision.id}'` },
      () => context.probes.member('request', undefined, parameterMember(parameter)),
    );
    context.report(parameter.required ? 'parameter-added-required' : 'parameter-added-optional', {
      subject: `${revision.id}(${parameter.name})`,
      message: `${parameter.required ? 'required' : 'optional'} ${parameter.in} parameter '${parameter.name}' is added to '${revision.id}'`,
      at: { side: 'revision', pointer: parameter.pointer },
      subjects: parameterSubjects(revision, parameter.name),
      direction: 'request',
    });
  }
  for (const [before, after] of matches) compareParameter(values, revision, before, after);
}

function compareParameter(values: ValueDiff, operation: Operation, base: Parameter, revision: Parameter): void {
  const context = values.context;
  const place: Place = {
    subject: `${operation.id}(${revision.name})`,
    label: `${revision.in} parameter '${revision.name}' of '${operation.id}'`,
    basePointer: `${resolved(context.base.api.document, base.pointer)}/schema`,
    revisionPointer: `${resolved(context.revision.api.document, revision.pointer)}/schema`,
    direction: 'request',
    subjects: parameterSubjects(operation, revision.name),
    parameter: true,
  };
  const report = { subject: place.subject, at: { side: 'revision' as const, pointer: revision.pointer }, subjects: place.subjects, direction: 'request' as const };
  if (base.required !== revision.required || !sameType(base.type, revision.type)) {
    context.probe({ subject: place.subject, direction: 'request', at: report.at, label: place.label }, () => context.probes.member('request', parameterMember(base), parameterMember(revision)));
  }
  if (base.required !== revision.required) {
    context.report(revision.required ? 'parameter-became-required' : 'parameter-became-optional', { ...report, message: `${place.label} becomes ${revision.required ? 'required' : 'optional'}` });
  }
  if (!base.deprecated && revision.deprecated) context.report('deprecation-added', { ...report, message: `${place.label} is deprecated` });
  values.value(base.type, revision.type, place);
  compareConstraints(context, place, base.type, revision.type);
}

// A parameter listed as `$ref: '#/components/parameters/X'` is defined (with its schema) there.
function resolved(document: unknown, pointer: string): string {
  let current = pointer;
  for (let depth = 0; depth < 8; depth += 1) {
    const node = getAtPointer(document, current) as { $ref?: unknown } | undefined;
    if (typeof node?.$ref !== 'string') return current;
    current = fragmentToPointer(node.$ref.slice(node.$ref.indexOf('#')));
  }
  return current;
}
