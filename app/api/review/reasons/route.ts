import { NextResponse } from "next/server";
import { guardedRoute } from "@/lib/http/route";
import { listRejectReasons } from "@/lib/review/reasons";

export const GET = guardedRoute("review.decide", async (ctx) =>
  NextResponse.json({ reasons: (await listRejectReasons(ctx.db)).map((r) => ({ code: r.code, label: r.label })) }),
);
