import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";
import { AppError } from "@/lib/errors";
import { addressRefusal, bareHost, hostRefusal } from "@/lib/net/address-rules";

export { classifyAddress } from "@/lib/net/address-rules";

/**
 * Validates a GPU endpoint's base URL before Kiln stores it or calls it, so an admin (or a stolen
 * admin session) cannot point the server at internal services (SSRF). The address rule itself is in
 * lib/net/address-rules.ts; lib/net/outbound-fetch.ts applies it again to the address every
 * request actually connects to.
 *
 * The rule:
 *  - http or https only; no user:password in the URL (credentials belong in the encrypted secret).
 *  - Never allowed, whatever the flag: unspecified (0.0.0.0/8, ::), link-local (169.254.0.0/16,
 *    fe80::/10), cloud metadata endpoints (169.254.169.254, fd00:ec2::254, 100.100.100.200,
 *    metadata.google.internal …), multicast, broadcast and reserved ranges.
 *  - Allowed only with `allowPrivate`: loopback (127.0.0.0/8, ::1), private (10/8, 172.16/12,
 *    192.168/16, fc00::/7) and carrier-grade NAT (100.64/10). The built-in simulator is on loopback,
 *    so its endpoint row carries allowPrivate; so does an on-premises GPU box on the LAN.
 *  - Every address the host name resolves to is checked, so one public A record cannot hide a
 *    private one. IPv4-mapped, NAT64 and 6to4 IPv6 addresses are checked as their IPv4 address.
 * DNS can change after the check (rebinding): that is why the connect-time check exists; this one
 * gives the admin a clear answer on save.
 */
export type UrlSafetyOptions = {
  allowPrivate?: boolean;
  /** For tests: resolves a host name to all of its addresses. */
  lookup?: (hostname: string) => Promise<{ address: string; family: number }[]>;
};

function refuse(message: string): never {
  throw new AppError("invalid_input", message, { fields: { baseUrl: [message] } });
}

function check(address: string, hostname: string, allowPrivate: boolean): void {
  const why = addressRefusal(address, hostname, allowPrivate);
  if (why) refuse(`The endpoint URL ${why}`);
}

/** Throws AppError("invalid_input") unless the URL is safe to call; returns the parsed URL. */
export async function assertSafeProviderUrl(raw: string, options: UrlSafetyOptions = {}): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return refuse(`“${raw}” is not a valid URL. Use the form http(s)://host:port.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    refuse(`Only http and https endpoint URLs are allowed, not ${url.protocol.replace(":", "")}.`);
  if (url.username || url.password)
    refuse("Remove the user name and password from the URL; put credentials in the endpoint's API key instead.");
  // WHATWG URL parsing already normalised odd IPv4 forms (2130706433, 0x7f.1) to dotted decimal.
  const hostname = bareHost(url);
  const metadata = hostRefusal(hostname);
  if (metadata) refuse(`The endpoint URL ${metadata}`);
  const allowPrivate = options.allowPrivate ?? false;
  if (isIP(hostname)) {
    check(hostname, hostname, allowPrivate);
    return url;
  }
  const lookup = options.lookup ?? ((host: string) => dnsLookup(host, { all: true, verbatim: true }));
  let addresses: { address: string }[];
  try {
    addresses = await lookup(hostname);
  } catch {
    return refuse(
      `The endpoint host “${hostname}” could not be resolved. Check the spelling and that this server can reach it.`,
    );
  }
  if (addresses.length === 0) refuse(`The endpoint host “${hostname}” has no addresses.`);
  for (const { address } of addresses) check(address, hostname, allowPrivate);
  return url;
}
