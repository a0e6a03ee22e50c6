import type { Api, NamedType, Operation, TypeRef } from '../../compiler/ir.ts';

/** Which way a value travels: what clients send, or what they read. */
export type Direction = 'request' | 'response';

/** `GET /studies/{studyId}`: how a REST client knows an operation. */
export function routeOf(operation: Pick<Operation, 'method' | 'path'>): string {
  return `${operation.method} ${operation.path}`;
}

/**
 * For each named type, the operations that send it (request) and return it (response). A
 * read-only property is not sent and a write-only one not returned, as in the generated layers,
 * so a type reached only through such a property is not reached that way.
 */
export class Reach {
  private readonly request = new Map<string, Set<string>>();
  private readonly response = new Map<string, Set<string>>();
  private readonly types: ReadonlyMap<string, NamedType>;

  constructor(api: Api) {
    this.types = new Map(api.types.map((type) => [type.name, type]));
    for (const operation of api.operations) {
      const route = routeOf(operation);
      for (const parameter of operation.parameters) this.walk(parameter.type, 'request', route, new Set());
      if (operation.body?.kind === 'json') this.walk(operation.body.type, 'request', route, new Set());
      if (operation.result.kind === 'json') this.walk(operation.result.type, 'response', route, new Set());
      if (operation.result.kind === 'stream') this.walk(operation.result.item, 'response', route, new Set());
    }
  }

  /** The routes that carry `name` in that direction, sorted. */
  routes(name: string, direction: Direction): string[] {
    return [...((direction === 'request' ? this.request : this.response).get(name) ?? [])].sort();
  }

  /** Whether any operation carries `name` either way. */
  reaches(name: string): boolean {
    return this.request.has(name) || this.response.has(name);
  }

  private walk(type: TypeRef, direction: Direction, route: string, seen: Set<string>): void {
    if (type.kind === 'list' || type.kind === 'map') return this.walk(type.of, direction, route, seen);
    if (type.kind !== 'named' || seen.has(type.name)) return;
    seen.add(type.name);
    const map = direction === 'request' ? this.request : this.response;
    const routes = map.get(type.name) ?? new Set<string>();
    routes.add(route);
    map.set(type.name, routes);
    const target = this.types.get(type.name);
    if (target?.kind === 'object') {
      for (const field of target.fields) {
        if (direction === 'request' ? field.readOnly : field.writeOnly) continue;
        this.walk(field.type, direction, route, seen);
      }
    }
    if (target?.kind === 'union') for (const variant of target.variants) this.walk({ kind: 'named', name: variant.type }, direction, route, seen);
  }
}
