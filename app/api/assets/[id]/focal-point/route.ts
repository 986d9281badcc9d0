import { NextResponse } from "next/server";
import { readJson } from "@/lib/http/read-json";
import { guardedRoute } from "@/lib/http/route";
import { setFocalPoint } from "@/lib/placements";

/** Body `{x, y}` (fractions 0–1) or `{reset: true}`; answers the stored point (null: automatic). */
export const PUT = guardedRoute<{ id: string }>(
  { permission: "assets.describe", body: "json" },
  async (ctx, request, { id }) =>
    NextResponse.json(await setFocalPoint({ ctx, assetId: id, input: await readJson(request) })),
);
