import type { Api, Operation } from '../compiler/ir.ts';

/** A resource as the contract's paths shape it: a collection to create in and list, an item to read and change. */
export interface Resource {
  collection: string;
  /** The path parameter naming one item, e.g. `studyId`. */
  idParameter: string;
  create: Operation;
  get: Operation;
  list?: Operation;
  update?: Operation;
  /** `POST <item>/cancellation` or `DELETE <item>`: the end of the item's life. */
  end?: Operation;
}

/**
 * Finds the resources of an API version: a `POST <collection>` answering 201 beside a
 * `GET <collection>/{id}`, with the list, update (PATCH or PUT) and cancellation or deletion
 * operations of the same paths when the contract has them.
 */
export function findResources(api: Api): Resource[] {
  const resources: Resource[] = [];
  const at = (method: string, path: string) => api.operations.find((operation) => operation.method.toUpperCase() === method && operation.path === path);
  for (const create of api.operations) {
    if (create.method.toUpperCase() !== 'POST' || create.result.kind !== 'json' || create.result.status !== '201') continue;
    const item = api.operations.find((operation) => operation.method.toUpperCase() === 'GET' && new RegExp(`^${escapeRegExp(create.path)}/\\{[^}/]+\\}$`).test(operation.path));
    if (!item) continue;
    const idParameter = /\{([^}]+)\}$/.exec(item.path)?.[1] ?? '';
    const update = at('PATCH', item.path) ?? at('PUT', item.path);
    const end = at('POST', `${item.path}/cancellation`) ?? at('DELETE', item.path);
    resources.push({ collection: create.path, idParameter, create, get: item, ...(at('GET', create.path) ? { list: at('GET', create.path)! } : {}), ...(update ? { update } : {}), ...(end ? { end } : {}) });
  }
  return resources;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
