import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The buf binary shipped in the `@bufbuild/buf` npm package (an optional peer: `buf breaking` and `buf lint`). */
export function bufBinary(): string {
  return join(dirname(require.resolve('@bufbuild/buf/package.json')), 'bin', 'buf');
}
