// `cutover topology`: the discovered topology once, as a text tree or (--json) as JSON, then exit (1 when a node is
// not up).
import type { Command } from '../options/args.js';
import { EXIT } from '../headless/exit-codes.js';
import { topologyJson, topologyText } from '../render/text.js';
import { CONNECTION_HELP } from './connection.js';
import { openDiscovery } from './discovery.js';

/** `cutover topology --help` */
export const HELP = `cutover topology ENDPOINT… [--json] [options]

Prints the discovered topology once, as a text tree or (--json) as JSON, and exits.

${CONNECTION_HELP}`;

export async function run(a: Extract<Command, { kind: 'topology' }>): Promise<number> {
  const { monitor } = await openDiscovery(a, { subscribe: false });
  try {
    const nodes = await monitor.discover();
    process.stdout.write(a.json ? topologyJson(nodes, monitor.deployment()) : topologyText(nodes, monitor.deployment()));
    return nodes.some((n) => n.status !== 'up') ? EXIT.failed : EXIT.ok;
  } finally {
    monitor.stop();
  }
}
