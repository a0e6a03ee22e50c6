/** Where haproxy listens and where the replicas are, all on loopback. */
export interface BalancerLayout {
  /** The port of REST, GraphQL and event streams (HTTP/1.1). */
  httpPort: number;
  /** The port of gRPC (HTTP/2 without TLS). */
  grpcPort: number;
  /** The stats socket, through which the state of each server is read. */
  statsSocket: string;
  replicas: readonly { name: string; httpPort: number; grpcPort: number }[];
}

/** How often haproxy asks each replica's `/readyz`, in milliseconds. */
export const checkIntervalMs = 500;

/**
 * haproxy's configuration for the replicas. Each replica is checked on `/readyz` over HTTP/1.1,
 * for its gRPC server too (the same process answers both): two failed checks in a row take it out
 * of both backends (one slow answer under load does not), two passed checks bring it back. A request haproxy could not deliver (the connection
 * refused, or closed before any answer, as when a replica stops) is sent to another replica;
 * one that a replica began answering is never sent twice. Streams (SSE, gRPC) may stay open an
 * hour.
 */
export function haproxyConfig(layout: BalancerLayout): string {
  const servers = (port: (replica: BalancerLayout['replicas'][number]) => string) =>
    layout.replicas.map((replica) => `  server ${replica.name} 127.0.0.1:${port(replica)}`).join('\n');
  return `# Written by tools/replicas.ts; every address is on loopback.
global
  maxconn 4096
  stats socket ${layout.statsSocket} mode 600 level admin

defaults
  mode http
  timeout connect 2s
  timeout client 1h
  timeout server 1h
  timeout http-request 10s
  timeout http-keep-alive 10s
  timeout queue 5s
  retries 3
  option redispatch 1
  retry-on conn-failure empty-response
  http-reuse safe
  timeout check 2s
  default-server inter ${checkIntervalMs}ms fall 2 rise 2

frontend http
  bind 127.0.0.1:${layout.httpPort}
  default_backend replicas_http

frontend grpc
  bind 127.0.0.1:${layout.grpcPort} proto h2
  default_backend replicas_grpc

backend replicas_http
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
${servers((replica) => `${replica.httpPort} check`)}

backend replicas_grpc
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
${servers((replica) => `${replica.grpcPort} proto h2 check port ${replica.httpPort} check-proto h1`)}
`;
}

/** The state of each server in each backend, from haproxy's `show stat` (CSV). */
export function parseServerStates(csv: string): { backend: string; server: string; status: string }[] {
  const [header, ...rows] = csv.split('\n').filter((line) => line.trim() !== '');
  const columns = (header ?? '').replace(/^# /, '').split(',');
  const at = (name: string) => columns.indexOf(name);
  return rows
    .map((row) => row.split(','))
    .filter((cells) => cells[at('svname')] !== 'FRONTEND' && cells[at('svname')] !== 'BACKEND')
    .map((cells) => ({ backend: cells[at('pxname')] ?? '', server: cells[at('svname')] ?? '', status: cells[at('status')] ?? '' }));
}
