import type { Operation } from '../../compiler/ir.ts';
import { protoServiceName } from '../../compiler/emit/proto/transform.ts';
import { pascalCase } from '../../compiler/names.ts';
import { getAtPointer } from '../../compiler/pointer.ts';
import { compareLifecycle } from './lifecycle.ts';
import { operationSubjects } from './names.ts';
import { compareParameters } from './parameters.ts';
import { compareBodies, compareResults } from './payloads.ts';
import { routeOf } from './reach.ts';
import { compareSecurity } from './security.ts';
import { compareHttpDetails } from './http.ts';
import type { ValueDiff } from './values.ts';

/** An operation of the base and the one of the revision it continues as. */
export interface OperationPair {
  base: Operation;
  revision: Operation;
}

/** `/studies/{}`: path parameter names do not change the URL a client builds (`/a/{x}` and `/a/{y}` are one route). */
export const pathShape = (path: string): string => path.replace(/\{[^}]*\}/g, '{}');
/** `GET /studies/{}`. */
const routeShape = (operation: Operation): string => `${operation.method} ${pathShape(operation.path)}`;

/**
 * Pairs operations by route (method and path shape) first, since that is what REST clients call,
 * then the rest by operationId, which is what GraphQL and gRPC clients call. What is left over was
 * removed or added.
 */
export function pairOperations(base: Operation[], revision: Operation[]): { pairs: OperationPair[]; removed: Operation[]; added: Operation[] } {
  const pairs: OperationPair[] = [];
  const left = new Set(revision);
  const byRoute = new Map(revision.map((operation) => [routeShape(operation), operation]));
  const unmatched: Operation[] = [];
  for (const operation of base) {
    const match = byRoute.get(routeShape(operation));
    if (match && left.has(match)) {
      pairs.push({ base: operation, revision: match });
      left.delete(match);
    } else unmatched.push(operation);
  }
  const removed: Operation[] = [];
  for (const operation of unmatched) {
    const match = [...left].find((candidate) => candidate.id === operation.id);
    if (match) {
      pairs.push({ base: operation, revision: match });
      left.delete(match);
    } else removed.push(operation);
  }
  return { pairs, removed, added: revision.filter((operation) => left.has(operation)) };
}

/** Compares every operation of two contracts, and through them every type they reach. */
export function compareOperations(values: ValueDiff): void {
  const context = values.context;
  const { pairs, removed, added } = pairOperations(context.base.api.operations, context.revision.api.operations);
  const baseService = protoServiceName(context.base.api);
  const revisionService = protoServiceName(context.revision.api);
  for (const operation of removed) {
    // The IR already falls back from the operation's own x-sunset to the version's.
    const sunset = operation.sunset;
    context.report('operation-removed', {
      subject: operation.id,
      message: `operation '${operation.id}' (${routeOf(operation)}) was removed`,
      at: { side: 'base', pointer: operation.pointer },
      subjects: operationSubjects(operation, baseService),
      ...(sunset !== undefined ? { baseSunset: sunset } : {}),
    });
  }
  for (const operation of added) {
    context.report('operation-added', {
      subject: operation.id,
      message: `operation '${operation.id}' (${routeOf(operation)}) is added`,
      at: { side: 'revision', pointer: operation.pointer },
      subjects: operationSubjects(operation, revisionService),
    });
  }
  for (const pair of pairs) compareOperation(values, pair, revisionService);
}

function compareOperation(values: ValueDiff, pair: OperationPair, service: string): void {
  const context = values.context;
  const { base, revision } = pair;
  const subjects = operationSubjects(revision, service);
  const at = (key: string): { side: 'revision'; pointer: string } => ({ side: 'revision', pointer: `${revision.pointer}/${key}` });
  if (base.id !== revision.id) {
    context.report('operation-id-renamed', {
      subject: base.id,
      message: `operationId '${base.id}' is renamed to '${revision.id}': the gRPC method ${pascalCase(base.id)} becomes ${pascalCase(revision.id)}`,
      at: at('operationId'),
      subjects: { ...subjects, proto: operationSubjects(base, service).proto ?? '' },
    });
  }
  if (base.graphqlName !== revision.graphqlName) {
    context.report('graphql-field-renamed', {
      subject: base.id,
      message: `the GraphQL field '${base.graphqlName}' is now '${revision.graphqlName}'`,
      at: getAtPointer(context.revision.api.document, `${revision.pointer}/x-graphql-name`) !== undefined ? at('x-graphql-name') : at('operationId'),
      subjects: { ...subjects, graphql: operationSubjects(base, service).graphql ?? '' },
    });
  }
  if (routeOf(base) !== routeOf(revision) && routeShape(base) !== routeShape(revision)) {
    context.report('operation-route-changed', {
      subject: revision.id,
      message: `operation '${revision.id}' moves from ${routeOf(base)} to ${routeOf(revision)}`,
      at: { side: 'revision', pointer: revision.pointer },
      subjects: { ...subjects, rest: [routeOf(base), routeOf(revision)] },
    });
  }
  const streams = (operation: Operation): boolean => operation.result.kind === 'stream';
  // The GraphQL field that clients lose is the base's (it moves to another root type).
  const baseGraphql = operationSubjects(base, service).graphql;
  if (streams(base) !== streams(revision)) {
    context.report('streaming-changed', {
      subject: revision.id,
      message: `operation '${revision.id}' ${streams(revision) ? 'now answers with a stream' : 'no longer answers with a stream'}`,
      at: at('responses'),
      subjects: { ...subjects, ...(baseGraphql !== undefined ? { graphql: baseGraphql } : {}) },
      direction: 'response',
    });
  } else if (base.kind !== revision.kind) {
    context.report('graphql-operation-kind-changed', {
      subject: revision.id,
      message: `the GraphQL field of '${revision.id}' moves from ${base.kind} to ${revision.kind}`,
      at: { side: 'revision', pointer: revision.pointer },
      subjects: { ...subjects, ...(baseGraphql !== undefined ? { graphql: baseGraphql } : {}) },
    });
  }
  compareLifecycle(context, pair, subjects);
  compareSecurity(context, pair, subjects);
  compareParameters(values, pair);
  compareHttpDetails(context, pair, subjects);
  compareBodies(values, pair);
  compareResults(values, pair);
}
