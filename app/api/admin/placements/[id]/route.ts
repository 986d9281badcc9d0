import { NextResponse } from "next/server";
import { readJson } from "@/lib/http/read-json";
import { guardedRoute } from "@/lib/http/route";
import { updatePlacement } from "@/lib/placements";

export const PATCH = guardedRoute<{ id: string }>(
  { permission: "delivery.manage", body: "json" },
  async (ctx, request, { id }) => {
    const body = await readJson(request);
    return NextResponse.json({
      placement: await updatePlacement({ ctx, input: { ...(body && typeof body === "object" ? body : {}), id } }),
    });
  },
);
