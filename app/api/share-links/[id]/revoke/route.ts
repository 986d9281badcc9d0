import { NextResponse } from "next/server";
import { guardedRoute } from "@/lib/http/route";
import { revokeShareLink } from "@/lib/share-links";

/** Ends a link at once (no body). */
export const POST = guardedRoute<{ id: string }>(
  { permission: "shares.create", body: "none" },
  async (ctx, _request, { id }) => NextResponse.json({ link: await revokeShareLink({ ctx, linkId: id }) }),
);
