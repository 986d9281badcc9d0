import { NextResponse } from "next/server";
import { guardedRoute } from "@/lib/http/route";
import { revealSecret } from "@/lib/webhooks/endpoints";

/** The endpoint's signing secret, for its owner (a POST: never cached, and audited). */
export const POST = guardedRoute<{ id: string }>(
  { permission: "webhooks.manage", body: "none" },
  async (ctx, _request, { id }) =>
    NextResponse.json(await revealSecret({ ctx, endpointId: id }), { headers: { "cache-control": "no-store" } }),
);
