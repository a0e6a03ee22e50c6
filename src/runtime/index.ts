/**
 * The server runtime: serve compiled contracts over REST, GraphQL and gRPC with one
 * implementation per API version.
 *
 *     const apis = await loadApis(root);
 *     const servers = await startServers({ apis, implementations: { 'notes/v1': notesV1 }, authenticator: await authenticatorFromEnv() });
 *
 * Generated server interfaces (`generated/ts/<api>/v<n>/server.ts`) import their types from here.
 */
export { checkImplementations, contractRoles, defaultIdentities, SetupError, type DevIdentities, type HandlerModuleExport, type ProjectContext, type ProjectSetup, type SelfCheckCall } from './app.ts';
export { AuthConfigError, authenticatorFromEnv, defaultTokenPolicy, devAuthenticator, tokenPolicyFromEnv, type Authenticator, type TokenPolicy } from './auth.ts';
export { ApiError, errorCatalog, toApiError, type ErrorCode, type FieldViolation } from './errors.ts';
export type { AnyHandler, BinaryContent, BinaryUpload, ByteRange, OperationContext, OperationInput, Principal } from './handler.ts';
export { loadApis, type LoadedApi } from './load.ts';
export { startServers, type RunningServers, type ServerOptions } from './server.ts';
export type { GraphiqlDefaults } from './graphql/handler-factory.ts';
