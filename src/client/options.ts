/** What every generated client is created with. Browser-safe. */

/** A bearer token, or a function that returns the current one (called before each request). */
export type TokenSource = string | (() => string | undefined | Promise<string | undefined>);

export interface ClientOptions {
  /**
   * Where the server is: its origin, e.g. `https://api.example.org`, with a path prefix if a proxy
   * adds one. The API version's own path (`/study/v2`) is appended by the generated client.
   */
  baseUrl: string;
  token?: TokenSource;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** The fetch to use (default: the global one). */
  fetch?: typeof globalThis.fetch;
}

export async function resolveToken(token: TokenSource | undefined): Promise<string | undefined> {
  return typeof token === 'function' ? await token() : token;
}

/** `https://host/` + `/study/v2` -> `https://host/study/v2`; an absolute path is kept as it is. */
export function joinUrl(base: string, path: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return path.replace(/\/+$/, '');
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`.replace(/\/+$/, '');
}
