import { isIP } from 'node:net';

/**
 * Which proxies in front of a service are trusted to report the client's address, from
 * `TRUST_PROXY`:
 * - `false` (default): none, the socket's peer is the client;
 * - `true`: the socket's peer is one proxy (nginx, a load balancer) and the client is the address
 *   it appended to X-Forwarded-For, the rightmost entry;
 * - a comma-separated list of the proxies' addresses, CIDR ranges or proxy-addr's names
 *   (`loopback`, `linklocal`, `uniquelocal`): every hop through them is trusted (a CDN in front of
 *   nginx), and a peer outside the list is the client whatever it sends.
 *
 * Never "every hop" (Fastify's `trustProxy: true`): a proxy appends the address it saw to whatever
 * X-Forwarded-For the client sent, so trusting all hops takes the leftmost entry, the client's own
 * choice — each forged value was a fresh address for the sign-in throttle.
 */
export type TrustedProxies = false | 'one-hop' | readonly string[];

const NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isProxyAddress(entry: string): boolean {
  if (NAMES.has(entry) || isIP(entry) !== 0) return true;
  const [address, bits, ...rest] = entry.split('/');
  if (rest.length > 0 || address === undefined || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
  const family = isIP(address);
  return family !== 0 && Number(bits) <= (family === 4 ? 32 : 128);
}

export function parseTrustProxy(raw: string | undefined): { value: TrustedProxies } | { problem: string } {
  if (raw === undefined || raw === '' || raw === 'false') return { value: false };
  if (raw === 'true') return { value: 'one-hop' };
  const entries = raw.split(',').map((entry) => entry.trim());
  const bad = entries.filter((entry) => !isProxyAddress(entry));
  if (bad.length === 0) return { value: entries };
  return {
    problem: `TRUST_PROXY: false, true (one proxy in front) or the proxies' addresses/CIDR ranges (loopback, 10.0.0.0/8, …); "${bad.join('", "')}" is none of them`,
  };
}

/** Fastify's `trustProxy` option for the setting. */
export function trustProxyOption(
  trusted: TrustedProxies,
): false | string[] | ((address: string, hop: number) => boolean) {
  if (trusted === false) return false;
  // Hop 0 is the socket's peer (the proxy); the entry before it, the client.
  if (trusted === 'one-hop') return (_address, hop) => hop === 0;
  return [...trusted];
}
