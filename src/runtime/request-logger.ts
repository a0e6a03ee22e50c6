import type { FastifyBaseLogger } from 'fastify';

/** What pino's loggers have beyond Fastify's base logger, and this module asks of them. */
type Logger = FastifyBaseLogger & { isLevelEnabled(level: string): boolean; bindings(): Record<string, unknown> };
type LineWriter = (...line: unknown[]) => void;

/**
 * Fastify's `childLoggerFactory`: the request's logger (with its `reqId` binding) is made only when
 * a line is written at an enabled level. Fastify asks for one on every request, and a pino child
 * costs each request its objects and the serialised binding, though at the default level (errors)
 * almost no request writes a line.
 */
export function lazyRequestLogger(base: FastifyBaseLogger, bindings: Record<string, unknown>, options: object): FastifyBaseLogger {
  // Without logging (`logger: false`) Fastify's stand-in has no levels to ask: its child is itself.
  if (typeof (base as Partial<Logger>).isLevelEnabled !== 'function') return base.child(bindings, options);
  return new LazyRequestLogger(base as Logger, bindings, options) as unknown as FastifyBaseLogger;
}

class LazyRequestLogger {
  private made: Logger | undefined;
  private readonly parent: Logger;
  private readonly boundTo: Record<string, unknown>;
  private readonly options: object;

  constructor(parent: Logger, boundTo: Record<string, unknown>, options: object) {
    this.parent = parent;
    this.boundTo = boundTo;
    this.options = options;
  }

  private get real(): Logger {
    return (this.made ??= this.parent.child(this.boundTo, this.options) as Logger);
  }

  private write(level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace', line: unknown[]): void {
    if (this.isLevelEnabled(level)) (this.real[level] as LineWriter)(...line);
  }

  get level(): string {
    return (this.made ?? this.parent).level;
  }
  set level(value: string) {
    this.real.level = value;
  }
  isLevelEnabled(level: string): boolean {
    return (this.made ?? this.parent).isLevelEnabled(level);
  }
  bindings(): Record<string, unknown> {
    return this.made?.bindings() ?? { ...this.parent.bindings(), ...this.boundTo };
  }
  child(bindings: Record<string, unknown>, options?: object): FastifyBaseLogger {
    return this.real.child(bindings, options);
  }
  fatal(...line: unknown[]): void {
    this.write('fatal', line);
  }
  error(...line: unknown[]): void {
    this.write('error', line);
  }
  warn(...line: unknown[]): void {
    this.write('warn', line);
  }
  info(...line: unknown[]): void {
    this.write('info', line);
  }
  debug(...line: unknown[]): void {
    this.write('debug', line);
  }
  trace(...line: unknown[]): void {
    this.write('trace', line);
  }
  silent(): void {}
}
