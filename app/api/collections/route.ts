import { NextResponse } from "next/server";
import { createCollection, listCollections } from "@/lib/collections";
import { readJson } from "@/lib/http/read-json";
import { guardedRoute } from "@/lib/http/route";

/** My boards and the boards shared with my team. */
export const GET = guardedRoute("collections.use", async (ctx) => NextResponse.json(await listCollections({ ctx })));

/** Body: { name, description?, shared? } (shared = with my team). */
export const POST = guardedRoute({ permission: "collections.use", body: "json" }, async (ctx, request) =>
  NextResponse.json({ collection: await createCollection({ ctx, input: await readJson(request) }) }, { status: 201 }),
);
