// `cutover lab switch --to target|HOST:PORT`: repoints a running lab's endpoint (its TCP proxy in front of the
// source) from outside the lab's process, as a --on-switch hook would a proxy or a DNS name in production.
import type { LabSwitchArgs } from '../options/lab-switch-args.js';
import { findLab, requestSwitch } from '../lab/endpoint-client.js';
import { EXIT } from '../headless/exit-codes.js';
import { writeNdjson } from '../headless/ndjson.js';

const describe = (b: { name?: string; address: string }) => (b.name ? `${b.name} ${b.address}` : b.address);

export async function run(a: LabSwitchArgs): Promise<number> {
  const { manifest, endpoint } = findLab(a.lab);
  const reply = await requestSwitch(endpoint, manifest.owner, a.to);
  if (a.json) writeNdjson({ event: 'endpoint', ...reply });
  else {
    const n = reply.closed;
    process.stdout.write(`endpoint ${reply.endpoint} now forwards to ${describe(reply.backend)} (was ${describe(reply.was)}); ${n} client connection${n === 1 ? '' : 's'} closed to reconnect\n`);
  }
  return EXIT.ok;
}
