/**
 * The package.json of the imaging services' container image (deploy/Dockerfile). The store's
 * drivers are dev dependencies of this repository, since the published toolkit must not depend
 * on them; the services load them in production all the same. The image's manifest makes them
 * dependencies, at the ranges the lock file was resolved with, and drops every dev and peer
 * dependency, so that `npm prune --omit=dev` keeps exactly what `serve` runs from what
 * `npm install` put there: no second resolution, no registry.
 *
 *   node tools/deploy-manifest.ts    # rewrites ./package.json in place (the build stage's copy)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What src/store loads beside trident's own dependencies: PostgreSQL, PGlite and its cluster archive, the S3 client. */
export const storePackages = ['@aws-sdk/client-s3', '@electric-sql/pglite', 'pg', 'tar'] as const;

/** The manifest fields this rewrite reads. */
export interface PackageManifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, unknown>;
  [field: string]: unknown;
}

/** The image's manifest: the store packages moved into `dependencies`, no dev or peer dependencies. */
export function deployManifest(manifest: PackageManifest): PackageManifest {
  const dependencies = { ...manifest.dependencies };
  for (const name of storePackages) {
    const range = manifest.devDependencies?.[name] ?? manifest.dependencies?.[name];
    if (range === undefined) throw new Error(`package.json lists no ${name}, which src/store loads: add it to devDependencies`);
    dependencies[name] = range;
  }
  const image: PackageManifest = { ...manifest, dependencies: Object.fromEntries(Object.entries(dependencies).sort(([a], [b]) => a.localeCompare(b))) };
  delete image.devDependencies;
  delete image.peerDependencies;
  delete image.peerDependenciesMeta;
  return image;
}

if (import.meta.main) {
  const file = join(process.cwd(), 'package.json');
  writeFileSync(file, `${JSON.stringify(deployManifest(JSON.parse(readFileSync(file, 'utf8')) as PackageManifest), null, 2)}\n`);
}
