import { NextResponse } from "next/server";
import { guardedRoute } from "@/lib/http/route";
import { redeliver } from "@/lib/webhooks/deliveries";

/** One attempt now, by hand (audited); answers how it went. */
export const POST = guardedRoute<{ deliveryId: string }>(
  { permission: "webhooks.manage", body: "none" },
  async (ctx, _request, { deliveryId }) => NextResponse.json({ result: await redeliver({ ctx, deliveryId }) }),
);
