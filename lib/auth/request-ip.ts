import { headers } from "next/headers";
import { env } from "@/lib/env";
import { parseTrustedProxies, resolveClientIp, type TrustedProxies } from "./client-ip";
import { peerAddressFrom } from "./peer-address";

let cached: { source: string | undefined; proxies: TrustedProxies | null } | undefined;

function trustedProxies(): TrustedProxies | null {
  const source = env().KILN_TRUSTED_PROXIES;
  if (cached?.source !== source || !cached) {
    const parsed = parseTrustedProxies(source);
    cached = { source, proxies: parsed.ok && parsed.proxies.entries.length ? parsed.proxies : null };
  }
  return cached.proxies;
}

/**
 * The current request's client address, validated (see client-ip.ts): the socket's peer, or what
 * a configured trusted proxy forwarded. Null outside a request or when it cannot be known.
 */
export async function clientIp(): Promise<string | null> {
  try {
    const h = await headers();
    return resolveClientIp({
      peer: peerAddressFrom(h),
      forwardedFor: h.get("x-forwarded-for"),
      trusted: trustedProxies(),
    });
  } catch {
    return null;
  }
}

/** The browser's User-Agent, shortened, for the user's list of sessions. */
export async function clientUserAgent(): Promise<string | null> {
  try {
    return (await headers()).get("user-agent")?.slice(0, 300) ?? null;
  } catch {
    return null;
  }
}
