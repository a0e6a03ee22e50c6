/**
 * npm (`npm start`, `npx trident serve`) runs the server through a shell, and on SIGTERM or SIGINT
 * it signals that shell, not the server: the shell exits and the server is left running under a
 * new parent, still holding its ports. Started by npm, the server therefore stops as soon as the
 * parent it started with is gone. Started any other way (a process manager, a container, `nohup`),
 * nothing is watched: losing the parent is no reason to stop there.
 */
export function stopWithParent(env: NodeJS.ProcessEnv, stop: () => void, intervalMs = 500): () => void {
  if (env.npm_command === undefined && env.npm_lifecycle_event === undefined) return () => {};
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    stop();
  }, intervalMs);
  // The watch never keeps the process alive by itself.
  timer.unref();
  return () => clearInterval(timer);
}
