import { NextResponse, type NextRequest } from "next/server";
import { env } from "@/lib/env";
import { createNonce, responseKind, securityHeaders } from "@/lib/http/security-headers";

/**
 * Two conveniences, neither of them the security boundary (every page, action and route runs the
 * server-side guard, lib/auth/guard.ts, and route handlers check Origin in lib/http/route.ts):
 * - redirects visitors without a session cookie to sign-in;
 * - adds the browser hardening headers (lib/http/security-headers.ts), with a fresh CSP nonce that
 *   Next.js reads from the request's policy and puts on its own scripts.
 */
// "/s/": share links are for people without an account; the token is their whole authority (lib/share-links).
const PUBLIC_PREFIXES = ["/sign-in", "/setup", "/api/", "/_next/", "/favicon", "/icon", "/s/"];
const SESSION_COOKIES = ["authjs.session-token", "__Secure-authjs.session-token"];

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const e = env();
  const nonce = createNonce();
  const kind = responseKind(pathname);
  const headers = securityHeaders(kind, {
    nonce,
    dev: e.NODE_ENV === "development",
    https: e.appUrl.startsWith("https:"),
  });
  const policy = headers["Content-Security-Policy"];

  let response: NextResponse;
  const hasSession = SESSION_COOKIES.some((name) => request.cookies.has(name));
  if (PUBLIC_PREFIXES.some((p) => pathname.startsWith(p)) || hasSession) {
    const requestHeaders = new Headers(request.headers);
    // Set, not appended: a policy (and nonce) sent by the client never reaches the renderer.
    if ((kind === "page" || kind === "share-page") && policy) requestHeaders.set("Content-Security-Policy", policy);
    response = NextResponse.next({ request: { headers: requestHeaders } });
  } else {
    const url = request.nextUrl.clone();
    url.pathname = "/sign-in";
    url.search = pathname === "/" ? "" : `?callbackUrl=${encodeURIComponent(pathname + search)}`;
    response = NextResponse.redirect(url);
  }
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

// Every request, build output included (it gets the headers without a policy).
export const config = { matcher: ["/:path*"] };
