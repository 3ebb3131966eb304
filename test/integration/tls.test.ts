// TLS end to end: a redis-server with a TLS port and a self-signed CA, reached through rediss:// and the TLS options.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/lab/ports.js';
import { findRedis } from '../../src/lab/redis-binaries.js';
import { LabServer } from '../../src/lab/server.js';
import { runCli } from './helpers.js';

let dir: string;
let server: LabServer;
let tlsPort: number;

const cutover = runCli;

const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cutover-tls-'));
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=cutover test CA', '-keyout', 'ca.key', '-out', 'ca.crt']);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'server.key', '-out', 'server.csr']);
  execFileSync('sh', ['-c', "printf 'subjectAltName=IP:127.0.0.1' > san.ext"], { cwd: dir });
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'san.ext', '-out', 'server.crt']);
  tlsPort = await freePort();
  server = new LabServer(findRedis(), dir, {
    name: 'tls',
    kind: 'redis',
    port: await freePort(), // plain port, for the lab's readiness check
    config: [`tls-port ${tlsPort}`, `tls-cert-file ${join(dir, 'server.crt')}`, `tls-key-file ${join(dir, 'server.key')}`, `tls-ca-cert-file ${join(dir, 'ca.crt')}`, 'tls-auth-clients no'],
  });
  await server.start();
});

afterAll(async () => {
  await server?.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('TLS', () => {
  it('connects with rediss:// and --cacert', async () => {
    const r = await cutover(['topology', `rediss://127.0.0.1:${tlsPort}`, '--cacert', join(dir, 'ca.crt')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/deployment: standalone/);
  });
  it('connects with --tls host:port and --insecure', async () => {
    const r = await cutover(['topology', `127.0.0.1:${tlsPort}`, '--tls', '--insecure']);
    expect(r.code).toBe(0);
  });
  it('refuses an unknown CA with one line', async () => {
    const r = await cutover(['topology', `rediss://127.0.0.1:${tlsPort}`]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/TLS handshake with 127\.0\.0\.1:\d+ failed \(.*\): .*--cacert/);
  });
  it('says plain Redis on a TLS port expects TLS', async () => {
    const r = await cutover(['topology', `127.0.0.1:${tlsPort}`, '--timeout', '2s']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/TLS|closed the connection/);
  });
  it('names an unreadable --cacert file', async () => {
    const r = await cutover(['topology', `rediss://127.0.0.1:${tlsPort}`, '--cacert', '/nonexistent/ca.crt']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read --cacert '\/nonexistent\/ca.crt': ENOENT/);
  });
});
