#!/usr/bin/env node
/**
 * The trident command line.
 *
 *   trident generate [--check] [--verbose] [--out DIR] [CONTRACT...]
 *   trident diagnostics      the table of diagnostic codes
 */
import { parseArgs } from 'node:util';
import { diagnosticRegistry } from '../src/compiler/diagnostics.ts';
import { generate } from './generate.ts';

const usage = `usage:
  trident generate [--check] [--verbose] [--out DIR] [CONTRACT...]
      compile contracts/<api>/v<major>/openapi.yaml (or the given files) into generated/;
      --check writes nothing and fails when generated/ or a lock file is stale
  trident diagnostics
      list every diagnostic code with its severity and meaning`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'generate') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { check: { type: 'boolean' }, verbose: { type: 'boolean' }, out: { type: 'string' } },
    });
    const result = await generate({
      root: process.cwd(),
      ...(positionals.length > 0 ? { contracts: positionals } : {}),
      ...(values.out !== undefined ? { outDir: values.out } : {}),
      check: values.check === true,
      verbose: values.verbose === true,
    });
    return result.ok ? 0 : 1;
  }
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
