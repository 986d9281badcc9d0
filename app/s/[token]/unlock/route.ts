import { NextResponse } from "next/server";
import { getDatabase } from "@/db";
import { clientIp } from "@/lib/auth/request-ip";
import { env } from "@/lib/env";
import { SHARE_GRANT_COOKIE, unlockShareLink } from "@/lib/share-links";

/**
 * The share page's password form (a plain POST, no session). A right password earns a signed grant
 * cookie scoped to this link's path; every outcome goes back to the page, which says what happened.
 * Refused when another site started it (the browser's Sec-Fetch-Site); the Origin header is not
 * usable here because the page's Referrer-Policy: no-referrer makes browsers send "null".
 */
export async function POST(request: Request, { params }: { params: Promise<{ token: string }> }): Promise<Response> {
  const { token } = await params;
  const page = new URL(`/s/${encodeURIComponent(token)}`, env().appUrl);
  const site = request.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin") return new Response("Forbidden", { status: 403 });
  const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded" && type !== "multipart/form-data")
    return new Response("Unsupported Media Type", { status: 415 });
  const form = await request.formData().catch(() => null);
  const password = form?.get("password");
  const { db } = await getDatabase();
  const result = await unlockShareLink({
    db,
    token,
    password: typeof password === "string" ? password : "",
    ip: await clientIp(),
  });
  if (!result.ok) {
    if (result.reason !== "invalid") page.searchParams.set("e", result.reason === "rate_limited" ? "wait" : "wrong");
    return NextResponse.redirect(page, 303);
  }
  const response = NextResponse.redirect(page, 303);
  response.cookies.set(SHARE_GRANT_COOKIE, result.grant.value, {
    path: page.pathname,
    httpOnly: true,
    sameSite: "lax",
    secure: env().appUrl.startsWith("https:"),
    maxAge: result.grant.maxAge,
  });
  return response;
}
