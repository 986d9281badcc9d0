import { BlockList, isIP } from "node:net";

/**
 * Which address a request came from. X-Forwarded-For is written by whoever sends the request,
 * so it is believed only when the connection itself comes from a configured proxy, and then
 * only as far back as the chain stays inside trusted proxies. Anything that is not an IP
 * address is never returned (it would reach the rate limiter and the audit log).
 */

export type TrustedProxies = { list: BlockList; entries: string[] };

/** Parses KILN_TRUSTED_PROXIES: comma- or space-separated addresses and CIDRs. */
export function parseTrustedProxies(
  value: string | undefined,
): { ok: true; proxies: TrustedProxies } | { ok: false; invalid: string[] } {
  const list = new BlockList();
  const entries = (value ?? "").split(/[\s,]+/).filter(Boolean);
  const invalid: string[] = [];
  for (const entry of entries) {
    const [rawAddress = "", prefix, extra] = entry.split("/");
    const address = normaliseIp(rawAddress);
    const family = address ? isIP(address) : 0;
    const bits = prefix === undefined ? (family === 6 ? 128 : 32) : /^\d{1,3}$/.test(prefix) ? Number(prefix) : -1;
    if (!address || extra !== undefined || bits < 0 || bits > (family === 6 ? 128 : 32)) {
      invalid.push(entry);
      continue;
    }
    list.addSubnet(address, bits, family === 6 ? "ipv6" : "ipv4");
  }
  return invalid.length ? { ok: false, invalid } : { ok: true, proxies: { list, entries } };
}

/**
 * An IP address in its plain form, or null: strips a port ("1.2.3.4:80", "[::1]:80") and the
 * IPv4-mapped IPv6 prefix, so one client counts as one address.
 */
export function normaliseIp(value: string | null | undefined): string | null {
  if (!value) return null;
  let v = value.trim();
  if (v.length > 64) return null;
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(v);
  if (bracketed) v = bracketed[1]!;
  else if (/^[\d.]+:\d{1,5}$/.test(v)) v = v.slice(0, v.lastIndexOf(":"));
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(v);
  if (mapped) v = mapped[1]!;
  return isIP(v) ? v.toLowerCase() : null;
}

function isTrusted(address: string, proxies: TrustedProxies): boolean {
  return proxies.list.check(address, isIP(address) === 6 ? "ipv6" : "ipv4");
}

/**
 * The client address: the socket's peer, unless the peer is a trusted proxy, in which case the
 * X-Forwarded-For entries are walked from the right (the hop nearest us) past trusted proxies
 * to the first address that is not one. A malformed entry stops the walk at the last address
 * we could vouch for.
 */
export function resolveClientIp({
  peer,
  forwardedFor,
  trusted,
}: {
  peer: string | null | undefined;
  forwardedFor: string | null | undefined;
  trusted: TrustedProxies | null;
}): string | null {
  let current = normaliseIp(peer);
  if (!current || !trusted) return current;
  const hops = (forwardedFor ?? "").split(",").slice(-32).reverse();
  for (const hop of hops) {
    if (!isTrusted(current, trusted)) return current;
    const next = normaliseIp(hop);
    if (!next) return current;
    current = next;
  }
  return current;
}
