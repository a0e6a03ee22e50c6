/**
 * The trident command line: `trident <command> [options]`, one entry of `commands` per command,
 * loaded by the `trident` command (./trident.ts).
 * `trident --help` lists every command's usage, `trident <command> --help` prints that one,
 * `trident --version` the package's version. A wrong argument is one line naming it, the command's
 * usage, and exit code 2.
 */
import module from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { changelogUsage } from './changelog/usage.ts';
import { conformanceUsage } from './conformance-usage.ts';
import { gateModule } from './gate-module.ts';
import { generateUsage } from './generate/usage.ts';
import { initUsage } from './init-usage.ts';
import { ownPackage } from './own-package.ts';
import { packageUsage } from './package-usage.ts';
import { missingToolPackages, missingToolsMessage } from './tool-packages.ts';
import { isUsageError } from './usage-error.ts';

const fromSources = import.meta.filename.endsWith('.ts');

/**
 * V8 keeps the compiled code of the modules a command loads in the git-ignored .cache/ of a
 * checkout, or Node's default place for an installed package, which shortens every later start.
 */
function enableCompileCache(command: Command): void {
  if (fromSources || command.compileCache !== false) module.enableCompileCache?.(fromSources ? join(import.meta.dirname, '..', '.cache', 'node') : undefined);
}

/** The option of the `#!` line, which sizes V8's young generation for a batch compile (see README, "Node options"). */
const compileSemiSpace = '--max-semi-space-size=8';
/** The smallest the serving process's young generation gets (see withServingHeap). */
const servingSemiSpaceFloor = '--min-semi-space-size=16';

/**
 * A server's allocations are short-lived, but each request's objects live across its database
 * round trips: with small semi-spaces they survive scavenges and are promoted, and the collector
 * costs more per request. `serve` therefore leaves the young generation's ceiling to V8, which
 * sizes it from the memory it may use (64 MB semi-spaces on a machine with 24 GB, less in a small
 * container), or to the size NODE_OPTIONS gives. V8 takes heap options only from the command line,
 * where the compile size of the `#!` line would also win over NODE_OPTIONS: the process replaces
 * itself (same pid, same standard streams) with one started without it and with `--expose-gc`,
 * with which it gives back what start-up left in the young generation once serving
 * (./serve/heap.ts). A platform without execve (Windows) serves as started.
 *
 * Giving back start-up's memory shrinks the young generation to its smallest (1 MB), from which V8
 * doubles it only after scavenges in which much survived: the first seconds of every busy spell ran
 * three times the scavenges of a server that kept its size (`npm run bench:replicas`, see the
 * README). The restart therefore also sets a floor of 16 MB semi-spaces (`--min-semi-space-size`,
 * which NODE_OPTIONS may not carry), unless NODE_OPTIONS sizes the semi-spaces itself. Pages of the
 * floor that no request touches are not resident, so idle memory stays as it was.
 */
function withServingHeap(): void {
  // Already restarted: --expose-gc is there and the compile size is not.
  if ((process.execArgv.includes('--expose-gc') && !process.execArgv.includes(compileSemiSpace)) || typeof process.execve !== 'function') return;
  const execArgv = process.execArgv.filter((arg) => arg !== compileSemiSpace);
  const sizedByUser = /--(?:min|max)[-_]semi[-_]space[-_]size/.test(`${process.env.NODE_OPTIONS ?? ''} ${execArgv.join(' ')}`);
  const floor = sizedByUser ? [] : [servingSemiSpaceFloor];
  process.execve(process.execPath, [process.execPath, '--expose-gc', ...floor, ...execArgv, ...process.argv.slice(1)], process.env);
}

/** One command: its usage lines (as `trident --help` lists them) and what runs it. */
interface Command {
  usage: string;
  /** Runs the command with the arguments after its name; resolves to the exit code. */
  run(argv: string[]): Promise<number>;
  /**
   * False where V8's compile cache costs an installed build more than it saves: writing it at
   * exit takes longer than reading it back gains (a checkout, which strips types, always uses it).
   */
  compileCache?: false;
  /** Needs the tool packages (see ./tool-packages.ts), which a production install leaves out. */
  tools?: true;
}

// Each command's module is loaded only when it runs, so help and wrong arguments answer at once.
const commands: Record<string, Command> = {
  generate: {
    tools: true,
    usage: generateUsage,
    run: async (argv) => (await import('./generate/cli.ts')).main(argv),
    // Its heavy part, openapi-typescript and the TypeScript compiler, loads on a thread of its own
    // that the cache does not cover.
    compileCache: false,
  },
  diagnostics: {
    usage: `  trident diagnostics
      list every diagnostic code with its severity and meaning`,
    run: async (argv) => {
      parseArgs({ args: argv, options: {} });
      const { diagnosticRegistry } = await import('../src/compiler/diagnostics.ts');
      for (const [code, definition] of Object.entries(diagnosticRegistry)) {
        console.log(`${code.padEnd(28)} ${definition.severity.padEnd(8)} ${definition.summary}`);
      }
      return 0;
    },
  },
  breaking: {
    tools: true,
    usage: `  trident breaking --base <git-revision | directory> [--format F] [--output FILE] [--crosscheck]
                   [--today DATE] [--verbose] [--fail-on breaking|dangerous] [--accept-renumbering]
  trident breaking OLD NEW [--format F] [--output FILE] [--crosscheck] [--today DATE] [--verbose]
                   [--fail-on breaking|dangerous]
  trident breaking --rules [--format F]
      compare every contract with the base; fail on breaking changes inside a major version
      --base REV|DIR   what to compare the working tree's contracts with (HEAD~1, origin/main, ../old-checkout)
      OLD NEW          compare two OpenAPI documents instead (YAML or JSON, 3.0 or 3.1), the older first
      --fail-on L      breaking (default) or dangerous: fail on dangerous changes too
      --format F       text, json, markdown, github or junit (default text)
      --output FILE    write the report to FILE instead of standard output
      --crosscheck     also run oasdiff, buf breaking and graphql-inspector and list where they disagree
      --today DATE     YYYY-MM-DD to compare sunset dates with (default: today, UTC)
      --verbose        list safe changes in full
      --accept-renumbering  let CHANGELOG.yaml acknowledge proto numbers moved by a lock edit
                       (without it the advice is to restore the lock)
      --rules          print the table of breaking-change rules instead
      exit codes: 0 passed, 1 a breaking (or, with --fail-on dangerous, dangerous) change or a policy
                  violation blocks, 2 the gate could not judge`,
    // Two documents were already being read (./trident.ts) while this loaded.
    run: async (argv) => (await gateModule('breaking', () => import('./breaking.ts'))).main(argv),
  },
  changelog: {
    tools: true,
    usage: changelogUsage,
    run: async (argv) => (await import('./changelog.ts')).main(argv),
  },
  serve: {
    usage: `  trident serve [--self-check]
      serve every API version (REST and GraphQL on PORT, default 8080; gRPC on GRPC_PORT, default
      50051) on PGlite in .trident/ or on DATABASE_URL; --self-check calls each protocol once and stops`,
    run: async (argv) => {
      const { values } = parseArgs({ args: argv, options: { 'self-check': { type: 'boolean' } } });
      if (!values['self-check']) withServingHeap();
      return (await import('./serve.ts')).serve({ root: process.cwd(), selfCheck: values['self-check'] === true });
    },
  },
  token: {
    tools: true,
    usage: `  trident token --role ROLE [--role ROLE ...] [--org ORG] [--user USER] [--ttl SECONDS]
      print a bearer token signed with the dev key (dev mode only); the roles are those the
      contracts' security requirements name; --ttl defaults to 43200 (12 hours) and may not exceed
      TRIDENT_JWT_MAX_LIFETIME (86400, 24 hours, unless set)`,
    run: async (argv) => (await import('./token.ts')).main(argv),
  },
  conformance: {
    tools: true,
    usage: conformanceUsage,
    run: async (argv) => (await import('./conformance.ts')).main(argv),
  },
  init: {
    usage: initUsage,
    run: async (argv) => (await import('./init.ts')).main(argv),
  },
  package: {
    tools: true,
    usage: packageUsage,
    run: async (argv) => (await import('./package.ts')).main(argv),
  },
};

const helpFlags = new Set(['--help', '-h']);

// A help flag anywhere among the options (not after `--`) asks for the command's usage.
function asksForHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((arg) => helpFlags.has(arg));
}


const usageOf = (names: readonly string[]): string => `usage:\n${names.map((name) => commands[name]?.usage).join('\n')}`;

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || helpFlags.has(name) || name === 'help') {
    const topic = name === 'help' && rest[0] !== undefined && Object.hasOwn(commands, rest[0]) ? [rest[0]] : Object.keys(commands);
    (name === undefined ? console.error : console.log)(usageOf(topic));
    return 0;
  }
  if (name === '--version' || name === '-v') {
    console.log(ownPackage().version);
    return 0;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (command === undefined) {
    console.error(`trident: unknown command '${name}'; the commands are ${Object.keys(commands).join(', ')} ('trident --help' shows their usage)`);
    return 2;
  }
  if (asksForHelp(rest)) {
    console.log(usageOf([name]));
    return 0;
  }
  if (command.tools) {
    const missing = missingToolPackages();
    if (missing.length > 0) {
      console.error(missingToolsMessage(name, missing));
      return 1;
    }
  }
  enableCompileCache(command);
  try {
    return await command.run(rest);
  } catch (error) {
    if (isUsageError(error)) {
      console.error(`trident ${name}: ${error.message}\n${usageOf([name])}`);
      return 2;
    }
    // A project the command cannot work with (its configuration, its handler module, a busy port)
    // is said in the error's own words; anything else is a fault and keeps its stack.
    if (error instanceof Error && projectErrors.has(error.name)) {
      console.error(`trident ${name}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

const projectErrors = new Set(['AuthConfigError', 'ConfigError', 'GraphqlLimitsError', 'ProjectError', 'ServeError']);

process.exitCode = await main(process.argv.slice(2));
