import { NextResponse } from "next/server";
import { revokeApiToken } from "@/lib/api-tokens";
import { guardedRoute } from "@/lib/http/route";

/** Ends a token at once (no body); the next request with it gets 401. */
export const POST = guardedRoute<{ id: string }>(
  { permission: "api_tokens.manage", body: "none" },
  async (ctx, _request, { id }) => {
    await revokeApiToken({ ctx, input: { tokenId: id } });
    return NextResponse.json({ revoked: id });
  },
);
