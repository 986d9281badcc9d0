import { NextResponse } from "next/server";
import { guardedRoute } from "@/lib/http/route";
import { rotateSecret } from "@/lib/webhooks/endpoints";

/** A new signing secret; the old one keeps signing beside it for 24 hours. */
export const POST = guardedRoute<{ id: string }>(
  { permission: "webhooks.manage", body: "none" },
  async (ctx, _request, { id }) =>
    NextResponse.json(await rotateSecret({ ctx, endpointId: id }), { headers: { "cache-control": "no-store" } }),
);
