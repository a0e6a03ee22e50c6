/**
 * What application code needs beside a generated client: the one error type and its catalog.
 * Browser-safe. The clients themselves are imported per API version:
 * `trident/clients/<api>/v<n>/rest`, `.../graphql` (browsers and Node), `.../grpc` (Node only).
 */
export { errorCatalog, isTridentError, TridentError, type ErrorCode, type ErrorDetail, type Protocol } from './errors.ts';
export type { ClientOptions, TokenSource } from './options.ts';
