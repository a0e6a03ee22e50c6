import { clone, create, type DescFile } from '@bufbuild/protobuf';
import * as wkt from '@bufbuild/protobuf/wkt';
import { wellKnownComments } from './well-known-comments.ts';

const files = new Map<string, DescFile>();
for (const value of Object.values(wkt)) {
  if (typeof value === 'object' && value !== null && 'kind' in value && value.kind === 'file') files.set(value.proto.name, value);
}

const descriptors = new Map<string, wkt.FileDescriptorProto>();

/**
 * The descriptor of a well-known type's file (`google/protobuf/timestamp.proto`), as protoc and buf
 * give it to plugins: the structure from `@bufbuild/protobuf`, which embeds it without comments,
 * and the comments ts-proto copies into its output from `well-known-comments.ts`. The result is
 * shared: it must not be changed.
 */
export function wellKnownFile(path: string): wkt.FileDescriptorProto | undefined {
  const known = descriptors.get(path);
  if (known) return known;
  const file = files.get(path);
  if (!file) return undefined;
  const locations = wellKnownComments[path];
  const descriptor = clone(wkt.FileDescriptorProtoSchema, file.proto);
  if (locations) descriptor.sourceCodeInfo = create(wkt.SourceCodeInfoSchema, { location: locations });
  descriptors.set(path, descriptor);
  return descriptor;
}
