import { NextResponse } from "next/server";
import { readJson } from "@/lib/http/read-json";
import { guardedRoute } from "@/lib/http/route";
import { claimSlice } from "@/lib/review/queue";

export const POST = guardedRoute({ permission: "review.decide", body: "json" }, async (ctx, request) =>
  NextResponse.json(await claimSlice({ ctx, input: await readJson(request).catch(() => ({})) })),
);
