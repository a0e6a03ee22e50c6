/**
 * `npm run build` (and `prepack`): the toolkit as a package. `tsc -p tsconfig.build.json` emits
 * JavaScript and declarations into dist/ from the toolkit's entry points only (the imaging
 * services and store are not reachable from them and so are not built), then the files that are
 * read at run time beside the code are copied: the built-in conformance flows and Scalar's
 * API reference script, which the docs page serves offline.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const root = join(import.meta.dirname, '..');
const dist = join(root, 'dist');

rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });

cpSync(join(root, 'src', 'conformance', 'flows'), join(dist, 'src', 'conformance', 'flows'), { recursive: true });

// Scalar's package is MIT licensed; its script is self-contained.
mkdirSync(join(dist, 'assets'), { recursive: true });
cpSync(require.resolve('@scalar/api-reference/browser/standalone.js'), join(dist, 'assets', 'api-reference.js'));

for (const leftover of ['src/services', 'src/store']) {
  if (existsSync(join(dist, leftover))) throw new Error(`dist/${leftover} was built: the toolkit must not import the imaging services`);
}
console.log('built dist/');
