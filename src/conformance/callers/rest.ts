import type { Api } from '../../compiler/ir.ts';
import type { Caller, Exchange, Outcome } from './caller.ts';
import { operationOf } from './caller.ts';
import { callSignal } from '../time-limit.ts';

/** Calls operations over REST: the contract's path, query, headers and JSON body. */
export function restCaller(baseUrl: string, basePaths: Map<Api, string>): Caller {
  return {
    protocol: 'rest',
    async call(api, operationId, input, token): Promise<Outcome> {
      const operation = operationOf(api, operationId);
      const path = operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(String(input.path?.[name])));
      const query = new URLSearchParams();
      for (const [name, value] of Object.entries(input.query ?? {})) {
        for (const item of Array.isArray(value) ? value : [value]) query.append(name, typeof item === 'object' && item !== null ? JSON.stringify(item) : String(item));
      }
      const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
      for (const [name, value] of Object.entries(input.header ?? {})) headers[name] = String(value);
      let body: BodyInit | undefined;
      if (operation.body?.kind === 'json' && input.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(input.body);
      }
      if (operation.body?.kind === 'binary') {
        const upload = input.body as { contentType: string; bytes: Uint8Array };
        headers['content-type'] = upload.contentType;
        body = Buffer.from(upload.bytes);
      }
      const url = `${baseUrl}${basePaths.get(api) ?? ''}${path}${query.size > 0 ? `?${query}` : ''}`;
      const response = await fetch(url, { method: operation.method, headers, ...(body !== undefined ? { body } : {}), signal: callSignal() });
      const exchange: Exchange = { status: response.status, headers: Object.fromEntries(response.headers) };
      const type = response.headers.get('content-type') ?? '';
      if (operation.result.kind === 'binary' && response.ok) {
        const bytes = Buffer.from(await response.arrayBuffer());
        return { ok: true, value: bytes, exchange: { ...exchange, body: bytes } };
      }
      const text = await response.text();
      exchange.body = /json/.test(type) ? parseJson(text) : text;
      if (!response.ok) {
        const problem = (exchange.body ?? {}) as { code?: string; detail?: string };
        return { ok: false, code: typeof problem.code === 'string' ? problem.code : `http_${response.status}`, message: String(problem.detail ?? text.slice(0, 200)), exchange };
      }
      if (response.status === 204) return { ok: true, value: undefined, exchange };
      return { ok: true, value: exchange.body, exchange };
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
