import type { Api } from '../../../src/compiler/ir.ts';
import type { Caller, Outcome } from './caller.ts';
import { operationOf } from './caller.ts';

/** Calls operations over REST: the contract's path, query, headers and JSON body. */
export function restCaller(baseUrl: string, basePaths: Map<Api, string>): Caller {
  return {
    protocol: 'rest',
    async call(api, operationId, input, token): Promise<Outcome> {
      const operation = operationOf(api, operationId);
      const path = operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(String(input.path?.[name])));
      const query = new URLSearchParams();
      for (const [name, value] of Object.entries(input.query ?? {})) {
        for (const item of Array.isArray(value) ? value : [value]) query.append(name, String(item));
      }
      const headers: Record<string, string> = { authorization: `Bearer ${token}` };
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
      const response = await fetch(url, { method: operation.method, headers, ...(body !== undefined ? { body } : {}) });
      if (!response.ok) {
        const problem = (await response.json()) as { code: string; detail: string };
        return { ok: false, code: problem.code, message: problem.detail };
      }
      if (operation.result.kind === 'binary') return { ok: true, value: Buffer.from(await response.arrayBuffer()) };
      if (response.status === 204) return { ok: true, value: undefined };
      return { ok: true, value: await response.json() };
    },
  };
}
