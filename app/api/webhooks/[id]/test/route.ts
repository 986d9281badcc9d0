import { NextResponse } from "next/server";
import { guardedRoute } from "@/lib/http/route";
import { sendTestEvent } from "@/lib/webhooks/deliveries";

/** Sends a webhook.test event through the normal delivery path; it appears in the delivery log. */
export const POST = guardedRoute<{ id: string }>(
  { permission: "webhooks.manage", body: "none" },
  async (ctx, _request, { id }) => NextResponse.json(await sendTestEvent({ ctx, endpointId: id }), { status: 202 }),
);
