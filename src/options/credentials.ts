// --user and REDISCLI_AUTH, the same for every command: a password only ever in a URI or REDISCLI_AUTH (never an option).
import type { Endpoint, EndpointDefaults } from './endpoint.js';

export interface Credentials {
  username?: string;
  password?: string;
}

export const USER_OPTION = { user: { type: 'string' } } as const;

/** What an endpoint naming no credentials of its own gets: --tls, --user, and REDISCLI_AUTH as redis-cli reads it. */
export function endpointDefaults(v: { tls?: boolean; user?: string }, env: NodeJS.ProcessEnv): EndpointDefaults {
  return { tls: !!v.tls, password: env.REDISCLI_AUTH || undefined, username: v.user };
}

/** For data nodes found by discovery: the first endpoint's, when it names a password, or --user and REDISCLI_AUTH. */
export function dataAuth(entries: Endpoint[], defaults: EndpointDefaults): Credentials {
  const first = entries[0];
  return first?.password ? { username: first.username, password: first.password } : { username: defaults.username, password: defaults.password };
}

/** For Sentinels found by discovery: the first --sentinel URI's (REDISCLI_AUTH is not a Sentinel's password). */
export function sentinelAuth(sentinels: Endpoint[]): Credentials {
  return sentinels[0] ? { username: sentinels[0].username, password: sentinels[0].password } : {};
}
