import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { haproxyConfig, parseServerStates } from '../../tools/replicas/haproxy.ts';
import { recording } from '../golden/fixtures.ts';

const golden = join(import.meta.dirname, '../fixtures-replicas/haproxy.cfg');
const layout = {
  httpPort: 18080,
  grpcPort: 18051,
  statsSocket: '/tmp/trident-replicas-example/haproxy.sock',
  replicas: [
    { name: 'replica1', httpPort: 18081, grpcPort: 18052 },
    { name: 'replica2', httpPort: 18082, grpcPort: 18053 },
  ],
};
const haproxyInstalled = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v haproxy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('the haproxy configuration of tools/replicas (TRIDENT_RECORD=1 re-records)', () => {
  it('is the golden file for two replicas', () => {
    const config = haproxyConfig(layout);
    if (recording) writeFileSync(golden, config);
    expect(existsSync(golden), `${golden} is missing: TRIDENT_RECORD=1 writes it`).toBe(true);
    expect(config).toBe(readFileSync(golden, 'utf8'));
  });

  it.skipIf(!haproxyInstalled)('is accepted by haproxy -c', () => {
    const dir = mkdtempSync(join(tmpdir(), 'haproxy-config-'));
    try {
      const file = join(dir, 'haproxy.cfg');
      writeFileSync(file, haproxyConfig({ ...layout, statsSocket: join(dir, 'haproxy.sock') }));
      expect(execFileSync('haproxy', ['-c', '-f', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })).toMatch(/Configuration file is valid/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the state of each server from show stat, leaving out the frontends and backends', () => {
    const csv = [
      '# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight',
      'http,FRONTEND,,,0,1,4096,3,0,0,0,0,0,,,,,OPEN,',
      'replicas_http,replica1,0,0,0,1,,2,0,0,,0,,0,0,0,0,UP,1',
      'replicas_http,replica2,0,0,0,0,,0,0,0,,0,,0,0,0,0,DOWN,1',
      'replicas_http,BACKEND,0,0,0,1,410,2,0,0,0,0,,0,0,0,0,UP,1',
      '',
    ].join('\n');
    expect(parseServerStates(csv)).toEqual([
      { backend: 'replicas_http', server: 'replica1', status: 'UP' },
      { backend: 'replicas_http', server: 'replica2', status: 'DOWN' },
    ]);
  });
});
