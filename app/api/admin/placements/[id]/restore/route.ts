import { NextResponse } from "next/server";
import { guardedRoute } from "@/lib/http/route";
import { restorePlacement } from "@/lib/placements";

export const POST = guardedRoute<{ id: string }>(
  { permission: "delivery.manage", body: "none" },
  async (ctx, _request, { id }) => NextResponse.json({ placement: await restorePlacement({ ctx, input: { id } }) }),
);
