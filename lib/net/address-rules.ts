import { isIP } from "node:net";

/**
 * Which network addresses a server-side request may reach: the one rule shared by the save-time URL
 * check (lib/providers/url-safety.ts) and the connect-time check of every outbound request
 * (outbound-fetch.ts), so the two can never disagree.
 *
 *  - Never allowed: unspecified (0.0.0.0/8, ::), link-local (169.254.0.0/16, fe80::/10), cloud
 *    metadata endpoints (169.254.169.254, fd00:ec2::254, 100.100.100.200, metadata.google.internal …),
 *    multicast, broadcast and reserved ranges.
 *  - Allowed only with `allowPrivate`: loopback (127.0.0.0/8, ::1), private (10/8, 172.16/12,
 *    192.168/16, fc00::/7) and carrier-grade NAT (100.64/10).
 *  - IPv4-mapped, NAT64 and 6to4 IPv6 addresses are judged as their IPv4 address.
 */
export type Verdict = "public" | "private" | "loopback" | "link-local" | "metadata" | "unspecified" | "reserved";

export const METADATA_HOSTS = new Set([
  "metadata.google.internal",
  "metadata.goog",
  "metadata",
  "instance-data",
  "instance-data.ec2.internal",
  "metadata.azure.internal",
]);
const METADATA_IPS = new Set(["169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2:0:0:0:0:0:254"]);

function v4Parts(ip: string): number[] {
  return ip.split(".").map(Number);
}

function classifyV4(ip: string): Verdict {
  if (METADATA_IPS.has(ip)) return "metadata";
  const [a = 0, b = 0] = v4Parts(ip);
  if (a === 0) return "unspecified";
  if (a === 127) return "loopback";
  if (a === 169 && b === 254) return "link-local";
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return "private";
  if (a === 100 && b >= 64 && b <= 127) return "private";
  if (a >= 224) return "reserved"; // multicast, 240/4 and broadcast
  return "public";
}

/** Expands an IPv6 address to eight 16-bit groups (handles "::" and a trailing dotted IPv4). */
function expandV6(ip: string): number[] {
  let text = ip.toLowerCase().split("%")[0]!;
  const dotted = text.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    const [a = 0, b = 0, c = 0, d = 0] = v4Parts(dotted[1]!);
    text = text.slice(0, -dotted[1]!.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t];
  return groups.map((g) => parseInt(g, 16) || 0);
}

function v4From(hi: number, lo: number): string {
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

function classifyV6(ip: string): Verdict {
  const g = expandV6(ip);
  if (METADATA_IPS.has(g.map((x) => x.toString(16)).join(":"))) return "metadata";
  if (g.every((x) => x === 0)) return "unspecified";
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return "loopback";
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d).
  const mapped = g.slice(0, 5).every((x) => x === 0) && (g[5] === 0xffff || g[5] === 0);
  const nat64 = g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0);
  if (mapped || nat64) return classifyV4(v4From(g[6]!, g[7]!));
  if (g[0] === 0x2002) return classifyV4(v4From(g[1]!, g[2]!)); // 6to4 embeds an IPv4 address
  const first = g[0]!;
  if ((first & 0xffc0) === 0xfe80) return "link-local";
  if ((first & 0xfe00) === 0xfc00) return "private";
  if ((first & 0xff00) === 0xff00) return "reserved";
  return "public";
}

export function classifyAddress(ip: string): Verdict {
  return isIP(ip) === 4 ? classifyV4(ip) : classifyV6(ip);
}

export const REASONS: Record<Exclude<Verdict, "public">, string> = {
  private: "a private network address",
  loopback: "a loopback (this machine) address",
  "link-local": "a link-local address",
  metadata: "a cloud metadata service",
  unspecified: "an unspecified address (0.0.0.0 or ::)",
  reserved: "a multicast, broadcast or reserved address",
};

/** A URL's host as the rules see it: no IPv6 brackets, no trailing dot, lower case. */
export function bareHost(url: URL): string {
  return url.hostname
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "")
    .toLowerCase();
}

/**
 * Why `address` (what `hostname` resolved to, or the host itself when it is an IP literal) may not
 * be reached under this rule, as a sentence an admin can act on; undefined when it may.
 */
export function addressRefusal(address: string, hostname: string, allowPrivate: boolean): string | undefined {
  const verdict = classifyAddress(address);
  if (verdict === "public") return undefined;
  if ((verdict === "private" || verdict === "loopback") && allowPrivate) return undefined;
  const where = address === hostname ? address : `${hostname} (${address})`;
  const hint =
    verdict === "private" || verdict === "loopback"
      ? " Turn on “allow private network” for this endpoint if it is meant to be on your network."
      : " Such addresses are never allowed.";
  return `points to ${REASONS[verdict]}: ${where}.${hint}`;
}

/** Host names that are metadata services whatever they resolve to. */
export function hostRefusal(hostname: string): string | undefined {
  return METADATA_HOSTS.has(hostname)
    ? `points to a cloud metadata service (${hostname}); this is never allowed.`
    : undefined;
}
