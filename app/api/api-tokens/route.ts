import { NextResponse } from "next/server";
import { createApiToken, listApiTokens, type CreateApiTokenInput } from "@/lib/api-tokens";
import { readJson } from "@/lib/http/read-json";
import { guardedRoute } from "@/lib/http/route";

/** The caller's tokens (an admin's list also holds every service account's); never the secrets. */
export const GET = guardedRoute("api_tokens.manage", async (ctx) =>
  NextResponse.json({ tokens: await listApiTokens({ ctx }) }),
);

/** Makes a token; the answer is the only time its secret is ever sent, so nothing may cache it. */
export const POST = guardedRoute({ permission: "api_tokens.manage", body: "json" }, async (ctx, request) => {
  const created = await createApiToken({ ctx, input: (await readJson(request, 8 * 1024)) as CreateApiTokenInput });
  return NextResponse.json(created, { status: 201, headers: { "Cache-Control": "no-store" } });
});
