/**
 * `npm run build` (and `prepack`): the toolkit as a package. `tsc -p tsconfig.build.json` emits
 * JavaScript and declarations into dist/ from the toolkit's entry points only (the imaging
 * services and store are not reachable from them and so are not built), then the files that are
 * read at run time beside the code are copied: the built-in conformance flows and Scalar's
 * API reference script, which the docs page serves offline. Last, the modules `trident breaking`
 * loads are bundled into dist/gate/ (see bundleGate).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { rolldown } from 'rolldown';

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
await bundleGate();
console.log('built dist/');

/**
 * `trident breaking` runs from a bundle of its modules: dist/gate/breaking.js and breaking-args.js
 * (the read-ahead, with which it shares one instance of its module), the TypeScript checker's
 * thread.js beside them (./thread.js from the checker's module), and chunks of what they share or
 * load later (the cross-checks). A hundred modules loaded one by one take about 95 ms before the
 * gate can start, the bundle 45 ms (see README, "bench:breaking"). Packages stay outside it, and
 * the per-module build stays what the rest of the package and its library exports use.
 */
async function bundleGate(): Promise<void> {
  const bundle = await rolldown({
    input: {
      breaking: join(dist, 'tools', 'breaking.js'),
      'breaking-args': join(dist, 'tools', 'breaking-args.js'),
      thread: join(dist, 'src', 'breaking', 'typescript', 'thread.js'),
    },
    platform: 'node',
    // Only the package's own modules: a bare specifier is a package or a part of Node.
    external: (id) => !id.startsWith('.') && !id.startsWith('/'),
    logLevel: 'warn',
  });
  try {
    await bundle.write({ dir: join(dist, 'gate'), format: 'esm', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js', comments: { legal: true, annotation: true, jsdoc: false } });
  } finally {
    await bundle.close();
  }
}
