import { NextResponse } from "next/server";
import { guardedRoute } from "@/lib/http/route";
import { listDeliveries } from "@/lib/webhooks/deliveries";

/** The endpoint's delivery log, newest first, each delivery with its attempts. */
export const GET = guardedRoute<{ id: string }>("webhooks.manage", async (ctx, _request, { id }) =>
  NextResponse.json({ deliveries: await listDeliveries({ ctx, endpointId: id }) }),
);
