import { NextResponse } from "next/server";
import { estimateBatch } from "@/lib/generation/queue-batch";
import { readJson } from "@/lib/http/read-json";
import { guardedRoute } from "@/lib/http/route";

export const POST = guardedRoute({ permission: "generations.create", body: "json" }, async (ctx, request) =>
  NextResponse.json({ estimate: await estimateBatch({ ctx, input: await readJson(request, 8 * 1024 * 1024) }) }),
);
