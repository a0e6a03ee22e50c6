import { loadConfig, type TridentConfig } from '../config/index.ts';
import { devIdentities, setUpProject, type DevIdentities } from '../runtime/app.ts';
import { devAuthenticator } from '../runtime/auth.ts';
import { loadApis, type LoadedApi } from '../runtime/load.ts';
import { startServers } from '../runtime/server.ts';

/** The project's servers, started in this process for a conformance run. */
export interface SelfServers {
  httpUrl: string;
  grpcAddress: string;
  apis: LoadedApi[];
  /** The organisation and users the handler module's dev tokens act as. */
  identities: DevIdentities;
  close(): Promise<void>;
}

export interface SelfOptions {
  root: string;
  config?: TridentConfig;
  /** A PostgreSQL server for handler modules that use one (passed as DATABASE_URL). */
  databaseUrl?: string;
  env?: NodeJS.ProcessEnv;
  /** Replaces the implementations before they are served (tests use it to break one on purpose). */
  implementations?: (given: Record<string, object>) => Record<string, object>;
}

/**
 * Starts the project's own implementations (the handler module of its configuration) over the
 * three protocols on loopback, in dev mode, asking the module for throwaway storage.
 */
export async function startSelf(options: SelfOptions): Promise<SelfServers> {
  const config = options.config ?? loadConfig(options.root);
  const apis = await loadApis(options.root, config);
  const env = { ...(options.env ?? process.env), DATABASE_URL: options.databaseUrl ?? '' };
  const setup = await setUpProject(config.serve.handlers, { root: options.root, output: config.output, env, apis, ephemeral: true, mode: 'dev', log: () => {} });
  try {
    const identities = await devIdentities(config.serve.handlers, options.root, apis);
    const implementations = options.implementations ? options.implementations(setup.implementations) : setup.implementations;
    const servers = await startServers({ apis, implementations, authenticator: devAuthenticator() });
    return {
      httpUrl: servers.httpUrl,
      grpcAddress: servers.grpcAddress,
      apis,
      identities,
      async close() {
        await servers.close(2000);
        await setup.close?.();
      },
    };
  } catch (error) {
    await setup.close?.();
    throw error;
  }
}
