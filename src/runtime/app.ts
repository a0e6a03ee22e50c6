/**
 * A project's implementations, as `trident serve` and `trident conformance --self` find them: the
 * handler module named by the configuration (`serve.handlers`), whose default export is either the
 * implementations keyed `<api>/v<major>`, or a function that sets them up (opens a database,
 * seeds data) and says how to close them.
 *
 *     import type { NotesV1Handlers } from '../../generated/ts/notes/v1/server.ts';
 *     const notes: NotesV1Handlers = { async getNote(input, context) { ... } };
 *     export default { 'notes/v1': notes };
 *
 * A named export `identities` ({ orgId, users }) sets the organisation and users that dev tokens
 * (`trident token`, the serve banner, conformance runs) act as.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { rolesOf } from '../compiler/ir.ts';
import type { LoadedApi } from './load.ts';
import type { PoolStats, ReadinessCheck } from './ops/index.ts';

/** The organisation and one user per role that dev tokens and conformance runs act as. */
export interface DevIdentities {
  orgId: string;
  /** A user id per role. */
  users: Record<string, string>;
}

/** What a handler module's set-up function is given. */
export interface ProjectContext {
  /** The project root. */
  root: string;
  /** The folder of the generated code, relative to the root (`generated`). */
  output: string;
  env: NodeJS.ProcessEnv;
  /** The API versions about to be served. */
  apis: readonly LoadedApi[];
  /** Throwaway storage wanted (a conformance run): nothing should outlive `close`. */
  ephemeral: boolean;
  /**
   * `dev` when tokens are signed with the built-in dev key (no token key configured), the place
   * for demo data; `production` when a token key is configured, where nothing demo belongs.
   */
  mode: 'dev' | 'production';
  log(line: string): void;
}

/** What a handler module's set-up function returns. */
export interface ProjectSetup {
  /** One implementation per API version, keyed `<api>/v<major>` (e.g. `notes/v1`). */
  implementations: Record<string, object>;
  /** Called once the servers have stopped (close databases here). */
  close?(): Promise<void>;
  /** Extra lines for the start-up banner (where demo data is, what to try). */
  banner?: string[];
  /** One call per protocol that `serve --self-check` makes against data the set-up created. */
  selfCheck?: SelfCheckCall;
  /**
   * Whether what the implementations need answers (a cheap query, a folder check): `/readyz` and
   * gRPC health follow it. A reason is shown to anyone who asks: it names no host, path or secret.
   */
  ready?(signal: AbortSignal): Promise<ReadinessCheck[]>;
  /** The database connection pool as it stands, for `/metrics`. */
  databasePool?(): PoolStats | undefined;
}

/** A read that must give the same answer over REST, GraphQL and gRPC. */
export interface SelfCheckCall {
  /** `<api>/v<major>` */
  api: string;
  operationId: string;
  role: string;
  /** The operation's input in the contract's JSON: path, query and body values. */
  input: { path?: Record<string, string>; query?: Record<string, string> };
  /** The fields compared across the three answers. */
  compare: string[];
}

/** The default export of a handler module. */
export type HandlerModuleExport = Record<string, object> | ((context: ProjectContext) => ProjectSetup | Promise<ProjectSetup>);

/** A handler module that cannot be used, in one line that says what to do. */
export class ProjectError extends Error {
  readonly code: 'handlers-missing' | 'handlers-invalid' | 'handler-missing' | 'setup-failed';
  constructor(code: ProjectError['code'], message: string) {
    super(message);
    this.name = 'ProjectError';
    this.code = code;
  }
}

export const devOrgId = 'org_dev';

/** The roles the contracts' security requirements name, in a stable order. */
export function contractRoles(apis: readonly LoadedApi[]): string[] {
  const roles = apis.flatMap(({ api }) => api.operations.flatMap((operation) => operation.security.flatMap(rolesOf)));
  return [...new Set(roles)].sort();
}

/** The dev identities of a project that names none: `usr_dev_<role>` for each role of its contracts. */
export function defaultIdentities(apis: readonly LoadedApi[]): DevIdentities {
  return { orgId: devOrgId, users: Object.fromEntries(contractRoles(apis).map((role) => [role, `usr_dev_${role}`])) };
}

/** What a handler module exports. */
interface HandlerModule {
  default?: unknown;
  identities?: unknown;
}

async function importHandlerModule(modulePath: string, root: string): Promise<HandlerModule> {
  const file = isAbsolute(modulePath) ? modulePath : resolve(root, modulePath);
  if (!existsSync(file)) {
    throw new ProjectError('handlers-missing', `the handler module ${modulePath} does not exist: create it (its default export implements the contracts) or set "serve.handlers" in trident.config.json`);
  }
  return (await import(pathToFileURL(file).href)) as HandlerModule;
}

/**
 * The organisation and users dev tokens act as: the handler module's `identities` export, else
 * `org_dev` with a user `usr_dev_<role>` for each role of the contracts.
 */
export async function devIdentities(modulePath: string, root: string, apis: readonly LoadedApi[]): Promise<DevIdentities> {
  const file = isAbsolute(modulePath) ? modulePath : resolve(root, modulePath);
  const declared = existsSync(file) ? (await importHandlerModule(modulePath, root)).identities : undefined;
  const fallback = defaultIdentities(apis);
  if (declared === null || typeof declared !== 'object') return fallback;
  const { orgId, users } = declared as Partial<DevIdentities>;
  return { orgId: typeof orgId === 'string' ? orgId : fallback.orgId, users: { ...fallback.users, ...(users ?? {}) } };
}

// Recognised by a brand, not by class: the handler module and the server may load two copies of
// this module (a checkout's sources and an installed build).
const setupErrorBrand = Symbol.for('trident.SetupError');

/**
 * Thrown by a handler module's set-up function when what the handlers need is not there (a
 * database it cannot reach, a setting left out): `serve` and `conformance --self` stop with the
 * message on one line, naming the module, instead of a stack trace. Any other error is a fault
 * and keeps its stack.
 */
export class SetupError extends Error {
  readonly [setupErrorBrand] = true;

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[setupErrorBrand] === true;
  }

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SetupError';
  }
}

/**
 * Imports the handler module `modulePath` (relative to `root`) and sets it up. Every operation of
 * every API version must have a handler: the first missing one is reported with where it goes.
 */
export async function setUpProject(modulePath: string, context: ProjectContext): Promise<ProjectSetup> {
  const exported = (await importHandlerModule(modulePath, context.root)).default;
  let setup: ProjectSetup;
  if (typeof exported === 'function') {
    try {
      setup = await (exported as (context: ProjectContext) => ProjectSetup | Promise<ProjectSetup>)(context);
    } catch (error) {
      if (error instanceof SetupError) throw new ProjectError('setup-failed', `setting up ${modulePath} failed: ${error.message}`);
      throw error;
    }
  }
  else if (exported !== null && typeof exported === 'object') setup = { implementations: exported as Record<string, object> };
  else throw new ProjectError('handlers-invalid', `${modulePath} has no default export: export default { '<api>/v<major>': { <operationId>(input, context) { ... } } }, or a function returning { implementations }`);
  if (setup === null || typeof setup !== 'object' || setup.implementations === null || typeof setup.implementations !== 'object') {
    throw new ProjectError('handlers-invalid', `the default export of ${modulePath} returned no { implementations } object`);
  }
  try {
    checkImplementations(context.apis, setup.implementations, modulePath, context.output);
  } catch (error) {
    await setup.close?.();
    throw error;
  }
  return setup;
}

/** Every operation of every API version has a function in `implementations`; else one line naming the first that has not. */
export function checkImplementations(apis: readonly LoadedApi[], implementations: Record<string, object>, where: string, output = 'generated'): void {
  for (const loaded of apis) {
    const handlers = implementations[loaded.key] as Record<string, unknown> | undefined;
    const serverFile = `${output}/ts/${loaded.key}/server.ts`;
    if (handlers === undefined || handlers === null) {
      throw new ProjectError('handler-missing', `${loaded.key} has no implementation: add '${loaded.key}' to the default export of ${where} (its type is in ${serverFile})`);
    }
    for (const operation of loaded.api.operations) {
      if (typeof handlers[operation.id] !== 'function') {
        throw new ProjectError('handler-missing', `${loaded.key} ${operation.id} (${operation.method} ${operation.path}) has no handler: implement '${operation.id}' in the '${loaded.key}' implementation of ${where} (its type is in ${serverFile})`);
      }
    }
  }
}
