// The other side of the endpoint's control port: finds a running lab by its manifest and asks its process to
// repoint the endpoint. Used by `cutover lab switch` (and so by a --on-switch hook).
import { request } from 'node:http';
import { existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname } from 'node:path';
import { InputError } from '../options/endpoint.js';
import { TOKEN_HEADER, type SwitchReply } from './endpoint-control.js';
import { readManifest, runningLabs, type LabManifest, type ManifestEndpoint } from './manifest.js';
import { alive } from './processes.js';

const START_ONE = `start one with 'cutover lab' (the migration preset) or 'npm start'`;

/** The lab named by --lab DIR (its folder or its lab.json), or else the one running lab that has an endpoint. */
export function findLab(dir: string | undefined, tmp = tmpdir()): { dir: string; manifest: LabManifest; endpoint: ManifestEndpoint } {
  if (dir !== undefined) {
    const folder = basename(dir) === 'lab.json' ? dirname(dir) : dir;
    if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new InputError(`--lab ${dir}: no such lab folder (the lab removes it when it stops): ${START_ONE}`);
    let manifest: LabManifest;
    try {
      manifest = readManifest(folder);
    } catch {
      throw new InputError(`--lab ${dir}: no lab.json in it yet: is the lab still starting?`);
    }
    if (!alive(manifest.owner)) throw new InputError(`--lab ${dir}: its cutover (pid ${manifest.owner}) is not running: ${START_ONE}`);
    if (!manifest.endpoint) throw new InputError(`--lab ${dir}: this lab (--preset ${manifest.preset}) has no endpoint: the migration preset has one`);
    return { dir: folder, manifest, endpoint: manifest.endpoint };
  }
  const labs = runningLabs(tmp).filter((l) => l.manifest.endpoint);
  if (labs.length === 0) throw new InputError(`no running lab with an endpoint: ${START_ONE}`);
  if (labs.length > 1) {
    const list = labs.map((l) => `pid ${l.manifest.owner}: ${l.dir}`).join(', ');
    throw new InputError(`${labs.length} labs with an endpoint are running (${list}): choose one with --lab DIR`);
  }
  return { ...labs[0], endpoint: labs[0].manifest.endpoint! };
}

/** POST /endpoint {"to": …} to the lab's control port. A refusal (nothing changed) is an InputError. */
export function requestSwitch(endpoint: ManifestEndpoint, owner: number, to: string, timeoutMs = 5000): Promise<SwitchReply> {
  const body = JSON.stringify({ to });
  const at = `127.0.0.1:${endpoint.control.port}`;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: endpoint.control.port,
        method: 'POST',
        path: '/endpoint',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), [TOKEN_HEADER]: endpoint.control.token },
        timeout: timeoutMs,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          let reply: (SwitchReply & { error?: string }) | undefined;
          try {
            reply = JSON.parse(text);
          } catch {
            /* said below */
          }
          if (res.statusCode === 200 && reply && !reply.error) return resolve(reply);
          const why = reply?.error ?? `HTTP ${res.statusCode}`;
          reject(res.statusCode === 400 ? new InputError(why) : new Error(`the lab's control port ${at} refused the switch: ${why}`));
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) =>
      reject(new Error(`the lab's control port ${at} did not answer (${err.code ?? err.message}): is the lab (pid ${owner}) still running?`)),
    );
    req.end(body);
  });
}
