import { lookup as dnsLookup } from "node:dns/promises";
import { isIP, type LookupFunction } from "node:net";
import { Agent, fetch as undiciFetch } from "undici";
import { addressRefusal, bareHost, hostRefusal } from "./address-rules";

/**
 * The outbound HTTP policy: every server-side request to a GPU endpoint or to a URL a provider
 * handed back goes through `outboundFetch`, which applies the endpoint's address rule
 * (address-rules.ts) to the address the socket actually connects to:
 *
 *  - IP-literal hosts are checked before the request (the socket layer never resolves them);
 *  - host names are resolved by a lookup hook on the connection itself (an undici Agent with
 *    `connect.lookup`), so a DNS answer that changed since the URL was saved or tested (rebinding)
 *    is judged when it is used, and every address of the answer must pass;
 *  - redirects are never followed here (`redirect: "manual"`): a caller that may follow them does
 *    so with `fetchFollowingRedirects`, whose every hop goes through this check again.
 *
 * undici's own fetch is used with its own Agent (same package, so the dispatcher always fits;
 * Node's global fetch bundles another undici copy, and Next.js patches the global one).
 */
export type LookupAll = (hostname: string) => Promise<{ address: string; family: number }[]>;

export type OutboundPolicy = {
  /** The endpoint's flag: loopback and private networks allowed (the simulator, an on-premises box). */
  allowPrivate: boolean;
  /** Tests inject answers for public-looking names; production uses the system resolver. */
  lookup?: LookupAll;
};

/** A request the policy refused; it was never sent (or, for a redirect, never followed). */
export class OutboundRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OutboundRefusedError";
  }
}

/** Hops a download may take (CDNs redirect to signed storage URLs; a chain longer than this is not a CDN). */
export const MAX_REDIRECTS = 3;

const systemLookup: LookupAll = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

function refusal(why: string): OutboundRefusedError {
  return new OutboundRefusedError(`Kiln refused the connection: the URL ${why}`);
}

/** The connect-time hook: resolve, judge every address, hand the socket only addresses that passed. */
function guardedLookup(policy: OutboundPolicy): LookupFunction {
  const resolve = policy.lookup ?? systemLookup;
  return (hostname, options, callback) => {
    const host = hostname
      .replace(/^\[|\]$/g, "")
      .replace(/\.$/, "")
      .toLowerCase();
    const done = callback as (
      error: Error | null,
      address?: string | { address: string; family: number }[],
      family?: number,
    ) => void;
    Promise.resolve()
      .then(async () => {
        const metadata = hostRefusal(host);
        if (metadata) throw refusal(metadata);
        const answers = await resolve(host);
        for (const { address } of answers) {
          const why = addressRefusal(address, host, policy.allowPrivate);
          if (why) throw refusal(why);
        }
        const wanted =
          options.family === 4 || options.family === 6 ? answers.filter((a) => a.family === options.family) : answers;
        if (wanted.length === 0)
          throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND", hostname: host });
        if (options.all)
          done(
            null,
            wanted.map(({ address, family }) => ({ address, family })),
          );
        else done(null, wanted[0]!.address, wanted[0]!.family);
      })
      .catch((error: Error) => done(error));
  };
}

/**
 * One Agent per policy (resolver × allowPrivate), kept for the process: its pooled sockets were
 * opened under that policy, so an endpoint that allows private addresses never lends a socket to
 * one that does not. Tests' injected resolvers get their own.
 */
const agents = new WeakMap<LookupAll, Map<boolean, Agent>>();

function agentFor(policy: OutboundPolicy): Agent {
  const resolve = policy.lookup ?? systemLookup;
  const byFlag = agents.get(resolve) ?? new Map<boolean, Agent>();
  agents.set(resolve, byFlag);
  const agent = byFlag.get(policy.allowPrivate) ?? new Agent({ connect: { lookup: guardedLookup(policy) } });
  byFlag.set(policy.allowPrivate, agent);
  return agent;
}

/** The checks that need no DNS: scheme, credentials, metadata names and IP-literal hosts. */
export function assertOutboundUrl(url: URL, policy: OutboundPolicy): void {
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new OutboundRefusedError(
      `Kiln refused the connection: only http and https URLs are fetched, not ${url.protocol.replace(":", "")}.`,
    );
  if (url.username || url.password)
    throw new OutboundRefusedError("Kiln refused the connection: the URL carries a user name or password.");
  const host = bareHost(url);
  const metadata = hostRefusal(host);
  if (metadata) throw refusal(metadata);
  if (isIP(host)) {
    const why = addressRefusal(host, host, policy.allowPrivate);
    if (why) throw refusal(why);
  }
}

/** The refusal behind a failed fetch ("fetch failed" wraps what the socket's lookup threw), if any. */
function refusalIn(error: unknown): OutboundRefusedError | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof OutboundRefusedError) return e;
  }
  return undefined;
}

/** A fetch bound to one endpoint's policy. It never follows redirects; 3xx answers come back as they are. */
export function outboundFetch(policy: OutboundPolicy): typeof fetch {
  const dispatcher = agentFor(policy);
  const guarded = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    if (typeof input !== "string" && !(input instanceof URL))
      throw new TypeError("outboundFetch takes a URL, not a Request.");
    const url = new URL(String(input));
    assertOutboundUrl(url, policy);
    try {
      const res = await undiciFetch(url, { ...(init as object), redirect: "manual", dispatcher } as Parameters<
        typeof undiciFetch
      >[1]);
      return res as unknown as Response;
    } catch (error) {
      throw refusalIn(error) ?? error;
    }
  };
  return guarded as typeof fetch;
}

export function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/**
 * GET with redirects followed by hand, at most `maxRedirects` hops, each one through `fetchFn`
 * (the policy's fetch, so every target is checked at connect). Credentials are dropped when a hop
 * leaves the origin they were meant for; the redirect bodies are discarded unread.
 */
export async function fetchFollowingRedirects(
  fetchFn: typeof fetch,
  url: string,
  init: RequestInit & { method?: "GET" | "HEAD" },
  maxRedirects = MAX_REDIRECTS,
): Promise<Response> {
  let current = new URL(url);
  const headers = new Headers(init.headers);
  for (let hop = 0; ; hop++) {
    const res = await fetchFn(current.href, { ...init, headers, redirect: "manual" });
    const location = isRedirect(res.status) ? res.headers.get("location") : null;
    if (!location) return res;
    await res.body?.cancel().catch(() => {});
    if (hop >= maxRedirects) throw new OutboundRefusedError(`Kiln stopped after ${maxRedirects} redirects.`);
    let next: URL;
    try {
      next = new URL(location, current);
    } catch {
      throw new OutboundRefusedError("Kiln refused a redirect to a URL it cannot read.");
    }
    if (next.origin !== current.origin) {
      headers.delete("authorization");
      headers.delete("cookie");
    }
    current = next;
  }
}
