// `cutover lab switch` finding the running lab by its manifest: the one with an endpoint, or --lab DIR.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findLab } from '../../src/lab/endpoint-client.js';
import type { LabManifest } from '../../src/lab/manifest.js';

let tmp: string;
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

function lab(name: string, m: Partial<LabManifest>): string {
  const dir = join(tmp, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'lab.json'), JSON.stringify({ preset: 'migration', owner: process.pid, servers: [], ...m }));
  return dir;
}
const endpoint = { name: 'endpoint' as const, address: '127.0.0.1:1', backend: { name: 'master', address: '127.0.0.1:2' }, control: { port: 3, token: 't' } };

describe('findLab', () => {
  it('the one running lab with an endpoint; labs without one, or whose owner is gone, do not count', () => {
    tmp = mkdtempSync(join(tmpdir(), 'cutover-findlab-'));
    lab(`cutover-lab-${process.pid}-a`, { preset: 'replication' });
    lab(`cutover-lab-999999999-b`, { owner: 999999999, endpoint });
    const dir = lab(`cutover-lab-${process.pid}-c`, { endpoint });
    expect(findLab(undefined, tmp).dir).toBe(dir);
    expect(findLab(join(dir, 'lab.json'), tmp).endpoint).toEqual(endpoint);
  });

  it('none, several, a lab without an endpoint: one line each', () => {
    tmp = mkdtempSync(join(tmpdir(), 'cutover-findlab-'));
    expect(() => findLab(undefined, tmp)).toThrow(/^no running lab with an endpoint: start one with 'cutover lab'/);
    const plain = lab(`cutover-lab-${process.pid}-a`, { preset: 'replication' });
    expect(() => findLab(plain, tmp)).toThrow(/has no endpoint: the migration preset has one$/);
    lab(`cutover-lab-${process.pid}-b`, { endpoint });
    lab(`cutover-lab-${process.pid}-c`, { endpoint });
    expect(() => findLab(undefined, tmp)).toThrow(/^2 labs with an endpoint are running \(pid \d+: .*-b, pid \d+: .*-c\): choose one with --lab DIR$/);
  });
});
