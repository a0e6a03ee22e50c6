import { Metadata, type StatusObject } from '@grpc/grpc-js';
import { BinaryWriter } from '@bufbuild/protobuf/wire';
import { errorCatalog, toApiError } from '../errors.ts';

const errorDomain = 'trident';

/**
 * An error as a gRPC status: the catalogued code, the message, and `grpc-status-details-bin`
 * carrying a google.rpc.Status with an ErrorInfo (reason = the catalog code) and, for invalid
 * input, a BadRequest listing each field violation. Plain metadata repeats the catalog code.
 */
export function toGrpcStatus(error: unknown): Partial<StatusObject> {
  const apiError = toApiError(error);
  const entry = errorCatalog[apiError.code];
  const details: Uint8Array[] = [
    any('type.googleapis.com/google.rpc.ErrorInfo', errorInfo(apiError.code, apiError.retryable)),
  ];
  if (apiError.violations.length > 0) {
    details.push(any('type.googleapis.com/google.rpc.BadRequest', badRequest(apiError.violations)));
  }
  const status = new BinaryWriter().uint32((1 << 3) | 0).int32(entry.grpc).uint32((2 << 3) | 2).string(apiError.message);
  for (const detail of details) status.uint32((3 << 3) | 2).bytes(detail);
  const metadata = new Metadata();
  metadata.set('grpc-status-details-bin', Buffer.from(status.finish()));
  metadata.set('trident-error-code', apiError.code);
  return { code: entry.grpc, details: apiError.message, metadata };
}

function any(typeUrl: string, value: Uint8Array): Uint8Array {
  return new BinaryWriter().uint32((1 << 3) | 2).string(typeUrl).uint32((2 << 3) | 2).bytes(value).finish();
}

function errorInfo(reason: string, retryable: boolean): Uint8Array {
  const writer = new BinaryWriter().uint32((1 << 3) | 2).string(reason).uint32((2 << 3) | 2).string(errorDomain);
  const entry = new BinaryWriter().uint32((1 << 3) | 2).string('retryable').uint32((2 << 3) | 2).string(String(retryable)).finish();
  return writer.uint32((3 << 3) | 2).bytes(entry).finish();
}

function badRequest(violations: ReadonlyArray<{ pointer: string; message: string }>): Uint8Array {
  const writer = new BinaryWriter();
  for (const violation of violations) {
    const field = new BinaryWriter().uint32((1 << 3) | 2).string(violation.pointer).uint32((2 << 3) | 2).string(violation.message).finish();
    writer.uint32((1 << 3) | 2).bytes(field);
  }
  return writer.finish();
}
