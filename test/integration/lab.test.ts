// The lab leaves nothing behind: not on a clean stop, not on SIGTERM, and a SIGKILLed owner's servers are swept.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startLab } from '../../src/lab/lab.js';
import { alive, liveCount, sweepOrphans } from '../../src/lab/processes.js';
import { pingPort } from '../../src/lab/server.js';
import { CLI, until } from './helpers.js';

/** `cutover lab --preset replication` with stdout piped; resolves once its topology is printed, with the lab's manifest. */
async function spawnLab() {
  const child = spawn(process.execPath, [CLI, 'lab', '--preset', 'replication'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  await until('the lab console', () => out.includes('deployment: sentinel'), 30_000);
  const [dir] = labDirsOf(child.pid!);
  const manifest = JSON.parse(readFileSync(join(tmpdir(), dir, 'lab.json'), 'utf8')) as { servers: Array<{ pid: number; port: number }> };
  const exited = new Promise((r) => child.on('exit', r));
  return { child, manifest, exited };
}

function labDirsOf(pid: number): string[] {
  return readdirSync(tmpdir()).filter((d) => d.startsWith(`cutover-lab-${pid}-`));
}


describe('lab lifecycle', () => {
  it('starts the migration preset with an empty target and stops every server', async () => {
    const lab = await startLab({ preset: 'migration', keys: 1000 });
    const pids = lab.servers.map((s) => s.pid!);
    expect(lab.servers.map((s) => s.name).sort()).toEqual(['master', 'r1', 'r2', 's1', 's2', 's3', 'target']);
    expect(lab.targetEntry()).toBe(lab.server('target').address);
    // the endpoint in front of the master: labelled, and gone with the lab
    const endpoint = lab.endpoint!;
    expect(endpoint.backend).toEqual({ name: 'master', address: lab.server('master').address });
    expect(lab.labels()[endpoint.address]).toBe('endpoint');
    expect(await pingPort(Number(endpoint.address.split(':')[1]))).toBe(true);
    await lab.stop();
    expect(await pingPort(Number(endpoint.address.split(':')[1]))).toBe(false);
    await until('every server gone', () => pids.filter(alive).length === 0, 5000);
    expect(existsSync(lab.dir)).toBe(false);
    expect(liveCount()).toBe(0);
  });

  it('cutover lab, killed with SIGTERM, takes its servers with it', async () => {
    const { child, manifest, exited } = await spawnLab();
    child.kill('SIGTERM');
    await exited;
    await until('every server gone', () => manifest.servers.every((s) => !alive(s.pid)), 5000);
    expect(labDirsOf(child.pid!)).toEqual([]);
  });

  it('sweeps the servers of a lab whose owner was killed with SIGKILL', async () => {
    const { child, manifest, exited } = await spawnLab();
    child.kill('SIGKILL');
    await exited;
    expect(await pingPort(manifest.servers[0].port)).toBe(true); // orphaned, for now
    expect(sweepOrphans(tmpdir())).toBeGreaterThanOrEqual(manifest.servers.length);
    await until('orphans gone', () => manifest.servers.every((s) => !alive(s.pid)), 5000);
    expect(labDirsOf(child.pid!)).toEqual([]);
  });
});
