import { credentials, type ChannelCredentials } from '@grpc/grpc-js';
import type { Api } from '../compiler/ir.ts';
import { contractRoles } from '../runtime/app.ts';
import type { LoadedApi } from '../runtime/load.ts';
import { graphqlCaller } from './callers/graphql.ts';
import { grpcCaller, type GrpcCaller } from './callers/grpc.ts';
import { restCaller } from './callers/rest.ts';
import type { Caller } from './callers/caller.ts';
import type { TokenSource } from './tokens.ts';

/** A running implementation and the contracts it claims. */
export interface Target {
  httpUrl: string;
  grpcAddress: string;
  /** How gRPC channels to the implementation are secured: TLS, or plaintext. */
  grpcCredentials(): ChannelCredentials;
  apis: LoadedApi[];
  tokens: TokenSource;
  /** The checkout holding the contracts and `generated/` (the generated gRPC code is one of the decoders). */
  root: string;
  /** Every role the contracts name. */
  roles: string[];
  callers: { rest: Caller; graphql: Caller; grpc: Caller };
  /** The gRPC caller with its stream probe. */
  grpc: GrpcCaller;
  basePath(api: Api): string;
  graphqlPath(api: Api): string;
  close(): void;
}

/** The REST base path of an API version, from the contract's first server (as the runtime does). */
export function basePathOf(api: Api): string {
  const url = (api.document as { servers?: Array<{ url?: unknown }> }).servers?.[0]?.url;
  return typeof url === 'string' && url.startsWith('/') ? url.replace(/\/$/, '') : `/${api.name}/v${api.version}`;
}

/** Where a running implementation answers, and the contracts it claims. */
export interface ConnectOptions {
  httpUrl: string;
  grpcAddress: string;
  /**
   * gRPC over TLS (by default when `httpUrl` is https), trusting the given root certificates (PEM)
   * or else grpc-js's bundled certificate authorities.
   */
  grpcTls?: boolean | { rootCerts: Buffer };
  apis: LoadedApi[];
  tokens: TokenSource;
  root: string;
  /**
   * Base paths by API version (`study/v2` to `/` or `/api`), for an implementation laid out otherwise
   * than the contract's `servers`; its GraphQL endpoint is `<base path>/graphql`.
   */
  basePaths?: Record<string, string>;
}

/** Connects to a running implementation of `apis`: callers for the three protocols. */
export function connect(options: ConnectOptions): Target {
  const httpUrl = options.httpUrl.replace(/\/$/, '');
  const given = options.basePaths ?? {};
  const pathOf = (loaded: LoadedApi) => (loaded.key in given ? given[loaded.key]!.replace(/\/+$/, '') : basePathOf(loaded.api));
  const basePaths = new Map(options.apis.map((loaded) => [loaded.api, pathOf(loaded)]));
  const graphqlPaths = new Map(options.apis.map((loaded) => [loaded.api, `${pathOf(loaded)}/graphql`]));
  const secure = options.grpcTls ?? httpUrl.startsWith('https:');
  const grpcCredentials = (): ChannelCredentials => (secure === false ? credentials.createInsecure() : credentials.createSsl(secure === true ? null : secure.rootCerts));
  const grpc = grpcCaller(options.grpcAddress, options.apis, undefined, grpcCredentials);
  const roles = contractRoles(options.apis);
  return {
    httpUrl,
    grpcAddress: options.grpcAddress,
    grpcCredentials,
    apis: options.apis,
    tokens: options.tokens,
    root: options.root,
    roles,
    callers: { rest: restCaller(httpUrl, basePaths), graphql: graphqlCaller(httpUrl, graphqlPaths), grpc },
    grpc,
    basePath: (api) => basePaths.get(api) ?? basePathOf(api),
    graphqlPath: (api) => graphqlPaths.get(api) ?? `${basePathOf(api)}/graphql`,
    close: () => grpc.close(),
  };
}

export const apiKey = (api: Api): string => `${api.name}/v${api.version}`;
