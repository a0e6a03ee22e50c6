import { existsSync } from 'node:fs';

/**
 * A module of `trident breaking`, from the bundle a built package has of them (dist/gate/, see
 * tools/build.ts); a checkout, or a build without the bundle (`tsc` alone), loads the modules.
 */
export async function gateModule<T>(name: string, modules: () => Promise<T>): Promise<T> {
  const bundled = new URL(`../gate/${name}.js`, import.meta.url);
  return import.meta.filename.endsWith('.ts') || !existsSync(bundled) ? modules() : ((await import(bundled.href)) as T);
}
