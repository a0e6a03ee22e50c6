/**
 * How operations and their parameters are named in GraphQL and proto: the ids a foreign document
 * lacks or repeats, and the argument and field names of parameters that would clash.
 */
import type { Parameter, RequestBody } from './ir.ts';
import type { LossLog } from './losses.ts';
import { camelCase, fallbackWords, isIdentifier, parameterFieldName, pascalCase, protoDefaultJsonName, protoFieldName, snakeCase, words } from './names.ts';
import { assignNames, Namespace, protoFieldKey } from './namespace.ts';
import type { NameBook } from './chosen-names.ts';
import type { Report } from './operations.ts';


/** One operation of the document, before it is read into the IR. */
export interface OperationEntry {
  path: string;
  method: string;
  pathItem: Record<string, unknown>;
  pathPointer: string;
  operation: Record<string, unknown>;
  pointer: string;
}

/**
 * A readable name from the method and the path: `GET /pets/{petId}/toys` is `getPetsByPetIdToys`.
 * It depends on nothing else, so it stays the same when other operations come and go.
 */
export function deriveOperationId(method: string, path: string): string {
  const parts = [method];
  for (const segment of path.split('/')) {
    if (segment === '') continue;
    // `{petId}` reads "by pet id", also inside a segment (`{name}:cancel`).
    for (const piece of segment.replace(/\{([^}]*)\}/g, '\u0000$1\u0000').split('\u0000').map((text, index) => ({ text, parameter: index % 2 === 1 }))) {
      if (piece.text === '') continue;
      if (piece.parameter) parts.push('by', ...fallbackWords(piece.text));
      else if (words(piece.text).length > 0) parts.push(...words(piece.text));
    }
  }
  if (parts.length === 1) parts.push('root');
  return camelCase(parts.join(' '));
}

/** Whether an operationId gives a usable method name; deriveOperationIds keeps it when no other is alike in PascalCase. */
export function usableOperationId(id: unknown): id is string {
  return typeof id === 'string' && id !== '' && isIdentifier(pascalCase(id));
}

/**
 * The ids of a foreign document's operations. A unique operationId that gives a usable method name
 * is kept; every operation whose id is missing, unusable or shared (even only in its PascalCase
 * form, `getPet` and `GetPet`) is named by `deriveOperationId`, with a numeric suffix if needed.
 * Kept ids are claimed first, so a derived name never takes one.
 */
export function deriveOperationIds(entries: readonly OperationEntry[], report: Report, losses: LossLog): Map<string, string> {
  const usable = usableOperationId;
  const uses = new Map<string, number>();
  for (const { operation } of entries) {
    if (usable(operation.operationId)) uses.set(pascalCase(operation.operationId), (uses.get(pascalCase(operation.operationId)) ?? 0) + 1);
  }
  const names = new Namespace(pascalCase);
  const ids = new Map<string, string>();
  const derive: OperationEntry[] = [];
  for (const entry of entries) {
    const id = entry.operation.operationId;
    if (usable(id) && uses.get(pascalCase(id)) === 1) {
      names.claim(id, entry.pointer);
      ids.set(entry.pointer, id);
    } else {
      derive.push(entry);
    }
  }
  for (const { method, path, operation, pointer } of derive) {
    const id = names.unique(deriveOperationId(method, path), pointer, (stem, n) => `${stem}${n}`);
    ids.set(pointer, id);
    const declared = operation.operationId;
    const why = declared === undefined || declared === ''
      ? 'has no operationId'
      : !usable(declared)
        ? `has the operationId ${JSON.stringify(declared)}, which gives no usable method name`
        : `shares the operationId '${declared}' with another operation`;
    report('operation-id-derived', `${method.toUpperCase()} ${path} ${why}; it is named '${id}'`, pointer);
    losses.add(pointer, 'renamed', `operation ${method.toUpperCase()} ${path}`, { graphql: `'${camelCase(id)}'`, proto: `rpc ${pascalCase(id)}` });
  }
  return ids;
}

/**
 * Gives each parameter its GraphQL argument and proto field name, beside the names the body takes
 * (`input`/`file` in GraphQL; `body`, `chunk`, `content_type` in proto). Names an earlier run chose
 * are kept (the lock records them under `owner`); a parameter whose derived name is taken gets a
 * suffix with a warning, recorded in the IR.
 */
export function nameParameters(parameters: Parameter[], body: RequestBody | undefined, owner: string, book: NameBook, lenient: boolean, report: Report, losses: LossLog): void {
  const graphqlNames = new Namespace();
  const protoNames = new Namespace(protoFieldKey);
  const requestBody = 'the request body';
  if (body?.kind === 'json') {
    graphqlNames.claim('input', requestBody);
    protoNames.claim('body', requestBody);
  }
  if (body?.kind === 'binary') {
    graphqlNames.claim('file', requestBody);
    protoNames.claim('chunk', requestBody);
    protoNames.claim('content_type', requestBody);
  }
  // A parameter whose name is usable as written outranks one whose name had to be derived.
  const byOwner = new Map(parameters.map((parameter) => [`'${parameter.name}' (${parameter.in})`, parameter]));
  const owners = [...byOwner.keys()];
  const nameOf = (key: string): string => byOwner.get(key)?.name ?? '';
  const graphqlBase = (key: string): string => {
    const derived = parameterFieldName(nameOf(key));
    return isIdentifier(derived) ? derived : camelCase(fallbackWords(nameOf(key)).join(' '));
  };
  const protoBase = (key: string): string => {
    const derived = protoFieldName(parameterFieldName(nameOf(key)));
    return isIdentifier(derived) ? derived : snakeCase(fallbackWords(nameOf(key)).join(' '));
  };
  // Names an earlier run chose stay while they are free.
  const graphqlEarlier = new Map<string, string>();
  const protoEarlier = new Map<string, string>();
  for (const key of owners) {
    const earlier = book.earlier(owner, nameOf(key));
    if (earlier?.graphql !== undefined && graphqlNames.claim(earlier.graphql, key)) graphqlEarlier.set(key, earlier.graphql);
    if (earlier?.proto !== undefined && protoNames.claim(earlier.proto, key)) protoEarlier.set(key, earlier.proto);
  }
  const suffix = (stem: string, n: number): string => `${stem}_${n}`;
  const graphqlAssigned = assignNames(graphqlNames, owners.filter((key) => !graphqlEarlier.has(key)), graphqlBase, suffix, nameOf);
  const protoAssigned = assignNames(protoNames, owners.filter((key) => !protoEarlier.has(key)), protoBase, suffix, nameOf);
  for (const [key, parameter] of byOwner) {
    const graphql = graphqlEarlier.get(key) ?? graphqlAssigned.get(key) ?? '';
    const proto = protoEarlier.get(key) ?? protoAssigned.get(key) ?? '';
    const graphqlClash = graphqlAssigned.has(key) && graphql !== graphqlBase(key);
    const protoClash = protoAssigned.has(key) && proto !== protoBase(key);
    if (graphqlClash || protoClash) {
      const clash = graphqlClash ? graphqlNames.owner(graphqlBase(key)) : protoNames.owner(protoBase(key));
      report(
        'name-renamed',
        `parameter ${key} clashes with ${clash ?? ''}; it is '${graphql}' in GraphQL and '${proto}' in proto`,
        parameter.pointer,
        lenient ? undefined : 'rename the parameter, or keep the names chosen here: the lock keeps them',
      );
    }
    // Every name not spelled as written is reported (`$filter` -> `filter`, `api-version` ->
    // `apiVersion`); a proto field counts as spelled so when its JSON name is the parameter's.
    if (graphql !== parameterFieldName(parameter.name)) parameter.graphqlName = graphql;
    if (proto !== protoFieldName(parameterFieldName(parameter.name))) parameter.protoName = proto;
    // A contract's parameters are named by the documented rule; what that rule did not give is a loss.
    if (lenient || parameter.graphqlName !== undefined || parameter.protoName !== undefined) {
      losses.add(parameter.pointer, 'renamed', `parameter ${key}`, {
        ...(graphql !== parameter.name ? { graphql: `'${graphql}'` } : {}),
        ...(protoDefaultJsonName(proto) !== parameter.name ? { proto: `'${proto}'` } : {}),
      });
    }
    book.record(owner, parameter.name, {
      ...(parameter.graphqlName !== undefined ? { graphql } : {}),
      ...(parameter.protoName !== undefined ? { proto } : {}),
    });
  }
}
