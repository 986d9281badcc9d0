import { NextResponse } from "next/server";
import { readJson } from "@/lib/http/read-json";
import { guardedRoute } from "@/lib/http/route";
import { createPlacement, listPlacements } from "@/lib/placements";

export const GET = guardedRoute("delivery.manage", async (ctx) => NextResponse.json(await listPlacements(ctx.db)));

export const POST = guardedRoute({ permission: "delivery.manage", body: "json" }, async (ctx, request) =>
  NextResponse.json({ placement: await createPlacement({ ctx, input: await readJson(request) }) }, { status: 201 }),
);
