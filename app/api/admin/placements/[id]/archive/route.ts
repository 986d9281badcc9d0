import { NextResponse } from "next/server";
import { guardedRoute } from "@/lib/http/route";
import { archivePlacement } from "@/lib/placements";

export const POST = guardedRoute<{ id: string }>(
  { permission: "delivery.manage", body: "none" },
  async (ctx, _request, { id }) => NextResponse.json({ placement: await archivePlacement({ ctx, input: { id } }) }),
);
