#!/usr/bin/env -S node --max-semi-space-size=8
/**
 * The trident command line.
 *
 *   trident generate [FILE-OR-FOLDER...] [--out DIR] [--check] [--watch] ...   (see tools/generate/cli.ts)
 *   trident diagnostics      the table of diagnostic codes
 *   trident breaking --base <git-revision | directory> [...]   the breaking-change gate
 *   trident serve [--self-check]   serve every API version over REST, GraphQL and gRPC
 *   trident token --role ROLE [--org ORG] [--user USER]   a dev-mode bearer token
 *   trident conformance [--http URL] [--grpc HOST:PORT] | --self [...]   check an implementation against the contracts
 */
import module from 'node:module';
import { join } from 'node:path';
import { diagnosticRegistry } from '../src/compiler/diagnostics.ts';
import { generateUsage } from './generate/usage.ts';
import { conformanceUsage } from './conformance-usage.ts';

// V8 keeps the compiled code of the modules loaded below (openapi-typescript brings the TypeScript
// compiler) in the git-ignored .cache/, which shortens every later start.
module.enableCompileCache?.(join(import.meta.dirname, '..', '.cache', 'node'));

const usage = `usage:
${generateUsage}
  trident diagnostics
      list every diagnostic code with its severity and meaning
  trident breaking --base <git-revision | directory> [--format F] [--crosscheck] | --rules
      compare every contract with the base; fail on breaking changes inside a major version
  trident serve [--self-check]
      serve every API version (REST and GraphQL on PORT, default 8080; gRPC on GRPC_PORT, default
      50051) on PGlite in .trident/ or on DATABASE_URL; --self-check calls each protocol once and stops
  trident token --role ROLE [--org ORG] [--user USER] [--ttl SECONDS]
      print a bearer token signed with the dev key (dev mode only)
${conformanceUsage}`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'generate') return (await import('./generate/cli.ts')).main(rest);
  if (command === 'breaking') return (await import('./breaking.ts')).main(rest);
  if (command === 'serve') return (await import('./serve.ts')).serve({ root: process.cwd(), selfCheck: rest.includes('--self-check') });
  if (command === 'token') return (await import('./token.ts')).main(rest);
  if (command === 'conformance') return (await import('./conformance.ts')).main(rest);
  if (command === 'diagnostics') {
    for (const [code, definition] of Object.entries(diagnosticRegistry)) {
      console.log(`${code.padEnd(28)} ${definition.severity.padEnd(8)} ${definition.summary}`);
    }
    return 0;
  }
  console.error(usage);
  return command === undefined || command === '--help' || command === 'help' ? 0 : 2;
}

process.exitCode = await main(process.argv.slice(2));
