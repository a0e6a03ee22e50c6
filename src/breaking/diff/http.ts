import { appendPointer, getAtPointer } from '../../compiler/pointer.ts';
import { resolveSchema } from '../../compiler/schema-shapes.ts';
import type { Subjects } from '../model.ts';
import type { DiffContext } from './context.ts';
import type { OperationPair } from './operations.ts';

type Node = Record<string, unknown>;

const isNode = (value: unknown): value is Node => value !== null && typeof value === 'object' && !Array.isArray(value);

// Follows local `$ref`s (a parameter or header written as a component) to the object itself.
function resolved(document: Node, value: unknown): Node | undefined {
  const current = resolveSchema(document, value);
  return isNode(current) ? current : undefined;
}

/**
 * What only REST sees of an operation: how its parameters are serialized and which response
 * headers it sends. GraphQL and gRPC carry parameters as typed fields and do not expose headers.
 */
export function compareHttpDetails(context: DiffContext, pair: OperationPair, subjects: Subjects): void {
  compareSerialization(context, pair, subjects);
  compareResponseHeaders(context, pair, subjects);
  compareCallbacks(context, pair, subjects);
}

// OpenAPI's defaults: form for query and cookie, simple for path and header; explode only for form.
function serialization(parameter: Node): { style: string; explode: boolean; allowReserved: boolean } {
  const location = parameter.in;
  const style = typeof parameter.style === 'string' ? parameter.style : location === 'query' || location === 'cookie' ? 'form' : 'simple';
  const explode = typeof parameter.explode === 'boolean' ? parameter.explode : style === 'form';
  return { style, explode, allowReserved: parameter.allowReserved === true };
}

function compareSerialization(context: DiffContext, pair: OperationPair, subjects: Subjects): void {
  const baseDocument = context.base.api.document;
  const revisionDocument = context.revision.api.document;
  for (const parameter of pair.base.parameters) {
    const next = pair.revision.parameters.find((candidate) => candidate.in === parameter.in && candidate.name === parameter.name);
    if (!next) continue;
    const before = resolved(baseDocument, getAtPointer(baseDocument, parameter.pointer));
    const after = resolved(revisionDocument, getAtPointer(revisionDocument, next.pointer));
    if (!before || !after) continue;
    const was = serialization(before);
    const is = serialization(after);
    // A single value is written the same by `form` and `simple`, exploded or not; `matrix` and
    // `label` prefix it, and `allowReserved` changes how its characters are escaped.
    const structured = next.type.kind !== 'scalar' && next.type.kind !== 'named';
    const prefixed = (style: string): boolean => style === 'matrix' || style === 'label';
    const matters = (key: 'style' | 'explode' | 'allowReserved'): boolean =>
      key === 'allowReserved' || structured || (key === 'style' && (prefixed(was.style) || prefixed(is.style)));
    const changes = (['style', 'explode', 'allowReserved'] as const)
      .filter((key) => was[key] !== is[key] && matters(key))
      .map((key) => `${key} ${String(was[key])} -> ${String(is[key])}`);
    if (changes.length === 0) continue;
    context.report('parameter-serialization-changed', {
      subject: `${pair.revision.id}(${parameter.name})`,
      message: `parameter '${parameter.name}' of '${pair.revision.id}' is serialized otherwise: ${changes.join(', ')}`,
      at: { side: 'revision', pointer: next.pointer },
      subjects: { rest: subjects.rest ?? [] },
      direction: 'request',
    });
  }
}

/** The headers of the operation's success responses, by lower-cased name, with their place. */
function successHeaders(document: Node, pointer: string): Map<string, { required: boolean; pointer: string; name: string }> {
  const headers = new Map<string, { required: boolean; pointer: string; name: string }>();
  const responses = getAtPointer(document, appendPointer(pointer, 'responses'));
  if (!isNode(responses)) return headers;
  for (const [status, response] of Object.entries(responses)) {
    if (!/^2/.test(status)) continue;
    const body = resolved(document, response);
    if (!body || !isNode(body.headers)) continue;
    for (const [name, header] of Object.entries(body.headers)) {
      const definition = resolved(document, header);
      if (!definition || headers.has(name.toLowerCase())) continue;
      headers.set(name.toLowerCase(), { name, required: definition.required === true, pointer: appendPointer(pointer, 'responses', status, 'headers', name) });
    }
  }
  return headers;
}

function compareResponseHeaders(context: DiffContext, pair: OperationPair, subjects: Subjects): void {
  const before = successHeaders(context.base.api.document, pair.base.pointer);
  const after = successHeaders(context.revision.api.document, pair.revision.pointer);
  for (const [key, header] of before) {
    const next = after.get(key);
    const report = { subject: `${pair.revision.id} header ${header.name}`, subjects: { rest: subjects.rest ?? [] }, direction: 'response' as const };
    if (!next) {
      context.report('response-header-removed', { ...report, message: `'${pair.revision.id}' no longer documents the response header '${header.name}'`, at: { side: 'base', pointer: header.pointer } });
    } else if (header.required && !next.required) {
      context.report('response-header-became-optional', { ...report, message: `the response header '${header.name}' of '${pair.revision.id}' may now be missing`, at: { side: 'revision', pointer: next.pointer } });
    }
  }
}

function compareCallbacks(context: DiffContext, pair: OperationPair, subjects: Subjects): void {
  const names = (document: Node, pointer: string): string[] => {
    const callbacks = getAtPointer(document, appendPointer(pointer, 'callbacks'));
    return isNode(callbacks) ? Object.keys(callbacks) : [];
  };
  const after = new Set(names(context.revision.api.document, pair.revision.pointer));
  for (const name of names(context.base.api.document, pair.base.pointer)) {
    if (after.has(name)) continue;
    context.report('webhook-removed', {
      subject: `${pair.revision.id} callback ${name}`,
      message: `'${pair.revision.id}' no longer makes the callback '${name}'`,
      at: { side: 'base', pointer: appendPointer(pair.base.pointer, 'callbacks', name) },
      subjects: { rest: subjects.rest ?? [] },
    });
  }
}

/** The document's webhooks: requests the API makes to its subscribers. */
export function compareWebhooks(context: DiffContext): void {
  const names = (document: Node): string[] => (isNode(document.webhooks) ? Object.keys(document.webhooks) : []);
  const after = new Set(names(context.revision.api.document));
  for (const name of names(context.base.api.document)) {
    if (after.has(name)) continue;
    context.report('webhook-removed', {
      subject: `webhook ${name}`,
      message: `the webhook '${name}' is no longer sent`,
      at: { side: 'base', pointer: appendPointer('/webhooks', name) },
      subjects: { rest: [`webhook ${name}`] },
    });
  }
}
