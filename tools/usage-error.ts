/**
 * Mistakes in the arguments of a `trident` command. A command throws them (or lets node:util
 * `parseArgs` throw its own); the command line prints the message with that command's usage and
 * exits 2, so every command reports a wrong option the same way and none with a stack trace.
 */

/** A wrong or missing argument; the message names the option and the value given. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Whether an error is about the arguments: a `UsageError` or one of `parseArgs`' errors. */
export function isUsageError(error: unknown): error is Error {
  if (error instanceof UsageError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}
