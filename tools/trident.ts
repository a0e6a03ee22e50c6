#!/usr/bin/env node
/**
 * The trident command line.
 *
 *   trident generate [FILE-OR-FOLDER...] [--out DIR] [--check] [--watch] ...   (see tools/generate/cli.ts)
 *   trident diagnostics      the table of diagnostic codes
 *   trident breaking --base <git-revision | directory> [...]   the breaking-change gate
 */
import { diagnosticRegistry } from '../src/compiler/diagnostics.ts';
import { generateUsage } from './generate/cli.ts';

const usage = `usage:
${generateUsage}
  trident diagnostics
      list every diagnostic code with its severity and meaning
  trident breaking --base <git-revision | directory> [--format F] [--crosscheck] | --rules
      compare every contract with the base; fail on breaking changes inside a major version`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'generate') return (await import('./generate/cli.ts')).main(rest);
  if (command === 'breaking') return (await import('./breaking.ts')).main(rest);
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
