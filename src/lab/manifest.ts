// A running lab's manifest, <tmp>/cutover-lab-<ownerPid>-<random>/lab.json: its servers, and the switchable
// endpoint with its control port. Written by the lab; read by `cutover lab switch` (another process) to find it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { alive } from './processes.js';

export interface ManifestServer {
  name: string;
  kind: 'redis' | 'sentinel';
  port: number;
  pid?: number;
  dir: string;
}

export interface ManifestEndpoint {
  name: 'endpoint';
  /** host:port the clients (and the drill) connect to */
  address: string;
  /** where it forwards now: a lab server's name, or host:port for an address outside the lab */
  backend: { name?: string; address: string };
  /** the lab process's control port on 127.0.0.1 (HTTP), and the token it asks for */
  control: { port: number; token: string };
}

export interface LabManifest {
  preset: string;
  owner: number;
  servers: ManifestServer[];
  endpoint?: ManifestEndpoint;
}

export const MANIFEST = 'lab.json';

export function readManifest(dir: string): LabManifest {
  return JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as LabManifest;
}

/** Lab folders under `tmp` whose owner still runs, with their manifests, by folder name. */
export function runningLabs(tmp: string): Array<{ dir: string; manifest: LabManifest }> {
  let names: string[] = [];
  try {
    names = readdirSync(tmp).filter((d) => d.startsWith('cutover-lab-')).sort();
  } catch {
    return [];
  }
  const labs: Array<{ dir: string; manifest: LabManifest }> = [];
  for (const name of names) {
    const owner = Number(/^cutover-lab-(\d+)-/.exec(name)?.[1]);
    if (!owner || !alive(owner)) continue;
    try {
      labs.push({ dir: join(tmp, name), manifest: readManifest(join(tmp, name)) });
    } catch {
      // still starting (no manifest yet), or going away
    }
  }
  return labs;
}
