import { NextResponse, type NextRequest } from "next/server";

/**
 * Redirects visitors without a session cookie to sign-in. This is a convenience only: every
 * page, action and route runs the server-side guard (lib/auth/guard.ts), which is the boundary.
 */
const PUBLIC_PREFIXES = ["/sign-in", "/setup", "/api/", "/_next/", "/favicon", "/icon"];
const SESSION_COOKIES = ["authjs.session-token", "__Secure-authjs.session-token"];

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  if (PUBLIC_PREFIXES.some((p) => pathname.startsWith(p))) return NextResponse.next();
  const hasSession = SESSION_COOKIES.some((name) => request.cookies.has(name));
  if (hasSession) return NextResponse.next();
  const url = request.nextUrl.clone();
  url.pathname = "/sign-in";
  url.search = pathname === "/" ? "" : `?callbackUrl=${encodeURIComponent(pathname + search)}`;
  return NextResponse.redirect(url);
}

export const config = { matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"] };
