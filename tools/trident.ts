#!/usr/bin/env -S node --max-semi-space-size=8
/**
 * The `trident` command: the command line of ./cli.ts. `trident breaking OLD NEW` first starts
 * reading its two documents (./breaking-args.ts), before the command line's own modules load, so
 * that the reads run on libuv's threads meanwhile.
 */
import { gateModule } from './gate-module.ts';

const [command, ...rest] = process.argv.slice(2);
if (command === 'breaking') (await gateModule('breaking-args', () => import('./breaking-args.ts'))).readAhead(rest);
await import('./cli.ts');
