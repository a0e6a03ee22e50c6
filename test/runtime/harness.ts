import { join } from 'node:path';
import { credentials, loadPackageDefinition, Metadata, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { devAuthenticator } from '../../src/runtime/auth.ts';
import type { Principal } from '../../src/runtime/handler.ts';
import { loadApis, protoLoaderOptions, writeProtoTree, type LoadedApi } from '../../src/runtime/load.ts';
import { startServers, type RunningServers } from '../../src/runtime/server.ts';

export const notesRoot = join(import.meta.dirname);

export interface Harness {
  servers: RunningServers;
  apis: LoadedApi[];
  token(roles: string[], org?: string): Promise<string>;
  grpcClient(service: string): Client & Record<string, (...args: unknown[]) => unknown>;
}

/** Starts the given implementations on loopback with the dev authenticator. */
export async function startHarness(root: string, implementations: Record<string, object>): Promise<Harness> {
  const apis = await loadApis(root);
  const authenticator = devAuthenticator();
  const servers = await startServers({ apis, implementations, authenticator });
  const tree = writeProtoTree(apis);
  const definition = loadPackageDefinition(loadSync(tree.files, { ...protoLoaderOptions, includeDirs: [tree.dir] }));
  tree.dispose();
  return {
    servers,
    apis,
    token: (roles, org = 'org_a') => authenticator.issue!({ userId: 'usr_tester', orgId: org, roles } satisfies Principal),
    grpcClient(service) {
      const Constructor = service.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], definition) as new (address: string, creds: unknown) => Client;
      return new Constructor(servers.grpcAddress, credentials.createInsecure()) as Client & Record<string, (...args: unknown[]) => unknown>;
    },
  };
}

/** Calls a unary gRPC method and settles with the response or the error. */
export function grpcUnary(client: Record<string, (...args: unknown[]) => unknown>, method: string, request: object, token?: string, deadlineMs = 5000): Promise<{ response?: Record<string, unknown>; error?: ServiceError }> {
  const metadata = new Metadata();
  if (token) metadata.set('authorization', `Bearer ${token}`);
  return new Promise((resolve) => {
    client[method]?.(request, metadata, { deadline: Date.now() + deadlineMs }, (error: ServiceError | null, response: Record<string, unknown>) => resolve(error ? { error } : { response }));
  });
}

/** A GraphQL request over HTTP. */
export async function graphql(url: string, query: string, variables: object, token?: string): Promise<{ status: number; body: { data?: Record<string, unknown>; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as never };
}
