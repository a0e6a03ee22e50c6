import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useServerProcess } from './server-process.ts';

// `trident serve` started as a program gets the compile size of the young generation from the
// `#!` line. It replaces itself (same pid) with a process started without that size, so V8 sizes
// the young generation itself or takes the one NODE_OPTIONS gives (a command-line size would win
// over NODE_OPTIONS), and with --expose-gc, with which it gives back start-up's memory. Unless
// NODE_OPTIONS sizes the semi-spaces, it also keeps the young generation from shrinking below 16 MB.
describe.skipIf(process.platform !== 'linux')('the heap options of trident serve started as a program', () => {
  const server = useServerProcess({ asProgram: true, env: { NODE_OPTIONS: '--max-semi-space-size=4' } });

  it('serves from a process without the compile size and with --expose-gc', async () => {
    const { child, httpUrl } = server();
    const commandLine = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    expect(commandLine).toContain('--expose-gc');
    expect(commandLine.filter((arg) => /semi-space-size/.test(arg))).toEqual([]);
    expect(commandLine.slice(-2)).toEqual([expect.stringMatching(/tools\/trident\.ts$/), 'serve']);
    expect((await fetch(`${httpUrl}/healthz`)).status).toBe(200);
  });
});

describe.skipIf(process.platform !== 'linux')('the young generation of trident serve without heap options', () => {
  const server = useServerProcess({ asProgram: true, env: { NODE_OPTIONS: '' } });

  it('serves with a floor under the young generation and no ceiling', async () => {
    const { child, httpUrl } = server();
    const commandLine = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    expect(commandLine).toContain('--expose-gc');
    expect(commandLine.filter((arg) => /semi-space-size/.test(arg))).toEqual(['--min-semi-space-size=16']);
    expect((await fetch(`${httpUrl}/healthz`)).status).toBe(200);
  });
});
