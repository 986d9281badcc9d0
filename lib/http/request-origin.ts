import { AppError } from "@/lib/errors";

/** Methods that only read. Everything else may change state and must come from the app's own pages. */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isStateChanging(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/**
 * Whether `origin` is the app's own. KILN_URL, when set, is the one authority: behind a proxy the
 * Host header may be an internal name, and configuration cannot be swayed by a request. Without it
 * (the embedded single-machine default) the app knows no public name, so the Host the browser sent
 * the request to stands in — read from the header, since Next.js builds request.url from its own
 * bind address, not from Host. In a CSRF the victim's browser sets Host; a DNS-rebinding page gets
 * a matching Host but not the victim's cookie.
 */
export function isAppOrigin(
  origin: string,
  configuredUrl: string | undefined,
  request: { url: string; headers: Headers },
): boolean {
  let claimed: URL;
  try {
    claimed = new URL(origin);
  } catch {
    return false;
  }
  if (configuredUrl) return claimed.origin === new URL(configuredUrl).origin;
  const host = request.headers.get("host") ?? new URL(request.url).host;
  try {
    return claimed.origin === new URL(`${claimed.protocol}//${host}`).origin;
  } catch {
    return false;
  }
}

const REFUSED =
  "This request did not come from Kiln's own pages, so it was refused. Reload Kiln and try again from there.";

/**
 * Refuses a cross-site request that carries the user's cookie (CSRF). Browsers set Origin and
 * Sec-Fetch-Site themselves and scripts cannot forge them; a request without Origin is refused,
 * since every browser sends it on a POST and a token API (no cookie) is a separate entry point.
 * Sec-Fetch-Site catches a page on another port of the same host ("same-site"), which SameSite=Lax
 * cookies do not stop.
 */
export function assertSameOrigin(
  request: { method: string; url: string; headers: Headers },
  configuredUrl: string | undefined,
): void {
  if (!isStateChanging(request.method)) return;
  const site = request.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin") throw new AppError("forbidden", REFUSED);
  const origin = request.headers.get("origin");
  if (!origin || origin === "null") throw new AppError("forbidden", REFUSED);
  if (!isAppOrigin(origin, configuredUrl, request)) throw new AppError("forbidden", REFUSED);
}

/**
 * Refuses a cookie-carrying read that another site started (an <img>, a link or a script include on
 * a foreign page; SameSite=Lax sends the cookie on top-level navigations). Reads can still have
 * effects — an export writes an audit row — and nothing outside Kiln needs the session API. A
 * bookmark or a typed address says "none"; clients without Sec-Fetch-Site (old browsers, scripts)
 * carry no cookie of a victim.
 */
export function assertNotCrossSiteRead(request: { headers: Headers }): void {
  const site = request.headers.get("sec-fetch-site");
  if (site === "cross-site" || site === "same-site") throw new AppError("forbidden", REFUSED);
}
